using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace EdgeAttention.Kernels;

public static partial class MatVecI8
{
    /// <summary>
    /// Portable Vector128, four rows at a time, 16 columns per step: x is sign-extended to int16 once per step and
    /// shared; for each row the int8 weights are sign-extended, multiplied in int16 (exact) and the products
    /// sign-extended into int32 accumulators; joint four-row reduction and vector epilogue (bit-identical to Store).
    /// Scalar column tail, leftover rows via the portable dot.
    /// </summary>
    internal static void Vector128Core(ReadOnlySpan<sbyte> w, ReadOnlySpan<float> wScales, ReadOnlySpan<sbyte> qx, float sx, ReadOnlySpan<float> bias, Span<float> y)
    {
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
                (Vector128<short> xl, Vector128<short> xh) = Vector128.Widen(Vector128.LoadUnsafe(ref xr, (nuint)c));
                a0 += RowStep(Vector128.LoadUnsafe(ref w0, (nuint)c), xl, xh);
                a1 += RowStep(Vector128.LoadUnsafe(ref w1, (nuint)c), xl, xh);
                a2 += RowStep(Vector128.LoadUnsafe(ref w2, (nuint)c), xl, xh);
                a3 += RowStep(Vector128.LoadUnsafe(ref w3, (nuint)c), xl, xh);
            }
            Vector128<int> sums = HorizontalSums.Sum4(a0, a1, a2, a3);
            if (c < cols) sums += ColumnTail4(ref w0, cols, ref xr, c);
            Epilogue4(sums, r, sx, wScales, bias, y);
        }
        RemainingRows(KernelVariant.Vector128, r, w, wScales, qx, sx, bias, y);
    }

    /// <summary>Σ over 16 columns of one row, as Vector128&lt;int&gt; partial sums: widen w, multiply by widened x, widen products.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<int> RowStep(Vector128<sbyte> wv, Vector128<short> xl, Vector128<short> xh)
    {
        (Vector128<short> wl, Vector128<short> wh) = Vector128.Widen(wv);
        Vector128<short> pl = wl * xl, ph = wh * xh;
        return (Vector128.WidenLower(pl) + Vector128.WidenUpper(pl)) + (Vector128.WidenLower(ph) + Vector128.WidenUpper(ph));
    }
}
