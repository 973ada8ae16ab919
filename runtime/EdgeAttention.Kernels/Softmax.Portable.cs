using System.Runtime.InteropServices;

namespace EdgeAttention.Kernels;

public static partial class Softmax
{
    /// <summary>
    /// y = exp(x − max x) / Σ exp(x − max x): vector max, vector exp + sum, vector scale; scalar tails. x may be y.
    /// Vector128 variant: TW = <see cref="W128"/>; Vector256: <see cref="W256"/>.
    /// </summary>
    internal static void PortableCore<TW>(ReadOnlySpan<float> x, Span<float> y) where TW : struct, ISimd<TW>
    {
        int n = x.Length, w = TW.Count;
        if (n == 0) return;
        ref float xr = ref MemoryMarshal.GetReference(x);
        float max = float.NegativeInfinity;
        int i = 0;
        if (n >= w)
        {
            TW m = TW.Load(ref xr, 0);
            for (i = w; i + w <= n; i += w) m = TW.Max(m, TW.Load(ref xr, (nuint)i));
            max = TW.MaxAcross(m);
        }
        for (; i < n; i++) max = MathF.Max(max, x[i]);
        float sum = PortableShiftedExpCore<TW>(x, max, y);
        RowScale.PortableCore<TW>(y, 1f / sum, y);
    }

    /// <summary>y = exp(x − shift), returns Σ y; Count lanes per step with the vector Exp, scalar tail. x may be y.</summary>
    internal static float PortableShiftedExpCore<TW>(ReadOnlySpan<float> x, float shift, Span<float> y) where TW : struct, ISimd<TW>
    {
        int n = x.Length, w = TW.Count;
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        TW s = TW.Create(shift), acc = TW.Zero;
        int i = 0;
        for (; i + w <= n; i += w)
        {
            TW e = TW.Exp(TW.Load(ref xr, (nuint)i) - s);
            e.Store(ref yr, (nuint)i);
            acc += e;
        }
        float sum = TW.Sum(acc);
        for (; i < n; i++) { float e = MathF.Exp(x[i] - shift); y[i] = e; sum += e; }
        return sum;
    }
}
