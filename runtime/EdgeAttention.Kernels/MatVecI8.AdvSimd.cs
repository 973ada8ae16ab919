using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;

namespace EdgeAttention.Kernels;

public static partial class MatVecI8
{
    /// <summary>
    /// arm64 AdvSimd, four rows at a time, 16 columns per step: for each row smull/smull2 give exact int16
    /// products of the low/high halves and sadalp adds adjacent pairs into int32 accumulators (one x load feeds
    /// four rows); the four row sums are reduced together (addp) and the epilogue runs on four rows at once
    /// (bit-identical to Store); scalar column tail; leftover rows via the AdvSimd dot.
    /// Only called when AdvSimd.Arm64.IsSupported; verified on arm64 under qemu by the device self-test.
    /// </summary>
    internal static void AdvSimdCore(ReadOnlySpan<sbyte> w, ReadOnlySpan<float> wScales, ReadOnlySpan<sbyte> qx, float sx, ReadOnlySpan<float> bias, Span<float> y)
    {
        if (!AdvSimd.Arm64.IsSupported) { ScalarCore(w, wScales, qx, sx, bias, y); return; }
        int rows = y.Length, cols = qx.Length;
        ref sbyte wr = ref MemoryMarshal.GetReference(w);
        ref sbyte xr = ref MemoryMarshal.GetReference(qx);
        int r = 0;
        for (; r + 4 <= rows; r += 4)
        {
            ref sbyte w0 = ref Unsafe.Add(ref wr, (nint)r * cols);
            ref sbyte w1 = ref Unsafe.Add(ref w0, cols);
            ref sbyte w2 = ref Unsafe.Add(ref w1, cols);
            ref sbyte w3 = ref Unsafe.Add(ref w2, cols);
            Vector128<int> a0 = Vector128<int>.Zero, a1 = a0, a2 = a0, a3 = a0;
            int c = 0;
            for (; c + 16 <= cols; c += 16)
            {
                Vector128<sbyte> xv = Vector128.LoadUnsafe(ref xr, (nuint)c);
                Vector64<sbyte> xl = xv.GetLower();
                Vector128<sbyte> v0 = Vector128.LoadUnsafe(ref w0, (nuint)c), v1 = Vector128.LoadUnsafe(ref w1, (nuint)c);
                Vector128<sbyte> v2 = Vector128.LoadUnsafe(ref w2, (nuint)c), v3 = Vector128.LoadUnsafe(ref w3, (nuint)c);
                a0 = AdvSimd.AddPairwiseWideningAndAdd(a0, AdvSimd.MultiplyWideningLower(v0.GetLower(), xl));
                a1 = AdvSimd.AddPairwiseWideningAndAdd(a1, AdvSimd.MultiplyWideningLower(v1.GetLower(), xl));
                a2 = AdvSimd.AddPairwiseWideningAndAdd(a2, AdvSimd.MultiplyWideningLower(v2.GetLower(), xl));
                a3 = AdvSimd.AddPairwiseWideningAndAdd(a3, AdvSimd.MultiplyWideningLower(v3.GetLower(), xl));
                a0 = AdvSimd.AddPairwiseWideningAndAdd(a0, AdvSimd.MultiplyWideningUpper(v0, xv));
                a1 = AdvSimd.AddPairwiseWideningAndAdd(a1, AdvSimd.MultiplyWideningUpper(v1, xv));
                a2 = AdvSimd.AddPairwiseWideningAndAdd(a2, AdvSimd.MultiplyWideningUpper(v2, xv));
                a3 = AdvSimd.AddPairwiseWideningAndAdd(a3, AdvSimd.MultiplyWideningUpper(v3, xv));
            }
            Vector128<int> sums = HorizontalSums.Sum4(a0, a1, a2, a3);
            if (c < cols) sums += ColumnTail4(ref w0, cols, ref xr, c);
            Epilogue4(sums, r, sx, wScales, bias, y);
        }
        RemainingRows(KernelVariant.AdvSimd, r, w, wScales, qx, sx, bias, y);
    }
}
