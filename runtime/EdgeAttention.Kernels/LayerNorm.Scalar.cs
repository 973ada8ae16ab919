namespace EdgeAttention.Kernels;

public static partial class LayerNorm
{
    /// <summary>Reference: μ = Σx/n; σ² = Σ(x − μ)²/n; y = (x − μ)/√(σ² + ε) · γ + β.</summary>
    internal static void ScalarCore(ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, float eps, Span<float> y)
    {
        int n = x.Length;
        if (n == 0) return;
        float mean = 0;
        for (int i = 0; i < n; i++) mean += x[i];
        mean /= n;
        float var = 0;
        for (int i = 0; i < n; i++) { float d = x[i] - mean; var += d * d; }
        var /= n;
        float inv = 1f / MathF.Sqrt(var + eps);
        for (int i = 0; i < n; i++) y[i] = (x[i] - mean) * inv * gamma[i] + beta[i];
    }
}
