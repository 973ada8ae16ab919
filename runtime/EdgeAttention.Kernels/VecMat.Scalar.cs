namespace EdgeAttention.Kernels;

public static partial class VecMat
{
    /// <summary>Reference: y[j] = Σ_i x[i]·W[i, j] (left to right, float32); yWide[j] = y[j] when given.</summary>
    internal static void ScalarCore(ReadOnlySpan<float> w, ReadOnlySpan<float> x, Span<float> y, Span<double> yWide)
    {
        int cols = y.Length;
        for (int j = 0; j < cols; j++)
        {
            float s = 0;
            for (int i = 0; i < x.Length; i++) s += x[i] * w[i * cols + j];
            y[j] = s;
            if (!yWide.IsEmpty) yWide[j] = s;
        }
    }

    /// <summary>Reference: y[j] = scale·(Σ_i x[i]·W[i, j]) / divisor[j] (left to right, float64).</summary>
    internal static void ScalarCore(ReadOnlySpan<double> w, ReadOnlySpan<double> x, double scale, ReadOnlySpan<double> divisor, Span<double> y)
    {
        int cols = y.Length;
        for (int j = 0; j < cols; j++)
        {
            double s = 0;
            for (int i = 0; i < x.Length; i++) s += x[i] * w[i * cols + j];
            y[j] = divisor.IsEmpty ? s * scale : s * scale / divisor[j];
        }
    }
}
