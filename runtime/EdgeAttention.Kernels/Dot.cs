using System.Runtime.Intrinsics;

namespace EdgeAttention.Kernels;

/// <summary>s = Σᵢ x[i] y[i] over equal-length spans (float32).</summary>
public static partial class Dot
{
    /// <summary>x · y with the dispatched float32 variant.</summary>
    public static float Compute(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        KernelChecks.SameLength(x.Length, y.Length, "Dot", "x", "y");
        return Run(KernelDispatch.Float32, x, y);
    }

    /// <summary>x · y with an explicit variant (tests, benchmarks, self-test).</summary>
    public static float Compute(KernelVariant variant, ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        KernelDispatch.RequireFloat32(variant, "Dot");
        KernelChecks.SameLength(x.Length, y.Length, "Dot", "x", "y");
        return Run(variant, x, y);
    }

    private static float Run(KernelVariant variant, ReadOnlySpan<float> x, ReadOnlySpan<float> y) => variant switch
    {
        KernelVariant.Vector256 => PortableCore<W256, Vector256<float>>(x, y),
        KernelVariant.Vector128 => PortableCore<W128, Vector128<float>>(x, y),
        _ => ScalarCore(x, y),
    };
}
