using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace EdgeAttention.Kernels;

/// <summary>
/// y = xᵀW, W row-major [x.Length, y.Length], for matrices with few columns (the m landmarks, an m×m inverse, an
/// m×d_h block of running sums): column groups outer, rows inner with four interleaved accumulators (row i mod 4),
/// so no output column waits on a chain of every row's multiply-add (<see cref="MatVecTransposed"/> adds whole rows
/// into y and suits many columns). Float32 scores and float64 weights/means. x and y must not overlap.
/// </summary>
public static partial class VecMat
{
    /// <summary>
    /// y[j] = Σ_i x[i]·W[i, j] (float32 sums) with the dispatched variant; yWide empty or [y.Length] also receives y
    /// widened to float64.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Compute(ReadOnlySpan<float> w, ReadOnlySpan<float> x, Span<float> y, Span<double> yWide)
    {
        Check(w.Length, x.Length, y.Length, yWide.Length);
        Run(KernelDispatch.Float32, w, x, y, yWide);
    }

    /// <summary>Float32 VecMat with an explicit variant.</summary>
    public static void Compute(KernelVariant variant, ReadOnlySpan<float> w, ReadOnlySpan<float> x, Span<float> y, Span<double> yWide)
    {
        KernelDispatch.RequireFloat32(variant, "VecMat");
        Check(w.Length, x.Length, y.Length, yWide.Length);
        Run(variant, w, x, y, yWide);
    }

    /// <summary>y[j] = Σ_i x[i]·W[i, j] in float64 with the dispatched variant.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Compute(ReadOnlySpan<double> w, ReadOnlySpan<double> x, Span<double> y) => Compute(w, x, 1.0, default, y);

    /// <summary>
    /// y[j] = scale·(Σ_i x[i]·W[i, j]) / divisor[j] in float64 (divisor empty: no division), dispatched variant:
    /// e.g. softmax numerators times G, normalised and divided by each landmark row's φ.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Compute(ReadOnlySpan<double> w, ReadOnlySpan<double> x, double scale, ReadOnlySpan<double> divisor, Span<double> y)
    {
        Check(w.Length, x.Length, y.Length, divisor.Length);
        Run(KernelDispatch.Float32, w, x, scale, divisor, y);
    }

    /// <summary>Float64 VecMat with an explicit variant.</summary>
    public static void Compute(KernelVariant variant, ReadOnlySpan<double> w, ReadOnlySpan<double> x, double scale, ReadOnlySpan<double> divisor, Span<double> y)
    {
        KernelDispatch.RequireFloat32(variant, "VecMat");
        Check(w.Length, x.Length, y.Length, divisor.Length);
        Run(variant, w, x, scale, divisor, y);
    }

    /// <summary>
    /// y[j] = Σ_i x[i]·W[i, j] in float64 over a column window of a wider matrix: row i of W starts at
    /// w[i·<paramref name="rowStride"/>] and its first y.Length elements are used (e.g. one head's d_h columns of a
    /// slot-major [n, d] ring: w = ring from column h·d_h, rowStride = d). Same results as
    /// <see cref="Compute(ReadOnlySpan{double}, ReadOnlySpan{double}, Span{double})"/> on the window copied out. Dispatched variant.
    /// </summary>
    public static void Compute(ReadOnlySpan<double> w, int rowStride, ReadOnlySpan<double> x, Span<double> y) =>
        Compute(KernelDispatch.Float32, w, rowStride, x, y);

    /// <summary>Strided float64 VecMat with an explicit variant.</summary>
    public static void Compute(KernelVariant variant, ReadOnlySpan<double> w, int rowStride, ReadOnlySpan<double> x, Span<double> y)
    {
        KernelDispatch.RequireFloat32(variant, "VecMat");
        long need = x.Length == 0 ? 0 : (long)(x.Length - 1) * rowStride + y.Length;
        if (rowStride < y.Length || w.Length < need)
            throw new ArgumentException($"VecMat: w has {w.Length} elements, rowStride {rowStride}; rows of y.Length = {y.Length} elements need rowStride ≥ y.Length and w.Length ≥ (x.Length − 1)·rowStride + y.Length = {need}.");
        switch (variant)
        {
            case KernelVariant.Vector256: PortableStridedCore<W256, Vector256<double>>(w, rowStride, x, y); break;
            case KernelVariant.Vector128: PortableStridedCore<W128, Vector128<double>>(w, rowStride, x, y); break;
            default: ScalarStridedCore(w, rowStride, x, y); break;
        }
    }

    /// <summary>
    /// Block-diagonal float32 VecMat: <paramref name="blocks"/> independent products in one call (e.g. one per
    /// attention head), y_b[j] = Σ_i x_b[i]·W_b[i, j] with W [blocks, rows, cols], x [blocks, rows], y [blocks, cols]
    /// (rows = x.Length / blocks, cols = y.Length / blocks); yWide empty or [y.Length] receives y widened. Each block
    /// is computed exactly as <see cref="Compute(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{double})"/>
    /// computes it alone (same results), without a call per block. Dispatched variant.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ComputeBlocks(ReadOnlySpan<float> w, ReadOnlySpan<float> x, Span<float> y, Span<double> yWide, int blocks)
    {
        CheckBlocks(w.Length, x.Length, y.Length, yWide.Length, 0, blocks);
        RunBlocks(KernelDispatch.Float32, w, x, y, yWide, blocks);
    }

