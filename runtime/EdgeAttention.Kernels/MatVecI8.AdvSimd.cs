using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;

namespace EdgeAttention.Kernels;

public static partial class MatVecI8
{
    /// <summary>
    /// arm64 AdvSimd, four rows at a time (<see cref="Rows4Core{TStep, TAcc}"/>), 16 columns per step: for each row
    /// smull/smull2 give exact int16 products of the low/high halves and sadalp adds adjacent pairs into int32
    /// accumulators (one x load feeds four rows); the four row sums are reduced together (addp); leftover rows via
    /// the AdvSimd dot. Only called when AdvSimd.Arm64.IsSupported; verified on arm64 under qemu by the device self-test.
    /// </summary>
    internal static void AdvSimdCore(ReadOnlySpan<sbyte> w, ReadOnlySpan<float> wScales, ReadOnlySpan<sbyte> qx, float sx, ReadOnlySpan<float> bias, Span<float> y)
    {
        if (!AdvSimd.Arm64.IsSupported) { ScalarCore(w, wScales, qx, sx, bias, y); return; }
        Rows4Core<AdvSimdStep, Vector128<int>>(KernelVariant.AdvSimd, w, wScales, qx, sx, bias, y);
    }

    private readonly struct AdvSimdStep : IRows4Step<Vector128<int>>
    {
        public static int Step { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => 16; }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Accumulate(ref sbyte x, ref sbyte w0, ref sbyte w1, ref sbyte w2, ref sbyte w3, nuint c,
                                      ref Vector128<int> a0, ref Vector128<int> a1, ref Vector128<int> a2, ref Vector128<int> a3)
        {
            Vector128<sbyte> xv = Vector128.LoadUnsafe(ref x, c);
            Vector64<sbyte> xl = xv.GetLower();
            Vector128<sbyte> v0 = Vector128.LoadUnsafe(ref w0, c), v1 = Vector128.LoadUnsafe(ref w1, c);
            Vector128<sbyte> v2 = Vector128.LoadUnsafe(ref w2, c), v3 = Vector128.LoadUnsafe(ref w3, c);
            a0 = AdvSimd.AddPairwiseWideningAndAdd(a0, AdvSimd.MultiplyWideningLower(v0.GetLower(), xl));
            a1 = AdvSimd.AddPairwiseWideningAndAdd(a1, AdvSimd.MultiplyWideningLower(v1.GetLower(), xl));
            a2 = AdvSimd.AddPairwiseWideningAndAdd(a2, AdvSimd.MultiplyWideningLower(v2.GetLower(), xl));
            a3 = AdvSimd.AddPairwiseWideningAndAdd(a3, AdvSimd.MultiplyWideningLower(v3.GetLower(), xl));
            a0 = AdvSimd.AddPairwiseWideningAndAdd(a0, AdvSimd.MultiplyWideningUpper(v0, xv));
            a1 = AdvSimd.AddPairwiseWideningAndAdd(a1, AdvSimd.MultiplyWideningUpper(v1, xv));
            a2 = AdvSimd.AddPairwiseWideningAndAdd(a2, AdvSimd.MultiplyWideningUpper(v2, xv));
            a3 = AdvSimd.AddPairwiseWideningAndAdd(a3, AdvSimd.MultiplyWideningUpper(v3, xv));
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<int> Sum4(Vector128<int> a0, Vector128<int> a1, Vector128<int> a2, Vector128<int> a3) =>
            HorizontalSums.Sum4(a0, a1, a2, a3);
    }
}
