using System.Runtime.Intrinsics;

namespace EdgeAttention.Kernels;

/// <summary>
/// Small dense products for landmark work (m×d times d×m, m×m times m×m), all row-major float32.
/// C must not overlap A or B.
/// </summary>
public static partial class MatMul
{
    /// <summary>C[m, n] = A[m, k] · B[k, n] with the dispatched float32 variant.</summary>
    public static void Compute(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n)
    {
        Check(a, b, c, m, k, n, transposedB: false);
        Run(KernelDispatch.Float32, a, b, c, m, k, n);
    }

    /// <summary>C[m, n] = A[m, k] · B[k, n] with an explicit variant.</summary>
    public static void Compute(KernelVariant variant, ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n)
    {
        KernelDispatch.RequireFloat32(variant, "MatMul");
        Check(a, b, c, m, k, n, transposedB: false);
        Run(variant, a, b, c, m, k, n);
    }

    /// <summary>C[m, n] = A[m, k] · B[n, k]ᵀ with the dispatched float32 variant.</summary>
    public static void ComputeTransposedB(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n)
    {
        Check(a, b, c, m, k, n, transposedB: true);
        RunTransposedB(KernelDispatch.Float32, a, b, c, m, k, n);
    }

    /// <summary>C[m, n] = A[m, k] · B[n, k]ᵀ with an explicit variant.</summary>
    public static void ComputeTransposedB(KernelVariant variant, ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n)
    {
        KernelDispatch.RequireFloat32(variant, "MatMul");
        Check(a, b, c, m, k, n, transposedB: true);
        RunTransposedB(variant, a, b, c, m, k, n);
    }

    private static void Check(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n, bool transposedB)
    {
        KernelChecks.NonNegative(m, "MatMul", nameof(m));
        KernelChecks.NonNegative(k, "MatMul", nameof(k));
        KernelChecks.NonNegative(n, "MatMul", nameof(n));
        KernelChecks.Elements(a.Length, (long)m * k, "MatMul", "a", "[m, k]");
        KernelChecks.Elements(b.Length, (long)k * n, "MatMul", "b", transposedB ? "[n, k]" : "[k, n]");
        KernelChecks.Elements(c.Length, (long)m * n, "MatMul", "c", "[m, n]");
    }

    private static void Run(KernelVariant variant, ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n)
    {
        switch (variant)
        {
            case KernelVariant.Vector256: PortableCore<W256, Vector256<float>>(a, b, c, m, k, n); break;
            case KernelVariant.Vector128: PortableCore<W128, Vector128<float>>(a, b, c, m, k, n); break;
            default: ScalarCore(a, b, c, m, k, n); break;
        }
    }

    private static void RunTransposedB(KernelVariant variant, ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n)
    {
        switch (variant)
        {
            case KernelVariant.Vector256 or KernelVariant.Vector128: VectorTransposedBCore(variant, a, b, c, m, k, n); break;
            default: ScalarTransposedBCore(a, b, c, m, k, n); break;
        }
    }
}
