using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EdgeAttention.Kernels;

public static partial class MatVecI8
{
    /// <summary>
    /// x64 AVX-VNNI, blocks of eight rows, 32 columns per step, one vpdpbusd per row and step (the weight load folds
    /// into it). vpdpbusd multiplies unsigned by signed bytes, so the activations are offset once per step:
    /// x + 128 = x XOR 0x80 as a byte, and Σ_c W[r, c] x[c] = Σ_c W[r, c] (x[c] + 128) − 128 · Σ_c W[r, c].
    /// The row sums Σ_c W[r, c] come from <paramref name="wRowSums"/> ([rows], computed once with <see cref="RowSums"/>)
    /// or, when it is empty, from one more vpdpbusd pass per block against a vector of ones. Both sums wrap around in
    /// int32 (vpdpbusd does not saturate); their difference is the exact sum, so results are bit-identical with the
    /// scalar reference for every weight and activation in [−128, 127] whose true sums fit in int32. Reduction
    /// (<see cref="HorizontalSums"/>), scalar column tail, epilogue and overlapping last block as in <see cref="Avx2Core"/>;
    /// fewer than 8 rows use the AVX-VNNI dot. Only called when AvxVnni.IsSupported (a runtime check in every x64 build:
    /// AVX-VNNI is not part of x86-64-v3).
    /// </summary>
    internal static void AvxVnniCore(ReadOnlySpan<sbyte> w, ReadOnlySpan<float> wScales, ReadOnlySpan<int> wRowSums, ReadOnlySpan<sbyte> qx, float sx, ReadOnlySpan<float> bias, Span<float> y)
    {
        if (!AvxVnni.IsSupported || !Avx2.IsSupported) { ScalarCore(w, wScales, qx, sx, bias, y); return; }
        int rows = y.Length, cols = qx.Length;
        if (rows < 8) { RemainingRows(KernelVariant.AvxVnni, 0, w, wScales, qx, sx, bias, y); return; }
        ref sbyte wr = ref MemoryMarshal.GetReference(w);
        ref sbyte xr = ref MemoryMarshal.GetReference(qx);
        ref float sr = ref MemoryMarshal.GetReference(wScales);
        ref int rr = ref MemoryMarshal.GetReference(wRowSums);
        ref float br = ref MemoryMarshal.GetReference(bias);
        ref float yr = ref MemoryMarshal.GetReference(y);
        bool haveSums = wRowSums.Length != 0;
        Vector256<byte> offset = Vector256.Create((byte)0x80);
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
                Vector256<byte> xu = Vector256.LoadUnsafe(ref xr, (nuint)c).AsByte() ^ offset;   // x + 128
                a0 = AvxVnni.MultiplyWideningAndAdd(a0, xu, Vector256.LoadUnsafe(ref w0, (nuint)c));
                a1 = AvxVnni.MultiplyWideningAndAdd(a1, xu, Vector256.LoadUnsafe(ref w1, (nuint)c));
                a2 = AvxVnni.MultiplyWideningAndAdd(a2, xu, Vector256.LoadUnsafe(ref w2, (nuint)c));
                a3 = AvxVnni.MultiplyWideningAndAdd(a3, xu, Vector256.LoadUnsafe(ref w3, (nuint)c));
                a4 = AvxVnni.MultiplyWideningAndAdd(a4, xu, Vector256.LoadUnsafe(ref w4, (nuint)c));
                a5 = AvxVnni.MultiplyWideningAndAdd(a5, xu, Vector256.LoadUnsafe(ref w5, (nuint)c));
                a6 = AvxVnni.MultiplyWideningAndAdd(a6, xu, Vector256.LoadUnsafe(ref w6, (nuint)c));
                a7 = AvxVnni.MultiplyWideningAndAdd(a7, xu, Vector256.LoadUnsafe(ref w7, (nuint)c));
            }
            // Σ_{c < vector end} W (x + 128) − 128 Σ_c W over all columns, then the columns mod 32 with the offset too.
            // (Reduce before any call: accumulators live across a call are spilled inside the loop.)
            Vector256<int> sums = HorizontalSums.Sum8(a0, a1, a2, a3, a4, a5, a6, a7);
            sums -= (haveSums ? Vector256.LoadUnsafe(ref rr, (nuint)r) : RowSums8(ref w0, cols)) << 7;
            if (c < cols) sums += OffsetColumnTail8(ref w0, cols, ref xr, c);
            // Same operations and order as Store: (sx · s_w[r]) · (float)Σ, then + b[r].
            Vector256<float> v = sxv * Vector256.LoadUnsafe(ref sr, (nuint)r) * Vector256.ConvertToSingle(sums);
            if (bias.Length != 0) v += Vector256.LoadUnsafe(ref br, (nuint)r);
            v.StoreUnsafe(ref yr, (nuint)r);
        }
    }

    /// <summary>[Σ_c W[k, c]] (int32) for the eight rows k starting at <paramref name="w0"/>: vpdpbusd against ones, scalar tail.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Vector256<int> RowSums8(ref sbyte w0, int cols)
    {
        Span<int> t = stackalloc int[8];
        Vector256<byte> ones = Vector256.Create((byte)1);
        for (int k = 0; k < 8; k++)
        {
            ref sbyte row = ref Unsafe.Add(ref w0, (nint)k * cols);
            Vector256<int> a = Vector256<int>.Zero;
            int c = 0;
            for (; c + 32 <= cols; c += 32) a = AvxVnni.MultiplyWideningAndAdd(a, ones, Vector256.LoadUnsafe(ref row, (nuint)c));
            int s = Vector256.Sum(a);
            for (; c < cols; c++) s += Unsafe.Add(ref row, c);
            t[k] = s;
        }
        return Vector256.Create((ReadOnlySpan<int>)t);
    }

    /// <summary>[Σ_{c ≥ start} W[k, c] (x[c] + 128)] (int32) for the eight rows k starting at <paramref name="w0"/>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Vector256<int> OffsetColumnTail8(ref sbyte w0, int cols, ref sbyte xr, int start)
    {
        Span<int> t = stackalloc int[8];
        for (int k = 0; k < 8; k++)
        {
            ref sbyte row = ref Unsafe.Add(ref w0, (nint)k * cols);
            int s = 0;
            for (int c = start; c < cols; c++) s += Unsafe.Add(ref row, c) * (Unsafe.Add(ref xr, c) + 128);
            t[k] = s;
        }
        return Vector256.Create((ReadOnlySpan<int>)t);
    }
}
