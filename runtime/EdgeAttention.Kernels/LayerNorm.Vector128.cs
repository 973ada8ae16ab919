using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace EdgeAttention.Kernels;

public static partial class LayerNorm
{
    /// <summary>
    /// μ = Σx/n, σ² = Σ(x−μ)²/n (biased, two passes as the reference), y = (x − μ)/√(σ² + ε) ⊙ γ + β;
    /// 4 lanes per step, scalar tails. x may be y.
    /// </summary>
    internal static void Vector128Core(ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, float eps, Span<float> y)
    {
        int n = x.Length;
        if (n == 0) return;
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float gr = ref MemoryMarshal.GetReference(gamma);
        ref float br = ref MemoryMarshal.GetReference(beta);
        ref float yr = ref MemoryMarshal.GetReference(y);
        Vector128<float> acc = Vector128<float>.Zero;
        int i = 0;
        for (; i + 4 <= n; i += 4) acc += Vector128.LoadUnsafe(ref xr, (nuint)i);
        float sum = Vector128.Sum(acc);
        for (; i < n; i++) sum += x[i];
        float mean = sum / n;

        Vector128<float> mv = Vector128.Create(mean);
        acc = Vector128<float>.Zero;
        for (i = 0; i + 4 <= n; i += 4)
        {
            Vector128<float> d = Vector128.LoadUnsafe(ref xr, (nuint)i) - mv;
            acc = Vector128.MultiplyAddEstimate(d, d, acc);
        }
        float var = Vector128.Sum(acc);
        for (; i < n; i++) { float d = x[i] - mean; var += d * d; }
        var /= n;
        float inv = 1f / MathF.Sqrt(var + eps);

        Vector128<float> iv = Vector128.Create(inv);
        for (i = 0; i + 4 <= n; i += 4)
        {
            Vector128<float> v = (Vector128.LoadUnsafe(ref xr, (nuint)i) - mv) * iv * Vector128.LoadUnsafe(ref gr, (nuint)i) + Vector128.LoadUnsafe(ref br, (nuint)i);
            v.StoreUnsafe(ref yr, (nuint)i);
        }
        for (; i < n; i++) y[i] = (x[i] - mean) * inv * gamma[i] + beta[i];
    }
}
