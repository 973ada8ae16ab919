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

    /// <summary>Reference: <see cref="ScalarCore(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{double})"/> per block.</summary>
    internal static void ScalarBlocksCore(ReadOnlySpan<float> w, ReadOnlySpan<float> x, Span<float> y, Span<double> yWide, int blocks)
    {
        int rows = x.Length / blocks, cols = y.Length / blocks;
        for (int b = 0; b < blocks; b++)
        {
            ScalarCore(w.Slice(b * rows * cols, rows * cols), x.Slice(b * rows, rows), y.Slice(b * cols, cols),
                yWide.IsEmpty ? default : yWide.Slice(b * cols, cols));
        }
    }

    /// <summary>Reference: <see cref="ScalarCore(ReadOnlySpan{double}, ReadOnlySpan{double}, double, ReadOnlySpan{double}, Span{double})"/> per block, scale = scales[b] (1 when empty).</summary>
    internal static void ScalarBlocksCore(ReadOnlySpan<double> w, ReadOnlySpan<double> x, ReadOnlySpan<double> scales, ReadOnlySpan<double> divisor, Span<double> y, int blocks)
    {
        int rows = x.Length / blocks, cols = y.Length / blocks;
        for (int b = 0; b < blocks; b++)
        {
            ScalarCore(w.Slice(b * rows * cols, rows * cols), x.Slice(b * rows, rows), scales.IsEmpty ? 1.0 : scales[b],
                divisor.IsEmpty ? default : divisor.Slice(b * cols, cols), y.Slice(b * cols, cols));
        }
    }

    /// <summary>Reference: y[j] = Σ_i x[i]·w[i·rowStride + j] (left to right, float64).</summary>
    internal static void ScalarStridedCore(ReadOnlySpan<double> w, int rowStride, ReadOnlySpan<double> x, Span<double> y)
    {
        for (int j = 0; j < y.Length; j++)
        {
            double s = 0;
            for (int i = 0; i < x.Length; i++) s += x[i] * w[i * rowStride + j];
            y[j] = s * 1.0;
        }
    }
}
