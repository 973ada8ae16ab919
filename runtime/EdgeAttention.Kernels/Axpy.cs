using System.Runtime.Intrinsics;

namespace EdgeAttention.Kernels;

/// <summary>y ← y + α x over equal-length spans (float32). x may be the same span as y.</summary>
public static partial class Axpy
{
    /// <summary>y ← y + α x with the dispatched float32 variant.</summary>
    public static void Compute(float alpha, ReadOnlySpan<float> x, Span<float> y)
    {
        KernelChecks.SameLength(x.Length, y.Length, "Axpy", "x", "y");
        Run(KernelDispatch.Float32, alpha, x, y);
    }

    /// <summary>y ← y + α x with an explicit variant.</summary>
    public static void Compute(KernelVariant variant, float alpha, ReadOnlySpan<float> x, Span<float> y)
    {
        KernelDispatch.RequireFloat32(variant, "Axpy");
        KernelChecks.SameLength(x.Length, y.Length, "Axpy", "x", "y");
        Run(variant, alpha, x, y);
    }

    private static void Run(KernelVariant variant, float alpha, ReadOnlySpan<float> x, Span<float> y)
    {
        switch (variant)
        {
            case KernelVariant.Vector256: PortableCore<W256, Vector256<float>>(alpha, x, y); break;
            case KernelVariant.Vector128: PortableCore<W128, Vector128<float>>(alpha, x, y); break;
            default: ScalarCore(alpha, x, y); break;
        }
    }
}
