namespace EdgeAttention.Kernels;

public static partial class MatMul
{
    /// <summary>Reference: C[i, j] = Σ_p A[i, p] B[p, j].</summary>
    internal static void ScalarCore(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n) =>
        ScalarStridedCore(a, b, c, m, k, n, n, 1);

    /// <summary>Reference: C[i, j] = Σ_p A[i, p] B[j, p].</summary>
    internal static void ScalarTransposedBCore(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n) =>
        ScalarStridedCore(a, b, c, m, k, n, 1, k);

    /// <summary>C[i, j] = Σ_p A[i, p] · b[p·bp + j·bj] left to right (B: bp = n, bj = 1; Bᵀ: bp = 1, bj = k).</summary>
    private static void ScalarStridedCore(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n, int bp, int bj)
    {
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                float s = 0;
                for (int p = 0; p < k; p++) s += a[i * k + p] * b[p * bp + j * bj];
                c[i * n + j] = s;
            }
        }
    }
}
