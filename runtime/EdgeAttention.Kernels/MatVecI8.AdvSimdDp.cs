using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;

namespace EdgeAttention.Kernels;

public static partial class MatVecI8
{
    /// <summary>
    /// arm64 dot-product extension, four rows at a time (<see cref="Rows4Core{TStep, TAcc}"/>), 16 columns per step:
    /// SDOT adds four int8 products into each int32 lane of the row's accumulator (one x load feeds four rows); the
    /// four row sums are reduced together (addp); leftover rows via the SDOT dot. Only called when Dp.IsSupported
    /// (a runtime check under NativeAOT); verified on arm64 under qemu (cortex-a76 / neoverse-n1) by the device self-test.
    /// </summary>
    internal static void AdvSimdDpCore(ReadOnlySpan<sbyte> w, ReadOnlySpan<float> wScales, ReadOnlySpan<sbyte> qx, float sx, ReadOnlySpan<float> bias, Span<float> y)
    {
        if (!Dp.IsSupported || !AdvSimd.Arm64.IsSupported) { ScalarCore(w, wScales, qx, sx, bias, y); return; }
        Rows4Core<DpStep, Vector128<int>>(KernelVariant.AdvSimdDp, w, wScales, qx, sx, bias, y);
    }

    private readonly struct DpStep : IRows4Step<Vector128<int>>
    {
        public static int Step { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => 16; }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Accumulate(ref sbyte x, ref sbyte w0, ref sbyte w1, ref sbyte w2, ref sbyte w3, nuint c,
                                      ref Vector128<int> a0, ref Vector128<int> a1, ref Vector128<int> a2, ref Vector128<int> a3)
        {
            Vector128<sbyte> xv = Vector128.LoadUnsafe(ref x, c);
            a0 = Dp.DotProduct(a0, Vector128.LoadUnsafe(ref w0, c), xv);
            a1 = Dp.DotProduct(a1, Vector128.LoadUnsafe(ref w1, c), xv);
            a2 = Dp.DotProduct(a2, Vector128.LoadUnsafe(ref w2, c), xv);
            a3 = Dp.DotProduct(a3, Vector128.LoadUnsafe(ref w3, c), xv);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<int> Sum4(Vector128<int> a0, Vector128<int> a1, Vector128<int> a2, Vector128<int> a3) =>
            HorizontalSums.Sum4(a0, a1, a2, a3);
    }
}
