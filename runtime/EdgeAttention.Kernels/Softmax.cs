using System.Runtime.Intrinsics;

namespace EdgeAttention.Kernels;

/// <summary>Softmax over one row (float32); x may be the same span as y.</summary>
public static partial class Softmax
{
    /// <summary>y = exp(x − max x) / Σ exp(x − max x) with the dispatched float32 variant (empty x: nothing).</summary>
    public static void Compute(ReadOnlySpan<float> x, Span<float> y)
    {
        KernelChecks.SameLength(x.Length, y.Length, "Softmax", "x", "y");
        Run(KernelDispatch.Float32, x, y);
    }

    /// <summary>Softmax with an explicit variant.</summary>
    public static void Compute(KernelVariant variant, ReadOnlySpan<float> x, Span<float> y)
    {
        KernelDispatch.RequireFloat32(variant, "Softmax");
        KernelChecks.SameLength(x.Length, y.Length, "Softmax", "x", "y");
        Run(variant, x, y);
    }

    /// <summary>
    /// y = exp(x − shift) with a caller-given shift (continual attention keeps one fixed shift so sums can be
    /// updated incrementally, contract §4.2); returns Σ y. Dispatched float32 variant.
    /// </summary>
    public static float ShiftedExp(ReadOnlySpan<float> x, float shift, Span<float> y)
    {
        KernelChecks.SameLength(x.Length, y.Length, "Softmax.ShiftedExp", "x", "y");
        return RunShifted(KernelDispatch.Float32, x, shift, y);
    }

    /// <summary>Shifted exp with an explicit variant; returns Σ y.</summary>
    public static float ShiftedExp(KernelVariant variant, ReadOnlySpan<float> x, float shift, Span<float> y)
    {
        KernelDispatch.RequireFloat32(variant, "Softmax.ShiftedExp");
        KernelChecks.SameLength(x.Length, y.Length, "Softmax.ShiftedExp", "x", "y");
        return RunShifted(variant, x, shift, y);
    }

    private static void Run(KernelVariant variant, ReadOnlySpan<float> x, Span<float> y)
    {
        switch (variant)
        {
            case KernelVariant.Vector256: PortableCore<W256, Vector256<float>>(x, y); break;
            case KernelVariant.Vector128: PortableCore<W128, Vector128<float>>(x, y); break;
            default: ScalarCore(x, y); break;
        }
    }

    private static float RunShifted(KernelVariant variant, ReadOnlySpan<float> x, float shift, Span<float> y) => variant switch
    {
        KernelVariant.Vector256 => PortableShiftedExpCore<W256, Vector256<float>>(x, shift, y),
        KernelVariant.Vector128 => PortableShiftedExpCore<W128, Vector128<float>>(x, shift, y),
        _ => ScalarShiftedExpCore(x, shift, y),
    };
}