    /// <summary>Block-diagonal float32 VecMat with an explicit variant.</summary>
    public static void ComputeBlocks(KernelVariant variant, ReadOnlySpan<float> w, ReadOnlySpan<float> x, Span<float> y, Span<double> yWide, int blocks)
    {
        KernelDispatch.RequireFloat32(variant, "VecMat.ComputeBlocks");
        CheckBlocks(w.Length, x.Length, y.Length, yWide.Length, 0, blocks);
        RunBlocks(variant, w, x, y, yWide, blocks);
    }

    /// <summary>
    /// Block-diagonal float64 VecMat: y_b[j] = scales[b]·(Σ_i x_b[i]·W_b[i, j]) / divisor_b[j] for each of
    /// <paramref name="blocks"/> blocks, W [blocks, rows, cols], x [blocks, rows], y and divisor [blocks, cols];
    /// scales empty (1) or [blocks], divisor empty (no division) or [y.Length]. Each block as
    /// <see cref="Compute(ReadOnlySpan{double}, ReadOnlySpan{double}, double, ReadOnlySpan{double}, Span{double})"/>
    /// with scale = scales[b]. Dispatched variant.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ComputeBlocks(ReadOnlySpan<double> w, ReadOnlySpan<double> x, ReadOnlySpan<double> scales, ReadOnlySpan<double> divisor, Span<double> y, int blocks)
    {
        CheckBlocks(w.Length, x.Length, y.Length, divisor.Length, scales.Length, blocks);
        RunBlocks(KernelDispatch.Float32, w, x, scales, divisor, y, blocks);
    }

    /// <summary>Block-diagonal float64 VecMat with an explicit variant.</summary>
    public static void ComputeBlocks(KernelVariant variant, ReadOnlySpan<double> w, ReadOnlySpan<double> x, ReadOnlySpan<double> scales, ReadOnlySpan<double> divisor,
        Span<double> y, int blocks)
    {
        KernelDispatch.RequireFloat32(variant, "VecMat.ComputeBlocks");
        CheckBlocks(w.Length, x.Length, y.Length, divisor.Length, scales.Length, blocks);
        RunBlocks(variant, w, x, scales, divisor, y, blocks);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CheckBlocks(int w, int x, int y, int extra, int scales, int blocks)
    {
        KernelChecks.Blocks(blocks, x, "VecMat.ComputeBlocks", "x");
        KernelChecks.Blocks(blocks, y, "VecMat.ComputeBlocks", "y");
        KernelChecks.Elements(w, (long)x * (y / blocks), "VecMat.ComputeBlocks", "w", "[blocks, x.Length / blocks, y.Length / blocks]");
        if (extra != 0) KernelChecks.SameLength(extra, y, "VecMat.ComputeBlocks", "the float64 copy / divisor", "y");
        if (scales != 0) KernelChecks.SameLength(scales, blocks, "VecMat.ComputeBlocks", "scales", "blocks");
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void RunBlocks(KernelVariant variant, ReadOnlySpan<float> w, ReadOnlySpan<float> x, Span<float> y, Span<double> yWide, int blocks)
    {
        switch (variant)
        {
            case KernelVariant.Vector256: PortableBlocksCore<W256, Vector256<float>, Vector256<double>>(w, x, y, yWide, blocks); break;
            case KernelVariant.Vector128: PortableBlocksCore<W128, Vector128<float>, Vector128<double>>(w, x, y, yWide, blocks); break;
            default: ScalarBlocksCore(w, x, y, yWide, blocks); break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void RunBlocks(KernelVariant variant, ReadOnlySpan<double> w, ReadOnlySpan<double> x, ReadOnlySpan<double> scales, ReadOnlySpan<double> divisor,
        Span<double> y, int blocks)
    {
        switch (variant)
        {
            case KernelVariant.Vector256: PortableBlocksCore<W256, Vector256<double>>(w, x, scales, divisor, y, blocks); break;
            case KernelVariant.Vector128: PortableBlocksCore<W128, Vector128<double>>(w, x, scales, divisor, y, blocks); break;
            default: ScalarBlocksCore(w, x, scales, divisor, y, blocks); break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Check(int w, int x, int y, int extra)
    {
        KernelChecks.Elements(w, (long)x * y, "VecMat", "w", "[x.Length, y.Length]");
        if (extra != 0) KernelChecks.SameLength(extra, y, "VecMat", "the float64 copy / divisor", "y");
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Run(KernelVariant variant, ReadOnlySpan<float> w, ReadOnlySpan<float> x, Span<float> y, Span<double> yWide)
    {
        switch (variant)
        {
            case KernelVariant.Vector256: PortableCore<W256, Vector256<float>, Vector256<double>>(w, x, y, yWide); break;
            case KernelVariant.Vector128: PortableCore<W128, Vector128<float>, Vector128<double>>(w, x, y, yWide); break;
            default: ScalarCore(w, x, y, yWide); break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Run(KernelVariant variant, ReadOnlySpan<double> w, ReadOnlySpan<double> x, double scale, ReadOnlySpan<double> divisor, Span<double> y)
    {
        switch (variant)
        {
            case KernelVariant.Vector256: PortableCore<W256, Vector256<double>>(w, x, scale, divisor, y); break;
            case KernelVariant.Vector128: PortableCore<W128, Vector128<double>>(w, x, scale, divisor, y); break;
            default: ScalarCore(w, x, scale, divisor, y); break;
        }
    }
}
