namespace EdgeAttention.Kernels;

public static partial class Exp64
{
    /// <summary>Reference: y[i] = Math.Exp(x[i]).</summary>
    internal static void ScalarCore(ReadOnlySpan<double> x, Span<double> y)
    {
        for (int i = 0; i < x.Length; i++) y[i] = Math.Exp(x[i]);
    }
}
