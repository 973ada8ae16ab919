namespace EdgeAttention.Kernels;

public static partial class Dot
{
    /// <summary>Reference: s = Σᵢ x[i] y[i], left to right.</summary>
    internal static float ScalarCore(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        float s = 0;
        for (int i = 0; i < x.Length; i++) s += x[i] * y[i];
        return s;
    }
}
