using System.Runtime.InteropServices;

namespace EdgeAttention.Kernels;

public static partial class Activation
{
    /// <summary>
    /// GELU(x) = x Φ(x), Φ(x) = ½ erfc(−x/√2), in float, Count lanes per step: with z = |x|/√2 and
    /// e = ½ erfc(z) from the Numerical Recipes erfcc fit (coefficients as in <see cref="ErfcC"/>), Φ = 1 − e for x ≥ 0 and e for x &lt; 0
    /// (erfc keeps relative accuracy in the tail, so the result stays within 1e-6 absolute of double GELU
    /// wherever the float output itself can resolve 1e-6). x may be y.
    /// Vector128 variant: (TW, TV) = (<see cref="W128"/>, Vector128&lt;float&gt;); Vector256: (<see cref="W256"/>, Vector256&lt;float&gt;).
    /// </summary>
    internal static void PortableGeluCore<TW, TV>(ReadOnlySpan<float> x, Span<float> y) where TW : struct, ISimd<TV> where TV : struct
    {
        int n = x.Length, w = TW.Count;
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        int i = 0;
        for (; i + w <= n; i += w)
        {
            TV v = TW.Load(ref xr, (nuint)i);
            TV z = TW.Multiply(TW.Abs(v), TW.Create(InvSqrt2F));
            TV t = TW.Divide(TW.One, TW.Add(TW.One, TW.Multiply(TW.Create(0.5f), z)));
            // Numerical Recipes erfcc: erfc(z) = t·exp(−z² + P(t)), fractional error < 1.2e-7 for z ≥ 0.
            TV p = TW.MultiplyAddEstimate(TW.Create(0.17087277f), t, TW.Create(-0.82215223f));
            p = TW.MultiplyAddEstimate(p, t, TW.Create(1.48851587f));
            p = TW.MultiplyAddEstimate(p, t, TW.Create(-1.13520398f));
            p = TW.MultiplyAddEstimate(p, t, TW.Create(0.27886807f));
            p = TW.MultiplyAddEstimate(p, t, TW.Create(-0.18628806f));
            p = TW.MultiplyAddEstimate(p, t, TW.Create(0.09678418f));
            p = TW.MultiplyAddEstimate(p, t, TW.Create(0.37409196f));
            p = TW.MultiplyAddEstimate(p, t, TW.Create(1.00002368f));
            p = TW.MultiplyAddEstimate(p, t, TW.Create(-1.26551223f));
            TV half = TW.Multiply(TW.Multiply(TW.Create(0.5f), t), TW.Exp(TW.Subtract(p, TW.Multiply(z, z))));
            TV phi = TW.SelectNonNegative(v, TW.Subtract(TW.One, half), half);
            TW.Store(TW.Multiply(v, phi), ref yr, (nuint)i);
        }
        for (; i < n; i++) y[i] = GeluFloat(x[i]);
    }

    /// <summary>ReLU y = max(x, 0), Count lanes per step. x may be y.</summary>
    internal static void PortableReluCore<TW, TV>(ReadOnlySpan<float> x, Span<float> y) where TW : struct, ISimd<TV> where TV : struct
    {
        int n = x.Length, w = TW.Count;
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        int i = 0;
        for (; i + w <= n; i += w) TW.Store(TW.Max(TW.Load(ref xr, (nuint)i), TW.Zero), ref yr, (nuint)i);
        for (; i < n; i++) y[i] = MathF.Max(x[i], 0f);
    }
}
