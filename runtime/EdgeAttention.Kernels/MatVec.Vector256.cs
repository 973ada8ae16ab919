using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace EdgeAttention.Kernels;

public static partial class MatVec
{
    /// <summary>
    /// y[r] = Σ_c W[r, c] x[c] + b[r], W row-major [rows = y.Length, cols = x.Length], with Vector256.
    /// Blocks of eight rows: one x load (8 columns) feeds eight independent multiply-add chains, one per row;
    /// the eight accumulators are reduced together (<see cref="HorizontalSums"/>) into one vector of row sums,
    /// the bias vector is added and eight outputs are stored at once. Columns mod 8 are added per row in scalar.
    /// When rows is not a multiple of 8 (and ≥ 8), the last block is the overlapping block rows−8 … rows−1, which
    /// recomputes some rows with identical results. Fewer than 8 rows: one dot product per row.
    /// x and y must not overlap.
    /// </summary>
    internal static void Vector256Core(ReadOnlySpan<float> w, ReadOnlySpan<float> x, ReadOnlySpan<float> bias, Span<float> y)
    {
        int rows = y.Length, cols = x.Length;
        if (rows < 8)
        {
            for (int row = 0; row < rows; row++)
            {
                float s = Dot.PortableCore<W256, Vector256<float>>(w.Slice(row * cols, cols), x);
                y[row] = bias.Length != 0 ? s + bias[row] : s;
            }
            return;
        }
        ref float wr = ref MemoryMarshal.GetReference(w);
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float br = ref MemoryMarshal.GetReference(bias);
        ref float yr = ref MemoryMarshal.GetReference(y);
        for (int r = 0; r < rows; r += 8)
        {
            if (r > rows - 8) r = rows - 8;   // overlapping last block
            ref float w0 = ref Unsafe.Add(ref wr, (nint)r * cols);
            ref float w1 = ref Unsafe.Add(ref w0, cols);
            ref float w2 = ref Unsafe.Add(ref w1, cols);
            ref float w3 = ref Unsafe.Add(ref w2, cols);
            ref float w4 = ref Unsafe.Add(ref w3, cols);
            ref float w5 = ref Unsafe.Add(ref w4, cols);
            ref float w6 = ref Unsafe.Add(ref w5, cols);
            ref float w7 = ref Unsafe.Add(ref w6, cols);
            Vector256<float> a0 = Vector256<float>.Zero, a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
            int c = 0;
            for (; c + 8 <= cols; c += 8)
            {
                Vector256<float> xv = Vector256.LoadUnsafe(ref xr, (nuint)c);
                a0 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref w0, (nuint)c), xv, a0);
                a1 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref w1, (nuint)c), xv, a1);
                a2 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref w2, (nuint)c), xv, a2);
                a3 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref w3, (nuint)c), xv, a3);
                a4 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref w4, (nuint)c), xv, a4);
                a5 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref w5, (nuint)c), xv, a5);
                a6 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref w6, (nuint)c), xv, a6);
                a7 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref w7, (nuint)c), xv, a7);
            }
            Vector256<float> sums = HorizontalSums.Sum8(a0, a1, a2, a3, a4, a5, a6, a7);
            if (c < cols) sums += ColumnTail(ref w0, cols, ref xr, c);
            if (bias.Length != 0) sums += Vector256.LoadUnsafe(ref br, (nuint)r);
            sums.StoreUnsafe(ref yr, (nuint)r);
        }
    }

    /// <summary>[Σ_{c ≥ start} W[k, c] x[c]] for the eight rows k starting at <paramref name="w0"/> (row stride cols).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Vector256<float> ColumnTail(ref float w0, int cols, ref float xr, int start)
    {
        Span<float> t = stackalloc float[8];
        for (int k = 0; k < 8; k++)
        {
            ref float row = ref Unsafe.Add(ref w0, (nint)k * cols);
            float s = 0;
            for (int c = start; c < cols; c++) s += Unsafe.Add(ref row, c) * Unsafe.Add(ref xr, c);
            t[k] = s;
        }
        return Vector256.Create((ReadOnlySpan<float>)t);
    }
}
