using System.Runtime.CompilerServices;

namespace EdgeAttention.Kernels;

public static partial class Activation
{
    private const float InvSqrt2F = 0.70710678118654752f;

    /// <summary>
    /// Coefficients c0..c9 of the Numerical Recipes (2nd ed., §6.2, erfcc) Chebyshev fit
    /// erfc(z) = t·exp(−z² + c0 + t(c1 + t(c2 + …))), t = 1/(1 + z/2), z ≥ 0; fractional error &lt; 1.2e-7.
    /// </summary>
    private static ReadOnlySpan<float> ErfcC =>
    [
        -1.26551223f, 1.00002368f, 0.37409196f, 0.09678418f, -0.18628806f,
        0.27886807f, -1.13520398f, 1.48851587f, -0.82215223f, 0.17087277f,
    ];

    /// <summary>
    /// Reference GELU, computed in double: Φ(x) = ½ erfc(|x|/√2) for x &lt; 0 and 1 − ½ erfc(x/√2) for x ≥ 0, y = x Φ(x).
    /// Using erfc (relative accuracy in the tail) rather than 1 + erf keeps the absolute error far below 1e-6.
    /// </summary>
    internal static void ScalarGeluCore(ReadOnlySpan<float> x, Span<float> y)
    {
        for (int i = 0; i < x.Length; i++)
        {
            double v = x[i];
            double half = 0.5 * ErfcDouble(Math.Abs(v) * 0.70710678118654752440);
            y[i] = (float)(v * (v >= 0 ? 1.0 - half : half));
        }
    }

    /// <summary>Reference ReLU: y = max(x, 0).</summary>
    internal static void ScalarReluCore(ReadOnlySpan<float> x, Span<float> y)
    {
        for (int i = 0; i < x.Length; i++) y[i] = MathF.Max(x[i], 0f);
    }

    /// <summary>erfc(z) for z ≥ 0 in double with the Numerical Recipes fit (see <see cref="ErfcC"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double ErfcDouble(double z)
    {
        double t = 1.0 / (1.0 + 0.5 * z);
        double p = -0.82215223 + t * 0.17087277;
        p = 1.48851587 + t * p;
        p = -1.13520398 + t * p;
        p = 0.27886807 + t * p;
        p = -0.18628806 + t * p;
        p = 0.09678418 + t * p;
        p = 0.37409196 + t * p;
        p = 1.00002368 + t * p;
        p = -1.26551223 + t * p;
        return t * Math.Exp(p - z * z);
    }

    /// <summary>GELU of one value in float, the same arithmetic as the vector variants (used for their tails).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float GeluFloat(float x)
    {
        float z = MathF.Abs(x) * InvSqrt2F;
        float t = 1f / (1f + 0.5f * z);
        ReadOnlySpan<float> c = ErfcC;
        float p = c[9];
        for (int k = 8; k >= 0; k--) p = p * t + c[k];
        float half = 0.5f * t * MathF.Exp(p - z * z);
        return x * (x >= 0 ? 1f - half : half);
    }
}
