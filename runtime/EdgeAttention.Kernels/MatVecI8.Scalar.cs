namespace EdgeAttention.Kernels;

public static partial class MatVecI8
{
    /// <summary>Reference: one exact int32 dot per row, then the shared epilogue.</summary>
    internal static void ScalarCore(ReadOnlySpan<sbyte> w, ReadOnlySpan<float> wScales, ReadOnlySpan<sbyte> qx, float sx, ReadOnlySpan<float> bias, Span<float> y)
    {
        int cols = qx.Length;
        for (int r = 0; r < y.Length; r++)
        {
            ReadOnlySpan<sbyte> row = w.Slice(r * cols, cols);
            int s = 0;
            for (int c = 0; c < cols; c++) s += row[c] * qx[c];
            Store(y, r, s, sx, wScales, bias);
        }
    }
}
