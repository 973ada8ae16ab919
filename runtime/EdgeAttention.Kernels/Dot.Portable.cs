using System.Runtime.InteropServices;

namespace EdgeAttention.Kernels;

public static partial class Dot
{
    /// <summary>
    /// s = Σᵢ x[i] y[i] with four independent TV accumulators (4·Count floats per step, hiding the multiply-add
    /// latency), then one vector step and a scalar tail. Lengths are equal (checked by the caller).
    /// Vector128 variant: (TW, TV) = (<see cref="W128"/>, Vector128&lt;float&gt;); Vector256: (<see cref="W256"/>, Vector256&lt;float&gt;).
    /// </summary>
    internal static float PortableCore<TW, TV>(ReadOnlySpan<float> x, ReadOnlySpan<float> y) where TW : struct, ISimd<TV> where TV : struct
    {
        int n = x.Length, w = TW.Count;
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        TV a0 = TW.Zero, a1 = a0, a2 = a0, a3 = a0;
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
        float s = TW.Sum(TW.Add(TW.Add(a0, a1), TW.Add(a2, a3)));
        for (; i < n; i++) s += x[i] * y[i];
        return s;
    }
}
