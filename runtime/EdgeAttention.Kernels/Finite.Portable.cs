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
}
