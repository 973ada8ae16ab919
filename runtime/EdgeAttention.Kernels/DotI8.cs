using System.Runtime.Intrinsics;

namespace EdgeAttention.Kernels;

/// <summary>
/// s = Σᵢ x[i] y[i] for int8 x, y (int32 result). Inputs are expected in [−127, 127] (what <see cref="Quantize"/>
/// produces); then every variant is exact and bit-identical. Lengths up to <see cref="MaxLength"/> cannot overflow.
/// </summary>
public static partial class DotI8
{
    /// <summary>Longest input whose sum is guaranteed to fit in int32: ⌊(2³¹ − 1) / 127²⌋.</summary>
    public const int MaxLength = int.MaxValue / (127 * 127);

    /// <summary>x · y with the dispatched int8 variant.</summary>
    public static int Compute(ReadOnlySpan<sbyte> x, ReadOnlySpan<sbyte> y)
    {
        Check(x, y);
        return Run(KernelDispatch.Int8, x, y);
    }

    /// <summary>x · y with an explicit variant.</summary>
    public static int Compute(KernelVariant variant, ReadOnlySpan<sbyte> x, ReadOnlySpan<sbyte> y)
    {
        KernelDispatch.RequireInt8(variant, "DotI8");
        Check(x, y);
        return Run(variant, x, y);
    }

    private static void Check(ReadOnlySpan<sbyte> x, ReadOnlySpan<sbyte> y)
    {
        KernelChecks.SameLength(x.Length, y.Length, "DotI8", "x", "y");
        if (x.Length > MaxLength)
            throw new ArgumentException($"DotI8: length {x.Length} exceeds {MaxLength}, where the int32 sum could overflow; split the vector.");
    }

    internal static int Run(KernelVariant variant, ReadOnlySpan<sbyte> x, ReadOnlySpan<sbyte> y) => variant switch
    {
        KernelVariant.AdvSimdDp => AdvSimdDpCore(x, y),
        KernelVariant.AdvSimd => AdvSimdCore(x, y),
        KernelVariant.AvxVnni => AvxVnniCore(x, y),
        KernelVariant.Avx2 => Avx2Core(x, y),
        KernelVariant.Ssse3 => Ssse3Core(x, y),
        KernelVariant.Vector256 => PortableCore<W256, Vector256<float>>(x, y),
        KernelVariant.Vector128 => PortableCore<W128, Vector128<float>>(x, y),
        _ => ScalarCore(x, y),
    };
}
