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

    /// <summary>Reference: <see cref="ScalarCore"/> per block of a.Length / blocks rows with that block's x and y.</summary>
    internal static void ScalarBlocksCore(Span<double> acc, ReadOnlySpan<double> f, ReadOnlySpan<double> a, ReadOnlySpan<double> x, ReadOnlySpan<double> b,
        ReadOnlySpan<double> y, int blocks)
    {
        int rows = a.Length / blocks, d = x.Length / blocks;
        for (int g = 0; g < blocks; g++)
        {
            ScalarCore(acc.Slice(g * rows * d, rows * d), f.IsEmpty ? default : f.Slice(g * rows, rows), a.Slice(g * rows, rows), x.Slice(g * d, d),
                b.Slice(g * rows, rows), y.Slice(g * d, d));
        }
    }
}
