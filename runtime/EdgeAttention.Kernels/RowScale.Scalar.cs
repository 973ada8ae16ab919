namespace EdgeAttention.Kernels;

public static partial class RowScale
{
    /// <summary>Reference: y[i] = s x[i].</summary>
    internal static void ScalarCore(ReadOnlySpan<float> x, float s, Span<float> y)
    {
        for (int i = 0; i < x.Length; i++) y[i] = s * x[i];
    }
}
