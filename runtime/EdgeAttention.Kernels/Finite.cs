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

    /// <summary>
    /// True when every value of x is finite and |x| ≤ <paramref name="bound"/> (NaN fails the comparison); dispatched
    /// variant (the model's token check, once per step).
    /// </summary>
    public static bool AllWithin(ReadOnlySpan<float> x, float bound) => RunWithin(KernelDispatch.Float32, x, bound);

    /// <summary>AllWithin with an explicit variant.</summary>
    public static bool AllWithin(KernelVariant variant, ReadOnlySpan<float> x, float bound)
    {
        KernelDispatch.RequireFloat32(variant, "Finite.AllWithin");
        return RunWithin(variant, x, bound);
    }

    private static bool RunWithin(KernelVariant variant, ReadOnlySpan<float> x, float bound) => variant switch
    {
        KernelVariant.Vector256 => PortableWithinCore<W256, Vector256<float>>(x, bound),
        KernelVariant.Vector128 => PortableWithinCore<W128, Vector128<float>>(x, bound),
        _ => ScalarWithinCore(x, bound, 0),
    };

    private static int Run(KernelVariant variant, ReadOnlySpan<float> x) => variant switch
    {
        KernelVariant.Vector256 => PortableCore<W256, Vector256<float>>(x),
        KernelVariant.Vector128 => PortableCore<W128, Vector128<float>>(x),
        _ => ScalarCore(x, 0),
    };
}
