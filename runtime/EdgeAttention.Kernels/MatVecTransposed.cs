using System.Runtime.Intrinsics;

namespace EdgeAttention.Kernels;

/// <summary>
/// y = Wᵀ x (float32): W row-major [rows = x.Length, cols = y.Length], y[j] = Σ_i x[i] W[i, j].
/// x and y must not overlap.
/// </summary>
public static partial class MatVecTransposed
{
    /// <summary>y = Wᵀ x with the dispatched float32 variant.</summary>
    public static void Compute(ReadOnlySpan<float> w, ReadOnlySpan<float> x, Span<float> y)
    {
        KernelChecks.Elements(w.Length, (long)x.Length * y.Length, "MatVecTransposed", "w", "[x.Length, y.Length]");
        Run(KernelDispatch.Float32, w, x, y);
    }

    /// <summary>y = Wᵀ x with an explicit variant.</summary>
    public static void Compute(KernelVariant variant, ReadOnlySpan<float> w, ReadOnlySpan<float> x, Span<float> y)
    {
        KernelDispatch.RequireFloat32(variant, "MatVecTransposed");
        KernelChecks.Elements(w.Length, (long)x.Length * y.Length, "MatVecTransposed", "w", "[x.Length, y.Length]");
        Run(variant, w, x, y);
    }

    private static void Run(KernelVariant variant, ReadOnlySpan<float> w, ReadOnlySpan<float> x, Span<float> y)
    {
        switch (variant)
        {
            case KernelVariant.Vector256: PortableCore<W256, Vector256<float>>(w, x, y); break;
            case KernelVariant.Vector128: PortableCore<W128, Vector128<float>>(w, x, y); break;
            default: ScalarCore(w, x, y); break;
        }
    }
}
