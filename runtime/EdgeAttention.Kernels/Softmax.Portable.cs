using System.Runtime.InteropServices;

namespace EdgeAttention.Kernels;

public static partial class Softmax
{
    /// <summary>
    /// y = exp(x − max x) / Σ exp(x − max x): vector max, vector exp + sum, vector scale; scalar tails. x may be y.
    /// Vector128 variant: (TW, TV) = (<see cref="W128"/>, Vector128&lt;float&gt;); Vector256: (<see cref="W256"/>, Vector256&lt;float&gt;).
    /// </summary>
    internal static void PortableCore<TW, TV>(ReadOnlySpan<float> x, Span<float> y) where TW : struct, ISimd<TV> where TV : struct
    {
        int n = x.Length, w = TW.Count;
        if (n == 0) return;
        ref float xr = ref MemoryMarshal.GetReference(x);
        float max = float.NegativeInfinity;
        int i = 0;
        if (n >= w)
        {
            TV m = TW.Load(ref xr, 0);
            for (i = w; i + w <= n; i += w) m = TW.Max(m, TW.Load(ref xr, (nuint)i));
            max = TW.MaxAcross(m);
        }
        for (; i < n; i++) max = MathF.Max(max, x[i]);
        float sum = PortableShiftedExpCore<TW, TV>(x, max, y);
        RowScale.PortableCore<TW, TV>(y, 1f / sum, y);
    }

    /// <summary>y = exp(x − shift), returns Σ y; Count lanes per step with the vector Exp, scalar tail. x may be y.</summary>
    internal static float PortableShiftedExpCore<TW, TV>(ReadOnlySpan<float> x, float shift, Span<float> y) where TW : struct, ISimd<TV> where TV : struct
    {
        int n = x.Length, w = TW.Count;
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        TV s = TW.Create(shift), acc = TW.Zero;
        int i = 0;
        for (; i + w <= n; i += w)
        {
            TV e = TW.Exp(TW.Subtract(TW.Load(ref xr, (nuint)i), s));
            TW.Store(e, ref yr, (nuint)i);
            acc = TW.Add(acc, e);
        }
        float sum = TW.Sum(acc);
        for (; i < n; i++) { float e = MathF.Exp(x[i] - shift); y[i] = e; sum += e; }
        return sum;
    }
}
