namespace EdgeAttention.Kernels;

public static partial class MatVecI8
{
    /// <summary>
    /// Reference: exact int32 dots Σ_c W[r, c] qx[c], then the shared epilogue. Plain loops over four rows at a time
    /// (one qx[c] load feeds four independent integer sums; integer addition is exact, so the order is free), then one
    /// row at a time for the rows mod 4.
    /// </summary>
    internal static void ScalarCore(ReadOnlySpan<sbyte> w, ReadOnlySpan<float> wScales, ReadOnlySpan<sbyte> qx, float sx, ReadOnlySpan<float> bias, Span<float> y)
    {
        int cols = qx.Length, r = 0;
        for (; r + 4 <= y.Length; r += 4)
        {
            ReadOnlySpan<sbyte> w0 = w.Slice(r * cols, cols), w1 = w.Slice((r + 1) * cols, cols);
            ReadOnlySpan<sbyte> w2 = w.Slice((r + 2) * cols, cols), w3 = w.Slice((r + 3) * cols, cols);
            int s0 = 0, s1 = 0, s2 = 0, s3 = 0;
            for (int c = 0; c < cols; c++)
            {
                int xc = qx[c];
                s0 += w0[c] * xc;
                s1 += w1[c] * xc;
                s2 += w2[c] * xc;
                s3 += w3[c] * xc;
            }
            Store(y, r, s0, sx, wScales, bias);
            Store(y, r + 1, s1, sx, wScales, bias);
            Store(y, r + 2, s2, sx, wScales, bias);
            Store(y, r + 3, s3, sx, wScales, bias);
        }
        for (; r < y.Length; r++)
        {
            ReadOnlySpan<sbyte> row = w.Slice(r * cols, cols);
            int s = 0;
            for (int c = 0; c < cols; c++) s += row[c] * qx[c];
            Store(y, r, s, sx, wScales, bias);
        }
    }
}
