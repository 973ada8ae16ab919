using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace EdgeAttention.Kernels;

/// <summary>
/// exp over float64 spans for non-positive arguments (the shifted exponentials exp(s − c), s ≤ c, of the continual
/// running sums and float64 softmax rows). x may be the same span as y. Float64 kernels follow the float32 variant
/// choice (<see cref="KernelDispatch.Float32"/>).
/// </summary>
public static partial class Exp64
{
    /// <summary>y[i] = exp(x[i]) for x[i] ≤ 0 (x &lt; −708 gives 0, NaN gives NaN) with the dispatched variant.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void NonPositive(ReadOnlySpan<double> x, Span<double> y)
    {
        KernelChecks.SameLength(x.Length, y.Length, "Exp64.NonPositive", "x", "y");
        Run(KernelDispatch.Float32, x, y);
    }

    /// <summary>Exp64.NonPositive with an explicit variant.</summary>
    public static void NonPositive(KernelVariant variant, ReadOnlySpan<double> x, Span<double> y)
    {
        KernelDispatch.RequireFloat32(variant, "Exp64.NonPositive");
        KernelChecks.SameLength(x.Length, y.Length, "Exp64.NonPositive", "x", "y");
        Run(variant, x, y);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Run(KernelVariant variant, ReadOnlySpan<double> x, Span<double> y)
    {
        switch (variant)
        {
            case KernelVariant.Vector256: PortableCore<W256, Vector256<double>>(x, y); break;
            case KernelVariant.Vector128: PortableCore<W128, Vector128<double>>(x, y); break;
            default: ScalarCore(x, y); break;
        }
    }
}
