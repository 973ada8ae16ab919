namespace EdgeAttention.Kernels;

public static partial class MatMul
{
    /// <summary>
    /// C[m, n] = A[m, k] · B[k, n]: row i of C is Bᵀ applied to row i of A (portable MatVecTransposed core).
    /// Vector128 variant: (TW, TV) = (<see cref="W128"/>, Vector128&lt;float&gt;); Vector256: (<see cref="W256"/>, Vector256&lt;float&gt;).
    /// </summary>
    internal static void PortableCore<TW, TV>(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n) where TW : struct, ISimd<TV> where TV : struct
    {
        for (int i = 0; i < m; i++) MatVecTransposed.PortableCore<TW, TV>(b, a.Slice(i * k, k), c.Slice(i * n, n));
    }

    /// <summary>
    /// C[m, n] = A[m, k] · B[n, k]ᵀ for Vector128 / Vector256: row i of C is B applied to row i of A by the
    /// MatVec core of that variant (no bias; MatVec keeps hand-written per-width cores, see README).
    /// </summary>
    internal static void VectorTransposedBCore(KernelVariant variant, ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n)
    {
        for (int i = 0; i < m; i++) MatVec.Run(variant, b, a.Slice(i * k, k), ReadOnlySpan<float>.Empty, c.Slice(i * n, n));
    }
}
