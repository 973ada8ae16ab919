using System.Runtime.Intrinsics;

namespace EdgeAttention.Kernels;

/// <summary>
/// Symmetric int8 quantization: q ∈ [−127, 127] (−128 is never produced, which keeps every int8 kernel exact,
/// see <see cref="MatVecI8"/>), value ≈ scale · q, round half to even.
/// </summary>
public static partial class Quantize
{
    /// <summary>
    /// Per-output-channel weights: for each row r of W[rows, cols], scales[r] = max|W[r,:]|/127 and
    /// q[r,:] = round(W[r,:]/scales[r]); an all-zero (or non-finite) row gets scale 0 and q = 0. Dispatched int8 variant.
    /// </summary>
    public static void Weights(ReadOnlySpan<float> w, int rows, int cols, Span<sbyte> q, Span<float> scales)
    {
        CheckWeights(w, rows, cols, q, scales);
        for (int r = 0; r < rows; r++) scales[r] = RunVector(KernelDispatch.Int8, w.Slice(r * cols, cols), q.Slice(r * cols, cols));
    }

    /// <summary>Per-output-channel weight quantization with an explicit variant.</summary>
    public static void Weights(KernelVariant variant, ReadOnlySpan<float> w, int rows, int cols, Span<sbyte> q, Span<float> scales)
    {
        KernelDispatch.RequireInt8(variant, "Quantize.Weights");
        CheckWeights(w, rows, cols, q, scales);
        for (int r = 0; r < rows; r++) scales[r] = RunVector(variant, w.Slice(r * cols, cols), q.Slice(r * cols, cols));
    }

    /// <summary>
    /// Dynamic per-vector activations: returns scale = max|x|/127 and writes q = round(x/scale);
    /// max|x| = 0 or non-finite → scale 0, q = 0. Dispatched int8 variant.
    /// </summary>
    public static float Vector(ReadOnlySpan<float> x, Span<sbyte> q)
    {
        KernelChecks.SameLength(x.Length, q.Length, "Quantize.Vector", "x", "q");
        return RunVector(KernelDispatch.Int8, x, q);
    }

    /// <summary>Dynamic per-vector quantization with an explicit variant.</summary>
    public static float Vector(KernelVariant variant, ReadOnlySpan<float> x, Span<sbyte> q)
    {
        KernelDispatch.RequireInt8(variant, "Quantize.Vector");
        KernelChecks.SameLength(x.Length, q.Length, "Quantize.Vector", "x", "q");
        return RunVector(variant, x, q);
    }

    /// <summary>value[i] = scale · q[i] (float32 reconstruction, for tests and tools).</summary>
    public static void Dequantize(ReadOnlySpan<sbyte> q, float scale, Span<float> y)
    {
        KernelChecks.SameLength(q.Length, y.Length, "Quantize.Dequantize", "q", "y");
        for (int i = 0; i < q.Length; i++) y[i] = scale * q[i];
    }

    /// <summary>
    /// True when no value is −128. Data from <see cref="Weights"/>/<see cref="Vector"/> always passes; loaders of
    /// external int8 tensors should check, because the AVX2/SSSE3 kernels assume the symmetric range.
    /// </summary>
    public static bool IsSymmetricRange(ReadOnlySpan<sbyte> q) => q.IndexOf(sbyte.MinValue) < 0;

    private static void CheckWeights(ReadOnlySpan<float> w, int rows, int cols, Span<sbyte> q, Span<float> scales)
    {
        KernelChecks.NonNegative(rows, "Quantize.Weights", nameof(rows));
        KernelChecks.NonNegative(cols, "Quantize.Weights", nameof(cols));
        KernelChecks.Elements(w.Length, (long)rows * cols, "Quantize.Weights", "w", "[rows, cols]");
        KernelChecks.Elements(q.Length, (long)rows * cols, "Quantize.Weights", "q", "[rows, cols]");
        KernelChecks.Elements(scales.Length, rows, "Quantize.Weights", "scales", "[rows]");
    }

    /// <summary>SSSE3 has its own SSE2 quantizer; other int8-family variants use their portable partner (same results).</summary>
    private static float RunVector(KernelVariant variant, ReadOnlySpan<float> x, Span<sbyte> q) => variant switch
    {
        KernelVariant.Vector256 or KernelVariant.Avx2 or KernelVariant.AvxVnni => PortableVectorCore<W256, Vector256<float>>(x, q),
        KernelVariant.Ssse3 => Sse2VectorCore(x, q),
        KernelVariant.Vector128 or KernelVariant.AdvSimd or KernelVariant.AdvSimdDp => PortableVectorCore<W128, Vector128<float>>(x, q),
        _ => ScalarVectorCore(x, q),
    };
}
