namespace EdgeAttention.Kernels.Tests;

/// <summary>
/// A slow, accurate double-precision erfc/GELU used only as the test reference (≈1e-15 relative): the positive
/// series erf(z) = 2/√π · e^(−z²) · Σ 2ⁿ z^(2n+1) / (1·3·…·(2n+1)) below z = 2.5, the Laplace continued fraction
/// erfc(z) = e^(−z²)/√π · 1/(z + ½/(z + 1/(z + 3/2/(z + …)))) above.
/// </summary>
internal static class ReferenceErf
{
    public static double Erfc(double z)
    {
        if (z < 0) return 2 - Erfc(-z);
        if (z < 2.5)
        {
            double term = z, sum = z;
            for (int n = 1; n < 200 && term > 1e-17 * sum; n++)
            {
                term *= 2 * z * z / (2 * n + 1);
                sum += term;
            }
            return 1 - 2 / Math.Sqrt(Math.PI) * Math.Exp(-z * z) * sum;
        }
        double t = z;
        for (int k = 300; k >= 1; k--) t = z + k / 2.0 / t;
        return Math.Exp(-z * z) / (Math.Sqrt(Math.PI) * t);
    }

    /// <summary>GELU(x) = x Φ(x), Φ(x) = ½ erfc(−x/√2), written so no cancellation occurs on either side.</summary>
    public static double Gelu(double x)
    {
        double half = 0.5 * Erfc(Math.Abs(x) / Math.Sqrt(2));
        return x * (x >= 0 ? 1 - half : half);
    }
}
