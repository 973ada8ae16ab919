using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace EdgeAttention.Kernels;

/// <summary>Float32 ↔ float64 over equal-length spans: widen (exact), add widened, narrow (round to nearest).</summary>
public static partial class Precision
{
    /// <summary>y[i] = (double)x[i], dispatched variant.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Widen(ReadOnlySpan<float> x, Span<double> y)
    {
        KernelChecks.SameLength(x.Length, y.Length, "Precision.Widen", "x", "y");
        Run(KernelDispatch.Float32, Op.Widen, x, y);
    }

    /// <summary>y[i] += (double)x[i] (float64 running sums of float rows), dispatched variant.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AddWidened(ReadOnlySpan<float> x, Span<double> y)
    {
        KernelChecks.SameLength(x.Length, y.Length, "Precision.AddWidened", "x", "y");
        Run(KernelDispatch.Float32, Op.AddWidened, x, y);
    }

    /// <summary>y[i] = (float)x[i], dispatched variant.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Narrow(ReadOnlySpan<double> x, Span<float> y)
    {
        KernelChecks.SameLength(x.Length, y.Length, "Precision.Narrow", "x", "y");
        RunNarrow(KernelDispatch.Float32, x, y);
    }

    /// <summary>Widen (add = false) or AddWidened (add = true) with an explicit variant.</summary>
    public static void Widen(KernelVariant variant, ReadOnlySpan<float> x, Span<double> y, bool add)
    {
        KernelDispatch.RequireFloat32(variant, "Precision.Widen");
        KernelChecks.SameLength(x.Length, y.Length, "Precision.Widen", "x", "y");
        Run(variant, add ? Op.AddWidened : Op.Widen, x, y);
    }

    /// <summary>Narrow with an explicit variant.</summary>
    public static void Narrow(KernelVariant variant, ReadOnlySpan<double> x, Span<float> y)
    {
        KernelDispatch.RequireFloat32(variant, "Precision.Narrow");
        KernelChecks.SameLength(x.Length, y.Length, "Precision.Narrow", "x", "y");
        RunNarrow(variant, x, y);
    }

    internal enum Op { Widen, AddWidened }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Run(KernelVariant variant, Op op, ReadOnlySpan<float> x, Span<double> y)
    {
        switch (variant)
        {
            case KernelVariant.Vector256: PortableWidenCore<W256, Vector256<double>>(op, x, y); break;
            case KernelVariant.Vector128: PortableWidenCore<W128, Vector128<double>>(op, x, y); break;
            default: ScalarWidenCore(op, x, y, 0); break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void RunNarrow(KernelVariant variant, ReadOnlySpan<double> x, Span<float> y)
    {
        switch (variant)
        {
            case KernelVariant.Vector256: PortableNarrowCore<W256, Vector256<double>>(x, y); break;
            case KernelVariant.Vector128: PortableNarrowCore<W128, Vector128<double>>(x, y); break;
            default: ScalarNarrowCore(x, y, 0); break;
        }
    }
}
