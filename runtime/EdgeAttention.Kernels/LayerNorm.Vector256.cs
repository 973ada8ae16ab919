using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace EdgeAttention.Kernels;

public static partial class LayerNorm
{
    /// <summary>
    /// μ = Σx/n, σ² = Σ(x−μ)²/n (biased, two passes as the reference), y = (x − μ)/√(σ² + ε) ⊙ γ + β;
    /// 8 lanes per step, scalar tails. x may be y.
    /// </summary>
    internal static void Vector256Core(ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, float eps, Span<float> y)
    {
        int n = x.Length;
        if (n == 0) return;
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float gr = ref MemoryMarshal.GetReference(gamma);
        ref float br = ref MemoryMarshal.GetReference(beta);
        ref float yr = ref MemoryMarshal.GetReference(y);
        Vector256<float> acc = Vector256<float>.Zero;
        int i = 0;
        for (; i + 8 <= n; i += 8) acc += Vector256.LoadUnsafe(ref xr, (nuint)i);
        float sum = Vector256.Sum(acc);
        for (; i < n; i++) sum += x[i];
        float mean = sum / n;

        Vector256<float> mv = Vector256.Create(mean);
        acc = Vector256<float>.Zero;
        for (i = 0; i + 8 <= n; i += 8)
        {
            Vector256<float> d = Vector256.LoadUnsafe(ref xr, (nuint)i) - mv;
            acc = Vector256.MultiplyAddEstimate(d, d, acc);
        }
        float var = Vector256.Sum(acc);
        for (; i < n; i++) { float d = x[i] - mean; var += d * d; }
        var /= n;
        float inv = 1f / MathF.Sqrt(var + eps);

        Vector256<float> iv = Vector256.Create(inv);
        for (i = 0; i + 8 <= n; i += 8)
        {
            Vector256<float> v = (Vector256.LoadUnsafe(ref xr, (nuint)i) - mv) * iv * Vector256.LoadUnsafe(ref gr, (nuint)i) + Vector256.LoadUnsafe(ref br, (nuint)i);
            v.StoreUnsafe(ref yr, (nuint)i);
        }
        for (; i < n; i++) y[i] = (x[i] - mean) * inv * gamma[i] + beta[i];
    }
}
