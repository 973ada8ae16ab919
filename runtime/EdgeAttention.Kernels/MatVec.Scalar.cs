namespace EdgeAttention.Kernels;

public static partial class MatVec
{
    /// <summary>Reference: y[r] = Σ_c W[r, c] x[c] (+ b[r]), one row at a time, left to right.</summary>
    internal static void ScalarCore(ReadOnlySpan<float> w, ReadOnlySpan<float> x, ReadOnlySpan<float> bias, Span<float> y)
    {
        int rows = y.Length, cols = x.Length;
        for (int r = 0; r < rows; r++)
        {
            float s = 0;
            ReadOnlySpan<float> row = w.Slice(r * cols, cols);
            for (int c = 0; c < cols; c++) s += row[c] * x[c];
            y[r] = bias.Length != 0 ? s + bias[r] : s;
        }
    }
}
