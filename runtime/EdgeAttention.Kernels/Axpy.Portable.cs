using System.Runtime.InteropServices;

namespace EdgeAttention.Kernels;

public static partial class Axpy
{
    /// <summary>
    /// y[i] ← y[i] + α x[i], 2·Count floats per step (two independent vectors), one vector step, scalar tail.
    /// x may be y. Vector128 variant: TW = <see cref="W128"/>; Vector256: <see cref="W256"/>.
    /// </summary>
    internal static void PortableCore<TW>(float alpha, ReadOnlySpan<float> x, Span<float> y) where TW : struct, ISimd<TW>
    {
        int n = x.Length, w = TW.Count;
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        TW a = TW.Create(alpha);
        int i = 0;
        for (; i + 2 * w <= n; i += 2 * w)
        {
            TW y0 = TW.MultiplyAddEstimate(a, TW.Load(ref xr, (nuint)i), TW.Load(ref yr, (nuint)i));
            TW y1 = TW.MultiplyAddEstimate(a, TW.Load(ref xr, (nuint)(i + w)), TW.Load(ref yr, (nuint)(i + w)));
            y0.Store(ref yr, (nuint)i);
            y1.Store(ref yr, (nuint)(i + w));
        }
        for (; i + w <= n; i += w)
            TW.MultiplyAddEstimate(a, TW.Load(ref xr, (nuint)i), TW.Load(ref yr, (nuint)i)).Store(ref yr, (nuint)i);
        for (; i < n; i++) y[i] += alpha * x[i];
    }
}
