using System.Runtime.Intrinsics;

namespace EdgeAttention.Kernels;

/// <summary>y ← s x over equal-length spans (float32); x may be y (in place).</summary>
public static partial class RowScale
{
    /// <summary>y ← s x with the dispatched float32 variant.</summary>
    public static void Compute(ReadOnlySpan<float> x, float s, Span<float> y)
    {
        KernelChecks.SameLength(x.Length, y.Length, "RowScale", "x", "y");
        Run(KernelDispatch.Float32, x, s, y);
    }

    /// <summary>y ← s x with an explicit variant.</summary>
    public static void Compute(KernelVariant variant, ReadOnlySpan<float> x, float s, Span<float> y)
    {
        KernelDispatch.RequireFloat32(variant, "RowScale");
        KernelChecks.SameLength(x.Length, y.Length, "RowScale", "x", "y");
        Run(variant, x, s, y);
    }

    private static void Run(KernelVariant variant, ReadOnlySpan<float> x, float s, Span<float> y)
    {
        switch (variant)
        {
            case KernelVariant.Vector256: PortableCore<W256, Vector256<float>>(x, s, y); break;
            case KernelVariant.Vector128: PortableCore<W128, Vector128<float>>(x, s, y); break;
            default: ScalarCore(x, s, y); break;
        }
    }
}
