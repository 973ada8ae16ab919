using System.Runtime.InteropServices;

namespace EdgeAttention.Kernels;

public static partial class Axpy
{
    /// <summary>
    /// y[i] ← y[i] + α x[i], 2·Count floats per step (two independent vectors), one vector step, scalar tail.
    /// x may be y. Vector128 variant: (TW, TV) = (<see cref="W128"/>, Vector128&lt;float&gt;); Vector256: (<see cref="W256"/>, Vector256&lt;float&gt;).
    /// </summary>
    internal static void PortableCore<TW, TV>(float alpha, ReadOnlySpan<float> x, Span<float> y) where TW : struct, ISimd<TV> where TV : struct
    {
        int n = x.Length, w = TW.Count;
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        TV a = TW.Create(alpha);
        int i = 0;
        for (; i + 2 * w <= n; i += 2 * w)
        {
            TV y0 = TW.MultiplyAddEstimate(a, TW.Load(ref xr, (nuint)i), TW.Load(ref yr, (nuint)i));
            TV y1 = TW.MultiplyAddEstimate(a, TW.Load(ref xr, (nuint)(i + w)), TW.Load(ref yr, (nuint)(i + w)));
            TW.Store(y0, ref yr, (nuint)i);
            TW.Store(y1, ref yr, (nuint)(i + w));
        }
        for (; i + w <= n; i += w)
            TW.Store(TW.MultiplyAddEstimate(a, TW.Load(ref xr, (nuint)i), TW.Load(ref yr, (nuint)i)), ref yr, (nuint)i);
        for (; i < n; i++) y[i] += alpha * x[i];
    }
}
