using System.Runtime.InteropServices;

namespace EdgeAttention.Kernels;

public static partial class LayerNorm
{
    /// <summary>
    /// μ = Σx/n, σ² = Σ(x−μ)²/n (biased, two passes as the reference), y = (x − μ)/√(σ² + ε) ⊙ γ + β;
    /// Count lanes per step, scalar tails. x may be y. Vector128 variant: (TW, TV) = (<see cref="W128"/>, Vector128&lt;float&gt;); Vector256: (<see cref="W256"/>, Vector256&lt;float&gt;).
    /// </summary>
    internal static void PortableCore<TW, TV>(ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, float eps, Span<float> y)
        where TW : struct, ISimd<TV> where TV : struct
    {
        int n = x.Length, w = TW.Count;
        if (n == 0) return;
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float gr = ref MemoryMarshal.GetReference(gamma);
        ref float br = ref MemoryMarshal.GetReference(beta);
        ref float yr = ref MemoryMarshal.GetReference(y);
        TV acc = TW.Zero;
        int i = 0;
        for (; i + w <= n; i += w) acc = TW.Add(acc, TW.Load(ref xr, (nuint)i));
        float sum = TW.Sum(acc);
        for (; i < n; i++) sum += x[i];
        float mean = sum / n;

        TV mv = TW.Create(mean);
        acc = TW.Zero;
        for (i = 0; i + w <= n; i += w)
        {
            TV d = TW.Subtract(TW.Load(ref xr, (nuint)i), mv);
            acc = TW.MultiplyAddEstimate(d, d, acc);
        }
        float var = TW.Sum(acc);
        for (; i < n; i++) { float d = x[i] - mean; var += d * d; }
        var /= n;
        float inv = 1f / MathF.Sqrt(var + eps);

        TV iv = TW.Create(inv);
        for (i = 0; i + w <= n; i += w)
        {
            TV v = TW.Add(TW.Multiply(TW.Multiply(TW.Subtract(TW.Load(ref xr, (nuint)i), mv), iv), TW.Load(ref gr, (nuint)i)), TW.Load(ref br, (nuint)i));
            TW.Store(v, ref yr, (nuint)i);
        }
        for (; i < n; i++) y[i] = (x[i] - mean) * inv * gamma[i] + beta[i];
    }
}
