using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace EdgeAttention.Kernels;

public static partial class Rank2Update
{
    /// <summary>
    /// f empty (no shift moved, the common case): row by row with a_j and −b_j broadcast once per row (x and y are
    /// reloaded per row from L1; for the m × d_h = 8 × 12 blocks of the attention this takes fewer instructions than
    /// columns outer, where the row loop re-reads a_j and b_j every step): acc = fma(−b_j, y, fma(a_j, x, acc));
    /// scalar columns acc += a_j·x − b_j·y.
    /// f given: row by row; rows with f_j = 1 as above, rows with f_j ≠ 1 as (f_j·acc + a_j·x) − b_j·y.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void PortableCore<TW, TD>(Span<double> acc, ReadOnlySpan<double> f, ReadOnlySpan<double> a, ReadOnlySpan<double> x, ReadOnlySpan<double> b, ReadOnlySpan<double> y)
        where TW : struct, ISimd64<TD> where TD : struct
    {
        int m = a.Length, d = x.Length, w = TW.Count64, cv = d - d % w;
        ref double ar = ref MemoryMarshal.GetReference(acc);
        ref double xr = ref MemoryMarshal.GetReference(x);
        ref double yr = ref MemoryMarshal.GetReference(y);
        if (f.IsEmpty)
        {
            for (int j = 0; j < m; j++)
            {
                ref double row = ref Unsafe.Add(ref ar, j * d);
                double aj = a[j], bj = b[j];
                TD va = TW.Create(aj), nb = TW.Create(-bj);
                int c = 0;
                for (; c < cv; c += w)
                {
                    TD s = TW.MultiplyAddEstimate(va, TW.Load(ref xr, (nuint)c), TW.Load(ref row, (nuint)c));
                    TW.Store(TW.MultiplyAddEstimate(nb, TW.Load(ref yr, (nuint)c), s), ref row, (nuint)c);
                }
                for (; c < d; c++) Unsafe.Add(ref row, c) += aj * Unsafe.Add(ref xr, c) - bj * Unsafe.Add(ref yr, c);
            }
            return;
        }
        for (int j = 0; j < m; j++)
        {
            ref double row = ref Unsafe.Add(ref ar, j * d);
            double fj = f[j], aj = a[j], bj = b[j];
            TD va = TW.Create(aj), vb = TW.Create(bj);
            int c = 0;
            if (fj != 1.0)
            {
                TD vf = TW.Create(fj);
                for (; c < cv; c += w)
                {
                    TD s = TW.Add(TW.Multiply(vf, TW.Load(ref row, (nuint)c)), TW.Multiply(va, TW.Load(ref xr, (nuint)c)));
                    TW.Store(TW.Subtract(s, TW.Multiply(vb, TW.Load(ref yr, (nuint)c))), ref row, (nuint)c);
                }
                for (; c < d; c++) Unsafe.Add(ref row, c) = fj * Unsafe.Add(ref row, c) + aj * Unsafe.Add(ref xr, c) - bj * Unsafe.Add(ref yr, c);
            }
            else
            {
                TD nb = TW.Negate(vb);
                for (; c < cv; c += w)
                {
                    TD s = TW.MultiplyAddEstimate(va, TW.Load(ref xr, (nuint)c), TW.Load(ref row, (nuint)c));
                    TW.Store(TW.MultiplyAddEstimate(nb, TW.Load(ref yr, (nuint)c), s), ref row, (nuint)c);
                }
                for (; c < d; c++) Unsafe.Add(ref row, c) = Unsafe.Add(ref row, c) + aj * Unsafe.Add(ref xr, c) - bj * Unsafe.Add(ref yr, c);
            }
        }
    }
}
