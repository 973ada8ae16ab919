namespace EdgeAttention.Kernels;

/// <summary>
/// y = W x + b (float32): W row-major [rows = y.Length, cols = x.Length], bias empty or [rows].
/// y must not overlap x, W or bias (the vector paths store eight rows at a time and may recompute a block).
/// </summary>
public static partial class MatVec
{
    /// <summary>y = W x + b with the dispatched float32 variant.</summary>
    public static void Compute(ReadOnlySpan<float> w, ReadOnlySpan<float> x, ReadOnlySpan<float> bias, Span<float> y)
    {
        Check(w, x, bias, y);
        Run(KernelDispatch.Float32, w, x, bias, y);
    }

    /// <summary>y = W x + b with an explicit variant.</summary>
    public static void Compute(KernelVariant variant, ReadOnlySpan<float> w, ReadOnlySpan<float> x, ReadOnlySpan<float> bias, Span<float> y)
    {
        KernelDispatch.RequireFloat32(variant, "MatVec");
        Check(w, x, bias, y);
        Run(variant, w, x, bias, y);
    }

    private static void Check(ReadOnlySpan<float> w, ReadOnlySpan<float> x, ReadOnlySpan<float> bias, Span<float> y)
    {
        KernelChecks.Elements(w.Length, (long)y.Length * x.Length, "MatVec", "w", "[y.Length, x.Length]");
        KernelChecks.Bias(bias.Length, y.Length, "MatVec");
    }

    internal static void Run(KernelVariant variant, ReadOnlySpan<float> w, ReadOnlySpan<float> x, ReadOnlySpan<float> bias, Span<float> y)
    {
        switch (variant)
        {
            case KernelVariant.Vector256: Vector256Core(w, x, bias, y); break;
            case KernelVariant.Vector128: Vector128Core(w, x, bias, y); break;
            default: ScalarCore(w, x, bias, y); break;
        }
    }
}
