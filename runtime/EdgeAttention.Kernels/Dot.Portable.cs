using System.Runtime.InteropServices;

namespace EdgeAttention.Kernels;

public static partial class Dot
{
    /// <summary>
    /// s = Σᵢ x[i] y[i] with four independent TW accumulators (4·Count floats per step, hiding the multiply-add
    /// latency), then one vector step and a scalar tail. Lengths are equal (checked by the caller).
    /// Vector128 variant: TW = <see cref="W128"/>; Vector256: <see cref="W256"/>.
    /// </summary>
    internal static float PortableCore<TW>(ReadOnlySpan<float> x, ReadOnlySpan<float> y) where TW : struct, ISimd<TW>
    {
        int n = x.Length, w = TW.Count;
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        TW a0 = TW.Zero, a1 = a0, a2 = a0, a3 = a0;
        int i = 0;
        for (; i + 4 * w <= n; i += 4 * w)
        {
            a0 = TW.MultiplyAddEstimate(TW.Load(ref xr, (nuint)i), TW.Load(ref yr, (nuint)i), a0);
            a1 = TW.MultiplyAddEstimate(TW.Load(ref xr, (nuint)(i + w)), TW.Load(ref yr, (nuint)(i + w)), a1);
            a2 = TW.MultiplyAddEstimate(TW.Load(ref xr, (nuint)(i + 2 * w)), TW.Load(ref yr, (nuint)(i + 2 * w)), a2);
            a3 = TW.MultiplyAddEstimate(TW.Load(ref xr, (nuint)(i + 3 * w)), TW.Load(ref yr, (nuint)(i + 3 * w)), a3);
        }
        for (; i + w <= n; i += w)
            a0 = TW.MultiplyAddEstimate(TW.Load(ref xr, (nuint)i), TW.Load(ref yr, (nuint)i), a0);
        float s = TW.Sum((a0 + a1) + (a2 + a3));
        for (; i < n; i++) s += x[i] * y[i];
        return s;
    }
}
