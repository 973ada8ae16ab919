namespace EdgeAttention.Kernels;

public static partial class MatMul
{
    /// <summary>Reference: C[i, j] = Σ_p A[i, p] B[p, j].</summary>
    internal static void ScalarCore(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n)
    {
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                float s = 0;
                for (int p = 0; p < k; p++) s += a[i * k + p] * b[p * n + j];
                c[i * n + j] = s;
            }
        }
    }

    /// <summary>Reference: C[i, j] = Σ_p A[i, p] B[j, p].</summary>
    internal static void ScalarTransposedBCore(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n)
    {
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                float s = 0;
                for (int p = 0; p < k; p++) s += a[i * k + p] * b[j * k + p];
                c[i * n + j] = s;
            }
        }
    }
}
