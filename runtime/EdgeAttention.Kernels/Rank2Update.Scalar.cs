namespace EdgeAttention.Kernels;

public static partial class Rank2Update
{
    /// <summary>Reference: acc[j, c] = f_j·acc[j, c] + a_j·x[c] − b_j·y[c] (f_j = 1 when f is empty).</summary>
    internal static void ScalarCore(Span<double> acc, ReadOnlySpan<double> f, ReadOnlySpan<double> a, ReadOnlySpan<double> x, ReadOnlySpan<double> b, ReadOnlySpan<double> y)
    {
        int d = x.Length;
        for (int j = 0; j < a.Length; j++)
        {
            double fj = f.IsEmpty ? 1.0 : f[j];
            for (int c = 0; c < d; c++) acc[j * d + c] = fj * acc[j * d + c] + a[j] * x[c] - b[j] * y[c];
        }
    }
}
