namespace EdgeAttention.Kernels;

public static partial class Axpy
{
    /// <summary>Reference: y[i] ← y[i] + α x[i].</summary>
    internal static void ScalarCore(float alpha, ReadOnlySpan<float> x, Span<float> y)
    {
        for (int i = 0; i < x.Length; i++) y[i] += alpha * x[i];
    }
}
