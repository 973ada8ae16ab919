using System.Runtime.CompilerServices;
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
    /// updated incrementally, models/README.md §4.2); returns Σ y. Dispatched float32 variant.
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

    /// <summary>
    /// Float64 softmax numerators: y[j] = exp(scale·x[j] − scale·max x) (arguments ≤ 0), returns Σ y; the caller
    /// divides by the sum where it is cheapest (a float64 softmax row is y / Σ y). x may be y; empty x returns 0.
    /// Dispatched variant (float64 kernels follow the float32 choice).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double ExpMaxShifted(ReadOnlySpan<double> x, double scale, Span<double> y)
    {
        KernelChecks.SameLength(x.Length, y.Length, "Softmax.ExpMaxShifted", "x", "y");
        return RunExpMaxShifted(KernelDispatch.Float32, x, scale, y);
    }

    /// <summary>Softmax.ExpMaxShifted with an explicit variant.</summary>
    public static double ExpMaxShifted(KernelVariant variant, ReadOnlySpan<double> x, double scale, Span<double> y)
    {
        KernelDispatch.RequireFloat32(variant, "Softmax.ExpMaxShifted");
        KernelChecks.SameLength(x.Length, y.Length, "Softmax.ExpMaxShifted", "x", "y");
        return RunExpMaxShifted(variant, x, scale, y);
    }

    /// <summary>
    /// <see cref="ExpMaxShifted(ReadOnlySpan{double}, double, Span{double})"/> over blocks = sums.Length equal
    /// segments in one call (e.g. one per attention head): segment b of x [blocks × len] gives
    /// y_b[j] = exp(scale·x_b[j] − scale·max x_b) and sums[b] = Σ_j y_b[j], exactly as the single-row kernel gives them
    /// for that segment. x may be y. Dispatched variant.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ExpMaxShiftedBlocks(ReadOnlySpan<double> x, double scale, Span<double> y, Span<double> sums)
    {
        CheckBlocks(x.Length, y.Length, sums.Length);
        RunExpMaxShiftedBlocks(KernelDispatch.Float32, x, scale, y, sums);
    }

    /// <summary>Softmax.ExpMaxShiftedBlocks with an explicit variant.</summary>
    public static void ExpMaxShiftedBlocks(KernelVariant variant, ReadOnlySpan<double> x, double scale, Span<double> y, Span<double> sums)
    {
        KernelDispatch.RequireFloat32(variant, "Softmax.ExpMaxShiftedBlocks");
        CheckBlocks(x.Length, y.Length, sums.Length);
        RunExpMaxShiftedBlocks(variant, x, scale, y, sums);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CheckBlocks(int x, int y, int blocks)
    {
        KernelChecks.SameLength(x, y, "Softmax.ExpMaxShiftedBlocks", "x", "y");
        KernelChecks.Blocks(blocks, x, "Softmax.ExpMaxShiftedBlocks", "x (blocks = sums.Length)");
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void RunExpMaxShiftedBlocks(KernelVariant variant, ReadOnlySpan<double> x, double scale, Span<double> y, Span<double> sums)
    {
        switch (variant)
        {
            case KernelVariant.Vector256: PortableExpMaxShiftedBlocksCore<W256, Vector256<double>>(x, scale, y, sums); break;
            case KernelVariant.Vector128: PortableExpMaxShiftedBlocksCore<W128, Vector128<double>>(x, scale, y, sums); break;
            default: ScalarExpMaxShiftedBlocksCore(x, scale, y, sums); break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double RunExpMaxShifted(KernelVariant variant, ReadOnlySpan<double> x, double scale, Span<double> y) => variant switch
    {
        KernelVariant.Vector256 => PortableExpMaxShiftedCore<W256, Vector256<double>>(x, scale, y),
        KernelVariant.Vector128 => PortableExpMaxShiftedCore<W128, Vector128<double>>(x, scale, y),
        _ => ScalarExpMaxShiftedCore(x, scale, y),
    };

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
