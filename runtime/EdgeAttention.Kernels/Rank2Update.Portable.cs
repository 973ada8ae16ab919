using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace EdgeAttention.Kernels;

public static partial class Rank2Update
{
    /// <summary>
    /// f empty (no shift moved, the common case): two rows at a time with a_j and −b_j broadcast once per row and x, y
    /// loaded once per column group for both rows (for the m × d_h = 8 × 12 blocks of the attention this takes fewer
    /// instructions than columns outer, where the row loop re-reads a_j and b_j every step):
    /// acc = fma(−b_j, y, fma(a_j, x, acc)); scalar columns acc += a_j·x − b_j·y.
    /// f given: row by row; rows with f_j = 1 exactly as above (same operations, so the same bits as f empty), rows
    /// with f_j ≠ 1 as (f_j·acc + a_j·x) − b_j·y.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void PortableCore<TW, TD>(Span<double> acc, ReadOnlySpan<double> f, ReadOnlySpan<double> a, ReadOnlySpan<double> x, ReadOnlySpan<double> b, ReadOnlySpan<double> y)
        where TW : struct, ISimd64<TD> where TD : struct =>
        PortableRows<TW, TD>(ref MemoryMarshal.GetReference(acc), ref MemoryMarshal.GetReference(f), !f.IsEmpty, ref MemoryMarshal.GetReference(a),
            ref MemoryMarshal.GetReference(x), ref MemoryMarshal.GetReference(b), ref MemoryMarshal.GetReference(y), a.Length, x.Length);

    /// <summary>Grouped rows: <see cref="PortableRows{TW, TD}"/> per block, with the block's rows of acc, f, a, b and its x, y.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]   // one call per step for all blocks: its own register allocation
    internal static void PortableBlocksCore<TW, TD>(Span<double> acc, ReadOnlySpan<double> f, ReadOnlySpan<double> a, ReadOnlySpan<double> x, ReadOnlySpan<double> b,
        ReadOnlySpan<double> y, int blocks) where TW : struct, ISimd64<TD> where TD : struct
    {
        int m = a.Length / blocks, d = x.Length / blocks;
        bool factors = !f.IsEmpty;
        ref double accr = ref MemoryMarshal.GetReference(acc);
        ref double fr = ref MemoryMarshal.GetReference(f);
        ref double ar = ref MemoryMarshal.GetReference(a);
        ref double br = ref MemoryMarshal.GetReference(b);
        ref double xr = ref MemoryMarshal.GetReference(x);
        ref double yr = ref MemoryMarshal.GetReference(y);
        for (int g = 0; g < blocks; g++)
        {
            int r0 = g * m;
            PortableRows<TW, TD>(ref Unsafe.Add(ref accr, r0 * d), ref Unsafe.Add(ref fr, factors ? r0 : 0), factors, ref Unsafe.Add(ref ar, r0),
                ref Unsafe.Add(ref xr, g * d), ref Unsafe.Add(ref br, r0), ref Unsafe.Add(ref yr, g * d), m, d);
        }
    }

    // m rows of d columns at ar (see PortableCore); f read only when factors. Native-int column index, the row
    // reference advanced by d per row.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PortableRows<TW, TD>(ref double ar, ref double fr, bool factors, ref double aj0, ref double xr, ref double bj0, ref double yr, int m, int d)
        where TW : struct, ISimd64<TD> where TD : struct
    {
        nint w = TW.Count64, dn = d, cv = dn - dn % w;
        ref double row = ref ar;
        if (!factors)
        {
            // Two rows per pass: x and y loaded once for both (each element's operations as one row at a time).
            nint j = 0;
            for (; j + 1 < m; j += 2)
            {
                ref double row1 = ref Unsafe.Add(ref row, dn);
                double a0 = Unsafe.Add(ref aj0, j), b0 = Unsafe.Add(ref bj0, j), a1 = Unsafe.Add(ref aj0, j + 1), b1 = Unsafe.Add(ref bj0, j + 1);
                TD va0 = TW.Create(a0), nb0 = TW.Create(-b0), va1 = TW.Create(a1), nb1 = TW.Create(-b1);
                nint c = 0;
                for (; c < cv; c += w)
                {
                    TD xv = TW.Load(ref xr, (nuint)c), yv = TW.Load(ref yr, (nuint)c);
                    TW.Store(TW.MultiplyAddEstimate(nb0, yv, TW.MultiplyAddEstimate(va0, xv, TW.Load(ref row, (nuint)c))), ref row, (nuint)c);
                    TW.Store(TW.MultiplyAddEstimate(nb1, yv, TW.MultiplyAddEstimate(va1, xv, TW.Load(ref row1, (nuint)c))), ref row1, (nuint)c);
                }
                for (; c < dn; c++)
                {
                    Unsafe.Add(ref row, c) += a0 * Unsafe.Add(ref xr, c) - b0 * Unsafe.Add(ref yr, c);
                    Unsafe.Add(ref row1, c) += a1 * Unsafe.Add(ref xr, c) - b1 * Unsafe.Add(ref yr, c);
                }
                row = ref Unsafe.Add(ref row1, dn);
            }
            for (; j < m; j++)
            {
                double aj = Unsafe.Add(ref aj0, j), bj = Unsafe.Add(ref bj0, j);
                TD va = TW.Create(aj), nb = TW.Create(-bj);
                nint c = 0;
                for (; c < cv; c += w)
                {
                    TD s = TW.MultiplyAddEstimate(va, TW.Load(ref xr, (nuint)c), TW.Load(ref row, (nuint)c));
                    TW.Store(TW.MultiplyAddEstimate(nb, TW.Load(ref yr, (nuint)c), s), ref row, (nuint)c);
                }
                for (; c < dn; c++) Unsafe.Add(ref row, c) += aj * Unsafe.Add(ref xr, c) - bj * Unsafe.Add(ref yr, c);
                row = ref Unsafe.Add(ref row, dn);
            }
            return;
        }
        for (nint j = 0; j < m; j++)
        {
            double fj = Unsafe.Add(ref fr, j), aj = Unsafe.Add(ref aj0, j), bj = Unsafe.Add(ref bj0, j);
            TD va = TW.Create(aj), vb = TW.Create(bj);
            nint c = 0;
            if (fj != 1.0)
            {
                TD vf = TW.Create(fj);
                for (; c < cv; c += w)
                {
                    TD s = TW.Add(TW.Multiply(vf, TW.Load(ref row, (nuint)c)), TW.Multiply(va, TW.Load(ref xr, (nuint)c)));
                    TW.Store(TW.Subtract(s, TW.Multiply(vb, TW.Load(ref yr, (nuint)c))), ref row, (nuint)c);
                }
                for (; c < dn; c++) Unsafe.Add(ref row, c) = fj * Unsafe.Add(ref row, c) + aj * Unsafe.Add(ref xr, c) - bj * Unsafe.Add(ref yr, c);
            }
            else
            {
                TD nb = TW.Negate(vb);
                for (; c < cv; c += w)
                {
                    TD s = TW.MultiplyAddEstimate(va, TW.Load(ref xr, (nuint)c), TW.Load(ref row, (nuint)c));
                    TW.Store(TW.MultiplyAddEstimate(nb, TW.Load(ref yr, (nuint)c), s), ref row, (nuint)c);
                }
                for (; c < dn; c++) Unsafe.Add(ref row, c) += aj * Unsafe.Add(ref xr, c) - bj * Unsafe.Add(ref yr, c);   // as f empty, bit for bit
            }
            row = ref Unsafe.Add(ref row, dn);
        }
    }
}
