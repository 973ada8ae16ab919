namespace EdgeAttention.Kernels;

public static partial class MatVecTransposed
{
    /// <summary>Reference: y = 0, then y[j] += x[i] W[i, j] row by row.</summary>
    internal static void ScalarCore(ReadOnlySpan<float> w, ReadOnlySpan<float> x, Span<float> y)
    {
        int rows = x.Length, cols = y.Length;
        y.Clear();
        for (int r = 0; r < rows; r++)
        {
            float a = x[r];
            ReadOnlySpan<float> row = w.Slice(r * cols, cols);
            for (int c = 0; c < cols; c++) y[c] += a * row[c];
        }
    }
}
