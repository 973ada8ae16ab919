using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace EdgeAttention.Kernels;

/// <summary>
/// Rows of a float64 block slid by one token: acc [m × d] row-major, row j ← f_j·acc_j + a_j·x − b_j·y
/// (x, y [d]; a, b [m]; f [m] or empty for f = 1): the continual running sums' update, a new value in, a leaving
/// value out, with a rescale where a row's reference shift moved.
/// </summary>
public static partial class Rank2Update
{
    /// <summary>acc_j ← f_j·acc_j + a_j·x − b_j·y for every row j, dispatched variant.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Compute(Span<double> acc, ReadOnlySpan<double> f, ReadOnlySpan<double> a, ReadOnlySpan<double> x, ReadOnlySpan<double> b, ReadOnlySpan<double> y)
    {
        Check(acc.Length, f.Length, a.Length, x.Length, b.Length, y.Length);
        Run(KernelDispatch.Float32, acc, f, a, x, b, y);
    }

    /// <summary>Rank2Update with an explicit variant.</summary>
    public static void Compute(KernelVariant variant, Span<double> acc, ReadOnlySpan<double> f, ReadOnlySpan<double> a, ReadOnlySpan<double> x, ReadOnlySpan<double> b, ReadOnlySpan<double> y)
    {
        KernelDispatch.RequireFloat32(variant, "Rank2Update");
        Check(acc.Length, f.Length, a.Length, x.Length, b.Length, y.Length);
        Run(variant, acc, f, a, x, b, y);
    }

    /// <summary>
    /// Grouped form, <paramref name="blocks"/> independent blocks of rows in one call (e.g. one per attention head):
    /// acc [R × d] with R = a.Length rows in blocks of R / blocks, x and y [blocks × d]; row r of block g = r / (R / blocks)
    /// is updated with x_g, y_g: acc_r ← f_r·acc_r + a_r·x_g − b_r·y_g (f [R] or empty for f = 1). Each block gives exactly
    /// the result of <see cref="Compute(Span{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double})"/>
    /// on its rows; with f given, rows with f_r = 1 give exactly the result of f empty. Dispatched variant.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ComputeBlocks(Span<double> acc, ReadOnlySpan<double> f, ReadOnlySpan<double> a, ReadOnlySpan<double> x, ReadOnlySpan<double> b, ReadOnlySpan<double> y,
        int blocks)
    {
        CheckBlocks(acc.Length, f.Length, a.Length, x.Length, b.Length, y.Length, blocks);
        RunBlocks(KernelDispatch.Float32, acc, f, a, x, b, y, blocks);
    }

    /// <summary>Grouped Rank2Update with an explicit variant.</summary>
    public static void ComputeBlocks(KernelVariant variant, Span<double> acc, ReadOnlySpan<double> f, ReadOnlySpan<double> a, ReadOnlySpan<double> x, ReadOnlySpan<double> b,
        ReadOnlySpan<double> y, int blocks)
    {
        KernelDispatch.RequireFloat32(variant, "Rank2Update.ComputeBlocks");
        CheckBlocks(acc.Length, f.Length, a.Length, x.Length, b.Length, y.Length, blocks);
        RunBlocks(variant, acc, f, a, x, b, y, blocks);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CheckBlocks(int acc, int f, int a, int x, int b, int y, int blocks)
    {
        KernelChecks.SameLength(a, b, "Rank2Update.ComputeBlocks", "a", "b");
        KernelChecks.SameLength(x, y, "Rank2Update.ComputeBlocks", "x", "y");
        if (f != 0) KernelChecks.SameLength(f, a, "Rank2Update.ComputeBlocks", "f", "a");
        KernelChecks.Blocks(blocks, a, "Rank2Update.ComputeBlocks", "a");
        KernelChecks.Blocks(blocks, x, "Rank2Update.ComputeBlocks", "x");
        KernelChecks.Elements(acc, (long)a * (x / blocks), "Rank2Update.ComputeBlocks", "acc", "[a.Length, x.Length / blocks]");
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void RunBlocks(KernelVariant variant, Span<double> acc, ReadOnlySpan<double> f, ReadOnlySpan<double> a, ReadOnlySpan<double> x, ReadOnlySpan<double> b,
        ReadOnlySpan<double> y, int blocks)
    {
        switch (variant)
        {
            case KernelVariant.Vector256: PortableBlocksCore<W256, Vector256<double>>(acc, f, a, x, b, y, blocks); break;
            case KernelVariant.Vector128: PortableBlocksCore<W128, Vector128<double>>(acc, f, a, x, b, y, blocks); break;
            default: ScalarBlocksCore(acc, f, a, x, b, y, blocks); break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Check(int acc, int f, int a, int x, int b, int y)
    {
        KernelChecks.SameLength(a, b, "Rank2Update", "a", "b");
        KernelChecks.SameLength(x, y, "Rank2Update", "x", "y");
        if (f != 0) KernelChecks.SameLength(f, a, "Rank2Update", "f", "a");
        KernelChecks.Elements(acc, (long)a * x, "Rank2Update", "acc", "[a.Length, x.Length]");
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Run(KernelVariant variant, Span<double> acc, ReadOnlySpan<double> f, ReadOnlySpan<double> a, ReadOnlySpan<double> x, ReadOnlySpan<double> b, ReadOnlySpan<double> y)
    {
        switch (variant)
        {
            case KernelVariant.Vector256: PortableCore<W256, Vector256<double>>(acc, f, a, x, b, y); break;
            case KernelVariant.Vector128: PortableCore<W128, Vector128<double>>(acc, f, a, x, b, y); break;
            default: ScalarCore(acc, f, a, x, b, y); break;
        }
    }
}
