using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EdgeAttention.Kernels;

public static partial class MatVecI8
{
    /// <summary>
    /// x64 AVX2, blocks of eight rows, 32 columns per step, with the sign trick of <see cref="Avx2Bytes"/> (signs of x
    /// moved onto the weights): |x| is computed once per step and shared by the eight rows.
    /// The eight accumulators are reduced together (<see cref="HorizontalSums"/>), columns mod 32 are added in scalar,
    /// and the epilogue y = (sx · s_w) · (float)Σ + b runs on eight rows at once with the same float operations, in the
    /// same order, as the scalar <see cref="Store"/> (so results are bit-identical). When rows is not a multiple of 8
    /// (and ≥ 8) the last block overlaps the previous one (identical recomputation); fewer than 8 rows use the AVX2 dot.
    /// Only called when Avx2.IsSupported (JIT, or NativeAOT with a raised instruction set).
    /// </summary>
    internal static void Avx2Core(ReadOnlySpan<sbyte> w, ReadOnlySpan<float> wScales, ReadOnlySpan<sbyte> qx, float sx, ReadOnlySpan<float> bias, Span<float> y)
    {
        if (!Avx2.IsSupported) { ScalarCore(w, wScales, qx, sx, bias, y); return; }
        int rows = y.Length, cols = qx.Length;
        if (rows < 8) { RemainingRows(KernelVariant.Avx2, 0, w, wScales, qx, sx, bias, y); return; }
        ref sbyte wr = ref MemoryMarshal.GetReference(w);
        ref sbyte xr = ref MemoryMarshal.GetReference(qx);
        ref float sr = ref MemoryMarshal.GetReference(wScales);
        ref float br = ref MemoryMarshal.GetReference(bias);
        ref float yr = ref MemoryMarshal.GetReference(y);
        Vector256<float> sxv = Vector256.Create(sx);
        for (int r = 0; r < rows; r += 8)
        {
            if (r > rows - 8) r = rows - 8;   // overlapping last block
            ref sbyte w0 = ref Unsafe.Add(ref wr, (nint)r * cols);
            ref sbyte w1 = ref Unsafe.Add(ref w0, cols);
            ref sbyte w2 = ref Unsafe.Add(ref w1, cols);
            ref sbyte w3 = ref Unsafe.Add(ref w2, cols);
            ref sbyte w4 = ref Unsafe.Add(ref w3, cols);
            ref sbyte w5 = ref Unsafe.Add(ref w4, cols);
            ref sbyte w6 = ref Unsafe.Add(ref w5, cols);
            ref sbyte w7 = ref Unsafe.Add(ref w6, cols);
            Vector256<int> a0 = Vector256<int>.Zero, a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
            int c = 0;
            for (; c + 32 <= cols; c += 32)
            {
                Vector256<sbyte> xv = Vector256.LoadUnsafe(ref xr, (nuint)c);
                Vector256<sbyte> ax = Avx2Bytes.Abs(xv);
                a0 = Avx2Bytes.MultiplyAdd(a0, ax, xv, Vector256.LoadUnsafe(ref w0, (nuint)c));
                a1 = Avx2Bytes.MultiplyAdd(a1, ax, xv, Vector256.LoadUnsafe(ref w1, (nuint)c));
                a2 = Avx2Bytes.MultiplyAdd(a2, ax, xv, Vector256.LoadUnsafe(ref w2, (nuint)c));
                a3 = Avx2Bytes.MultiplyAdd(a3, ax, xv, Vector256.LoadUnsafe(ref w3, (nuint)c));
                a4 = Avx2Bytes.MultiplyAdd(a4, ax, xv, Vector256.LoadUnsafe(ref w4, (nuint)c));
                a5 = Avx2Bytes.MultiplyAdd(a5, ax, xv, Vector256.LoadUnsafe(ref w5, (nuint)c));
                a6 = Avx2Bytes.MultiplyAdd(a6, ax, xv, Vector256.LoadUnsafe(ref w6, (nuint)c));
                a7 = Avx2Bytes.MultiplyAdd(a7, ax, xv, Vector256.LoadUnsafe(ref w7, (nuint)c));
            }
            Vector256<int> sums = HorizontalSums.Sum8(a0, a1, a2, a3, a4, a5, a6, a7);
            if (c < cols) sums += ColumnTail8(ref w0, cols, ref xr, c);
            // Same operations and order as Store: (sx · s_w[r]) · (float)Σ, then + b[r].
            Vector256<float> v = sxv * Vector256.LoadUnsafe(ref sr, (nuint)r) * Vector256.ConvertToSingle(sums);
            if (bias.Length != 0) v += Vector256.LoadUnsafe(ref br, (nuint)r);
            v.StoreUnsafe(ref yr, (nuint)r);
        }
    }

    /// <summary>[Σ_{c ≥ start} W[k, c] x[c]] (int32) for the eight rows k starting at <paramref name="w0"/>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Vector256<int> ColumnTail8(ref sbyte w0, int cols, ref sbyte xr, int start)
    {
        Span<int> t = stackalloc int[8];
        for (int k = 0; k < 8; k++)
        {
            ref sbyte row = ref Unsafe.Add(ref w0, (nint)k * cols);
            int s = 0;
            for (int c = start; c < cols; c++) s += Unsafe.Add(ref row, c) * Unsafe.Add(ref xr, c);
            t[k] = s;
        }
        return Vector256.Create((ReadOnlySpan<int>)t);
    }
}
