using System.Runtime.Intrinsics;

namespace EdgeAttention.Kernels;

/// <summary>The one finite-value scan (weights at load, frames and activations at run time): NaN and ±∞ are not finite.</summary>
public static partial class Finite
{
    /// <summary>Index of the first NaN or ±∞ in x, or −1 when every value is finite; dispatched variant.</summary>
    public static int IndexOfNonFinite(ReadOnlySpan<float> x) => Run(KernelDispatch.Float32, x);

    /// <summary>IndexOfNonFinite with an explicit variant.</summary>
    public static int IndexOfNonFinite(KernelVariant variant, ReadOnlySpan<float> x)
    {
        KernelDispatch.RequireFloat32(variant, "Finite.IndexOfNonFinite");
        return Run(variant, x);
    }

    /// <summary>True when every value of x is finite.</summary>
    public static bool All(ReadOnlySpan<float> x) => Run(KernelDispatch.Float32, x) < 0;

    private static int Run(KernelVariant variant, ReadOnlySpan<float> x) => variant switch
    {
        KernelVariant.Vector256 => PortableCore<W256, Vector256<float>>(x),
        KernelVariant.Vector128 => PortableCore<W128, Vector128<float>>(x),
        _ => ScalarCore(x, 0),
    };
}
