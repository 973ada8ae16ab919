using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace EdgeAttention.Kernels;

public static partial class Activation
{
    /// <summary>
    /// GELU(x) = x Φ(x), Φ(x) = ½ erfc(−x/√2), in float with Vector256: with z = |x|/√2 and
    /// e = ½ erfc(z) from the Numerical Recipes erfcc fit (coefficients as in <see cref="ErfcC"/>), Φ = 1 − e for x ≥ 0 and e for x &lt; 0
    /// (erfc keeps relative accuracy in the tail, so the result stays within 1e-6 absolute of double GELU
    /// wherever the float output itself can resolve 1e-6). x may be y.
    /// </summary>
    internal static void Vector256GeluCore(ReadOnlySpan<float> x, Span<float> y)
    {
        int n = x.Length;
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        int i = 0;
        for (; i + 8 <= n; i += 8)
        {
            Vector256<float> v = Vector256.LoadUnsafe(ref xr, (nuint)i);
            Vector256<float> z = Vector256.Abs(v) * Vector256.Create(InvSqrt2F);
            Vector256<float> t = Vector256<float>.One / (Vector256<float>.One + Vector256.Create(0.5f) * z);
            // Numerical Recipes erfcc: erfc(z) = t·exp(−z² + P(t)), fractional error < 1.2e-7 for z ≥ 0.
            Vector256<float> p = Vector256.MultiplyAddEstimate(Vector256.Create(0.17087277f), t, Vector256.Create(-0.82215223f));
            p = Vector256.MultiplyAddEstimate(p, t, Vector256.Create(1.48851587f));
            p = Vector256.MultiplyAddEstimate(p, t, Vector256.Create(-1.13520398f));
            p = Vector256.MultiplyAddEstimate(p, t, Vector256.Create(0.27886807f));
            p = Vector256.MultiplyAddEstimate(p, t, Vector256.Create(-0.18628806f));
            p = Vector256.MultiplyAddEstimate(p, t, Vector256.Create(0.09678418f));
            p = Vector256.MultiplyAddEstimate(p, t, Vector256.Create(0.37409196f));
            p = Vector256.MultiplyAddEstimate(p, t, Vector256.Create(1.00002368f));
            p = Vector256.MultiplyAddEstimate(p, t, Vector256.Create(-1.26551223f));
            Vector256<float> half = Vector256.Create(0.5f) * t * Vector256.Exp(p - z * z);
            Vector256<float> phi = Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(v, Vector256<float>.Zero), Vector256<float>.One - half, half);
            (v * phi).StoreUnsafe(ref yr, (nuint)i);
        }
        for (; i < n; i++) y[i] = GeluFloat(x[i]);
    }

    /// <summary>ReLU y = max(x, 0), 8 lanes per step. x may be y.</summary>
    internal static void Vector256ReluCore(ReadOnlySpan<float> x, Span<float> y)
    {
        int n = x.Length;
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        int i = 0;
        for (; i + 8 <= n; i += 8) Vector256.Max(Vector256.LoadUnsafe(ref xr, (nuint)i), Vector256<float>.Zero).StoreUnsafe(ref yr, (nuint)i);
        for (; i < n; i++) y[i] = MathF.Max(x[i], 0f);
    }
}
