using System.Runtime.InteropServices;

namespace EdgeAttention.Kernels;

public static partial class RowScale
{
    /// <summary>
    /// y[i] = s x[i], Count floats per step, scalar tail. x may be y (in place).
    /// Vector128 variant: (TW, TV) = (<see cref="W128"/>, Vector128&lt;float&gt;); Vector256: (<see cref="W256"/>, Vector256&lt;float&gt;).
    /// </summary>
    internal static void PortableCore<TW, TV>(ReadOnlySpan<float> x, float s, Span<float> y) where TW : struct, ISimd<TV> where TV : struct
    {
        int n = x.Length, w = TW.Count;
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        TV sv = TW.Create(s);
        int i = 0;
        for (; i + w <= n; i += w)
            TW.Store(TW.Multiply(TW.Load(ref xr, (nuint)i), sv), ref yr, (nuint)i);
        for (; i < n; i++) y[i] = s * x[i];
    }
}
