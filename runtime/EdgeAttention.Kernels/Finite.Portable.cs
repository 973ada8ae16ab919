using System.Runtime.InteropServices;

namespace EdgeAttention.Kernels;

public static partial class Finite
{
    /// <summary>
    /// x − x is +0 for a finite x and NaN for NaN or ±∞: the sum of (x − x) over Count lanes per step stays 0 exactly
    /// when every value is finite (one add per step, no branch); otherwise the reference finds the first index.
    /// </summary>
    internal static int PortableCore<TW, TV>(ReadOnlySpan<float> x) where TW : struct, ISimd<TV> where TV : struct
    {
        int n = x.Length, w = TW.Count, i = 0;
        ref float xr = ref MemoryMarshal.GetReference(x);
        TV acc = TW.Zero;
        for (; i + w <= n; i += w)
        {
            TV v = TW.Load(ref xr, (nuint)i);
            acc = TW.Add(acc, TW.Subtract(v, v));
        }
        return TW.Sum(acc) == 0 ? ScalarCore(x, i) : ScalarCore(x, 0);
    }

    /// <summary>
    /// Count lanes per step: the finite sum of (x − x) as above, and the running max of |x| (exact); every value is
    /// within the bound when the sum is 0 and the max is ≤ bound (a NaN or ±∞ makes the sum NaN, so it never passes on
    /// the max alone); then the last n mod Count values by the reference, otherwise the reference decides from the start
    /// (rare: a rejected token; this also keeps ±∞ within an infinite bound). Same answer as the reference for every input.
    /// </summary>
    internal static bool PortableWithinCore<TW, TV>(ReadOnlySpan<float> x, float bound) where TW : struct, ISimd<TV> where TV : struct
    {
        int n = x.Length, w = TW.Count, i = 0;
        ref float xr = ref MemoryMarshal.GetReference(x);
        TV fin = TW.Zero, max = TW.Zero;
        for (; i + w <= n; i += w)
        {
            TV v = TW.Load(ref xr, (nuint)i);
            fin = TW.Add(fin, TW.Subtract(v, v));
            max = TW.Max(max, TW.Abs(v));
        }
        return TW.Sum(fin) == 0 && TW.MaxAcross(max) <= bound ? ScalarWithinCore(x, bound, i) : ScalarWithinCore(x, bound, 0);
    }
}
