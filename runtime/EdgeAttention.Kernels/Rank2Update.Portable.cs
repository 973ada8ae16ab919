using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace EdgeAttention.Kernels;

public static partial class Rank2Update
{
    /// <summary>
    /// f empty (no shift moved, the common case): column groups outer, rows inner, so x and y are loaded once per
    /// group: acc = fma(−b_j, y, fma(a_j, x, acc)); scalar columns acc += a_j·x − b_j·y.
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
            int c0 = 0;
            for (; c0 < cv; c0 += w)
            {
                TD vx = TW.Load(ref xr, (nuint)c0), vy = TW.Load(ref yr, (nuint)c0);
                for (int j = 0; j < m; j++)
                {
                    nuint o = (nuint)(j * d + c0);
                    TD s = TW.MultiplyAddEstimate(TW.Create(a[j]), vx, TW.Load(ref ar, o));
                    TW.Store(TW.MultiplyAddEstimate(TW.Create(-b[j]), vy, s), ref ar, o);
                }
            }
            for (; c0 < d; c0++)
            {
                for (int j = 0; j < m; j++)
                    Unsafe.Add(ref ar, j * d + c0) += a[j] * Unsafe.Add(ref xr, c0) - b[j] * Unsafe.Add(ref yr, c0);
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
