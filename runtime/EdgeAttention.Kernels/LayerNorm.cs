using System.Runtime.Intrinsics;

namespace EdgeAttention.Kernels;

/// <summary>Layer normalisation over one row (float32), as torch.nn.LayerNorm; x may be y.</summary>
public static partial class LayerNorm
{
    /// <summary>y = (x − mean) / sqrt(var + eps) ⊙ γ + β (biased variance, as PyTorch) with the dispatched variant.</summary>
    public static void Compute(ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, float eps, Span<float> y)
    {
        Check(x, gamma, beta, y);
        Run(KernelDispatch.Float32, x, gamma, beta, eps, y);
    }

    /// <summary>Layer norm with an explicit variant.</summary>
    public static void Compute(KernelVariant variant, ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, float eps, Span<float> y)
    {
        KernelDispatch.RequireFloat32(variant, "LayerNorm");
        Check(x, gamma, beta, y);
        Run(variant, x, gamma, beta, eps, y);
    }

    private static void Check(ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, Span<float> y)
    {
        KernelChecks.SameLength(x.Length, y.Length, "LayerNorm", "x", "y");
        KernelChecks.SameLength(x.Length, gamma.Length, "LayerNorm", "x", "gamma");
        KernelChecks.SameLength(x.Length, beta.Length, "LayerNorm", "x", "beta");
    }

    private static void Run(KernelVariant variant, ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, float eps, Span<float> y)
    {
        switch (variant)
        {
            case KernelVariant.Vector256: PortableCore<W256, Vector256<float>>(x, gamma, beta, eps, y); break;
            case KernelVariant.Vector128: PortableCore<W128, Vector128<float>>(x, gamma, beta, eps, y); break;
            default: ScalarCore(x, gamma, beta, eps, y); break;
        }
    }
}
