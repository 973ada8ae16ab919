using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;

namespace EdgeAttention.Kernels;

public static partial class MatVecI8
{
    /// <summary>
    /// arm64 dot-product extension, four rows at a time, 16 columns per step: SDOT adds four int8 products into
    /// each int32 lane of the row's accumulator (one x load feeds four rows); the four row sums are reduced together (addp) and the epilogue
    /// runs on four rows at once (bit-identical to Store); scalar column tail;
    /// leftover rows via the SDOT dot. Only called when Dp.IsSupported (a runtime check under NativeAOT);
    /// verified on arm64 under qemu (cortex-a76 / neoverse-n1) by the device self-test.
    /// </summary>
    internal static void AdvSimdDpCore(ReadOnlySpan<sbyte> w, ReadOnlySpan<float> wScales, ReadOnlySpan<sbyte> qx, float sx, ReadOnlySpan<float> bias, Span<float> y)
    {
        if (!Dp.IsSupported || !AdvSimd.Arm64.IsSupported) { ScalarCore(w, wScales, qx, sx, bias, y); return; }
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
                a0 = Dp.DotProduct(a0, Vector128.LoadUnsafe(ref w0, (nuint)c), xv);
                a1 = Dp.DotProduct(a1, Vector128.LoadUnsafe(ref w1, (nuint)c), xv);
                a2 = Dp.DotProduct(a2, Vector128.LoadUnsafe(ref w2, (nuint)c), xv);
                a3 = Dp.DotProduct(a3, Vector128.LoadUnsafe(ref w3, (nuint)c), xv);
            }
            Vector128<int> sums = HorizontalSums.Sum4(a0, a1, a2, a3);
            if (c < cols) sums += ColumnTail4(ref w0, cols, ref xr, c);
            Epilogue4(sums, r, sx, wScales, bias, y);
        }
        RemainingRows(KernelVariant.AdvSimdDp, r, w, wScales, qx, sx, bias, y);
    }
}
