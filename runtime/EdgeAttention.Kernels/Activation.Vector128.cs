using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace EdgeAttention.Kernels;

public static partial class Activation
{
    /// <summary>
    /// GELU(x) = x Φ(x), Φ(x) = ½ erfc(−x/√2), in float with Vector128: with z = |x|/√2 and
    /// e = ½ erfc(z) from the Numerical Recipes erfcc fit (coefficients as in <see cref="ErfcC"/>), Φ = 1 − e for x ≥ 0 and e for x &lt; 0
    /// (erfc keeps relative accuracy in the tail, so the result stays within 1e-6 absolute of double GELU
    /// wherever the float output itself can resolve 1e-6). x may be y.
    /// </summary>
    internal static void Vector128GeluCore(ReadOnlySpan<float> x, Span<float> y)
    {
        int n = x.Length;
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        int i = 0;
        for (; i + 4 <= n; i += 4)
        {
            Vector128<float> v = Vector128.LoadUnsafe(ref xr, (nuint)i);
            Vector128<float> z = Vector128.Abs(v) * Vector128.Create(InvSqrt2F);
            Vector128<float> t = Vector128<float>.One / (Vector128<float>.One + Vector128.Create(0.5f) * z);
            // Numerical Recipes erfcc: erfc(z) = t·exp(−z² + P(t)), fractional error < 1.2e-7 for z ≥ 0.
            Vector128<float> p = Vector128.MultiplyAddEstimate(Vector128.Create(0.17087277f), t, Vector128.Create(-0.82215223f));
            p = Vector128.MultiplyAddEstimate(p, t, Vector128.Create(1.48851587f));
            p = Vector128.MultiplyAddEstimate(p, t, Vector128.Create(-1.13520398f));
            p = Vector128.MultiplyAddEstimate(p, t, Vector128.Create(0.27886807f));
            p = Vector128.MultiplyAddEstimate(p, t, Vector128.Create(-0.18628806f));
            p = Vector128.MultiplyAddEstimate(p, t, Vector128.Create(0.09678418f));
            p = Vector128.MultiplyAddEstimate(p, t, Vector128.Create(0.37409196f));
            p = Vector128.MultiplyAddEstimate(p, t, Vector128.Create(1.00002368f));
            p = Vector128.MultiplyAddEstimate(p, t, Vector128.Create(-1.26551223f));
            Vector128<float> half = Vector128.Create(0.5f) * t * Vector128.Exp(p - z * z);
            Vector128<float> phi = Vector128.ConditionalSelect(Vector128.GreaterThanOrEqual(v, Vector128<float>.Zero), Vector128<float>.One - half, half);
            (v * phi).StoreUnsafe(ref yr, (nuint)i);
        }
        for (; i < n; i++) y[i] = GeluFloat(x[i]);
    }

    /// <summary>ReLU y = max(x, 0), 4 lanes per step. x may be y.</summary>
    internal static void Vector128ReluCore(ReadOnlySpan<float> x, Span<float> y)
    {
        int n = x.Length;
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        int i = 0;
        for (; i + 4 <= n; i += 4) Vector128.Max(Vector128.LoadUnsafe(ref xr, (nuint)i), Vector128<float>.Zero).StoreUnsafe(ref yr, (nuint)i);
        for (; i < n; i++) y[i] = MathF.Max(x[i], 0f);
    }
}
