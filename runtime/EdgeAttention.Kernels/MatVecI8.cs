using System.Runtime.CompilerServices;

namespace EdgeAttention.Kernels;

/// <summary>
/// Int8 matrix-vector with float output: y[r] = s_x · s_w[r] · Σ_c q_w[r, c] q_x[c] + b[r].
/// W row-major [rows = y.Length, cols = qx.Length] with per-row scales wScales [rows] (from <see cref="Quantize.Weights"/>),
/// qx/sx from <see cref="Quantize.Vector"/>, bias empty or [rows]. The integer sums are exact, and every variant
/// applies the same float epilogue <c>(sx · s_w[r]) · (float)Σ (+ b[r])</c>, so all variants are bit-identical for
/// inputs in [−127, 127] (−128 is outside the contract: the AVX2 sign trick cannot represent +128).
/// </summary>
public static partial class MatVecI8
{
    /// <summary>y = dequantised W qx + b with the dispatched int8 variant.</summary>
    public static void Compute(ReadOnlySpan<sbyte> w, ReadOnlySpan<float> wScales, ReadOnlySpan<sbyte> qx, float sx, ReadOnlySpan<float> bias, Span<float> y)
    {
        Check(w, wScales, qx, bias, y);
        Run(KernelDispatch.Int8, w, wScales, qx, sx, bias, y);
    }

    /// <summary>Int8 matrix-vector with an explicit variant.</summary>
    public static void Compute(KernelVariant variant, ReadOnlySpan<sbyte> w, ReadOnlySpan<float> wScales, ReadOnlySpan<sbyte> qx, float sx, ReadOnlySpan<float> bias, Span<float> y)
    {
        KernelDispatch.RequireInt8(variant, "MatVecI8");
        Check(w, wScales, qx, bias, y);
        Run(variant, w, wScales, qx, sx, bias, y);
    }

    private static void Check(ReadOnlySpan<sbyte> w, ReadOnlySpan<float> wScales, ReadOnlySpan<sbyte> qx, ReadOnlySpan<float> bias, Span<float> y)
    {
        KernelChecks.Elements(w.Length, (long)y.Length * qx.Length, "MatVecI8", "w", "[y.Length, qx.Length]");
        KernelChecks.Elements(wScales.Length, y.Length, "MatVecI8", "wScales", "[y.Length]");
        KernelChecks.Bias(bias.Length, y.Length, "MatVecI8");
        if (qx.Length > DotI8.MaxLength)
            throw new ArgumentException($"MatVecI8: {qx.Length} columns exceed {DotI8.MaxLength}, where the int32 sums could overflow; split the matrix.");
    }

    private static void Run(KernelVariant variant, ReadOnlySpan<sbyte> w, ReadOnlySpan<float> wScales, ReadOnlySpan<sbyte> qx, float sx, ReadOnlySpan<float> bias, Span<float> y)
    {
        switch (variant)
        {
            case KernelVariant.AdvSimdDp: AdvSimdDpCore(w, wScales, qx, sx, bias, y); break;
            case KernelVariant.AdvSimd: AdvSimdCore(w, wScales, qx, sx, bias, y); break;
            case KernelVariant.Avx2: Avx2Core(w, wScales, qx, sx, bias, y); break;
            case KernelVariant.Vector256: Vector256Core(w, wScales, qx, sx, bias, y); break;
            case KernelVariant.Vector128: Vector128Core(w, wScales, qx, sx, bias, y); break;
            default: ScalarCore(w, wScales, qx, sx, bias, y); break;
        }
    }

    /// <summary>The shared float epilogue: y[r] = (sx · s_w[r]) · (float)sum (+ b[r]). Same in every variant.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(Span<float> y, int r, int sum, float sx, ReadOnlySpan<float> wScales, ReadOnlySpan<float> bias)
    {
        float v = sx * wScales[r] * sum;
        y[r] = bias.Length != 0 ? v + bias[r] : v;
    }

    /// <summary>Rows left over after the four-row blocks: one int8 dot each with the same variant.</summary>
    private static void RemainingRows(KernelVariant variant, int firstRow, ReadOnlySpan<sbyte> w, ReadOnlySpan<float> wScales, ReadOnlySpan<sbyte> qx, float sx, ReadOnlySpan<float> bias, Span<float> y)
    {
        int cols = qx.Length;
        for (int r = firstRow; r < y.Length; r++)
            Store(y, r, DotI8.Run(variant, w.Slice(r * cols, cols), qx), sx, wScales, bias);
    }
}
