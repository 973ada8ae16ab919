namespace EdgeAttention.Kernels;

public static partial class MatMul
{
    /// <summary>C[m, n] = A[m, k] · B[k, n]: row i of C is Bᵀ applied to row i of A (MatVecTransposed core).</summary>
    internal static void Vector256Core(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n)
    {
        for (int i = 0; i < m; i++) MatVecTransposed.Vector256Core(b, a.Slice(i * k, k), c.Slice(i * n, n));
    }

    /// <summary>C[m, n] = A[m, k] · B[n, k]ᵀ: row i of C is B applied to row i of A (MatVec core, no bias).</summary>
    internal static void Vector256TransposedBCore(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n)
    {
        for (int i = 0; i < m; i++) MatVec.Vector256Core(b, a.Slice(i * k, k), ReadOnlySpan<float>.Empty, c.Slice(i * n, n));
    }
}
