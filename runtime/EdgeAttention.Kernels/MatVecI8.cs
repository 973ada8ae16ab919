using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace EdgeAttention.Kernels;

/// <summary>
/// Int8 matrix-vector with float output: y[r] = s_x · s_w[r] · Σ_c q_w[r, c] q_x[c] + b[r].
/// W row-major [rows = y.Length, cols = qx.Length] with per-row scales wScales [rows] (from <see cref="Quantize.Weights"/>),
/// qx/sx from <see cref="Quantize.Vector"/>, bias empty or [rows]. The integer sums are exact, and every variant
/// applies the same float epilogue <c>(sx · s_w[r]) · (float)Σ (+ b[r])</c>, so all variants are bit-identical for
/// inputs in [−127, 127] (−128 is outside the contract: the AVX2/SSSE3 sign trick cannot represent +128).
/// The AVX-VNNI variant also takes the weight row sums (see the overloads with <c>wRowSums</c>).
/// y must not overlap wScales or bias.
/// </summary>
public static partial class MatVecI8
{
    /// <summary>y = dequantised W qx + b with the dispatched int8 variant.</summary>
    public static void Compute(ReadOnlySpan<sbyte> w, ReadOnlySpan<float> wScales, ReadOnlySpan<sbyte> qx, float sx, ReadOnlySpan<float> bias, Span<float> y) =>
        Compute(w, wScales, [], qx, sx, bias, y);

    /// <summary>Int8 matrix-vector with an explicit variant.</summary>
    public static void Compute(KernelVariant variant, ReadOnlySpan<sbyte> w, ReadOnlySpan<float> wScales, ReadOnlySpan<sbyte> qx, float sx, ReadOnlySpan<float> bias, Span<float> y) =>
        Compute(variant, w, wScales, [], qx, sx, bias, y);

    /// <summary>
    /// y = dequantised W qx + b with the dispatched int8 variant and the weight row sums <paramref name="wRowSums"/>
    /// (empty, or [rows] = <see cref="RowSums"/> of w, computed once when the weights are loaded). Only the AVX-VNNI
    /// variant reads them (it corrects its x + 128 offset with them; without them it sums the rows itself on every
    /// call); the others ignore them. Results are the same either way.
    /// </summary>
    public static void Compute(ReadOnlySpan<sbyte> w, ReadOnlySpan<float> wScales, ReadOnlySpan<int> wRowSums, ReadOnlySpan<sbyte> qx, float sx, ReadOnlySpan<float> bias, Span<float> y)
    {
        Check(w, wScales, wRowSums, qx, bias, y);
        Run(KernelDispatch.Int8, w, wScales, wRowSums, qx, sx, bias, y);
    }

    /// <summary>Int8 matrix-vector with an explicit variant and the weight row sums (empty or [rows], see above).</summary>
    public static void Compute(KernelVariant variant, ReadOnlySpan<sbyte> w, ReadOnlySpan<float> wScales, ReadOnlySpan<int> wRowSums, ReadOnlySpan<sbyte> qx, float sx, ReadOnlySpan<float> bias, Span<float> y)
    {
        KernelDispatch.RequireInt8(variant, "MatVecI8");
        Check(w, wScales, wRowSums, qx, bias, y);
        Run(variant, w, wScales, wRowSums, qx, sx, bias, y);
    }

    /// <summary>
    /// sums[r] = Σ_c W[r, c] for W [sums.Length, cols] row-major (exact int32 for cols ≤ <see cref="DotI8.MaxLength"/>):
    /// the row sums <see cref="Compute(ReadOnlySpan{sbyte}, ReadOnlySpan{float}, ReadOnlySpan{int}, ReadOnlySpan{sbyte}, float, ReadOnlySpan{float}, Span{float})"/>
    /// takes. A load-time helper, plain loops.
    /// </summary>
    public static void RowSums(ReadOnlySpan<sbyte> w, int cols, Span<int> sums)
    {
        KernelChecks.NonNegative(cols, "MatVecI8.RowSums", nameof(cols));
        KernelChecks.Elements(w.Length, (long)sums.Length * cols, "MatVecI8.RowSums", "w", "[sums.Length, cols]");
        for (int r = 0; r < sums.Length; r++)
        {
            int s = 0;
            foreach (sbyte v in w.Slice(r * cols, cols)) s += v;
            sums[r] = s;
        }
    }

    private static void Check(ReadOnlySpan<sbyte> w, ReadOnlySpan<float> wScales, ReadOnlySpan<int> wRowSums, ReadOnlySpan<sbyte> qx, ReadOnlySpan<float> bias, Span<float> y)
    {
        if (wRowSums.Length != 0) KernelChecks.Elements(wRowSums.Length, y.Length, "MatVecI8", "wRowSums", "empty or [y.Length]");
        KernelChecks.Elements(w.Length, (long)y.Length * qx.Length, "MatVecI8", "w", "[y.Length, qx.Length]");
        KernelChecks.Elements(wScales.Length, y.Length, "MatVecI8", "wScales", "[y.Length]");
        KernelChecks.Bias(bias.Length, y.Length, "MatVecI8");
        if (qx.Length > DotI8.MaxLength)
            throw new ArgumentException($"MatVecI8: {qx.Length} columns exceed {DotI8.MaxLength}, where the int32 sums could overflow; split the matrix.");
    }

    private static void Run(KernelVariant variant, ReadOnlySpan<sbyte> w, ReadOnlySpan<float> wScales, ReadOnlySpan<int> wRowSums, ReadOnlySpan<sbyte> qx, float sx, ReadOnlySpan<float> bias, Span<float> y)
    {
        switch (variant)
        {
            case KernelVariant.AvxVnni: AvxVnniCore(w, wScales, wRowSums, qx, sx, bias, y); break;
            case KernelVariant.AdvSimdDp: AdvSimdDpCore(w, wScales, qx, sx, bias, y); break;
            case KernelVariant.AdvSimd: AdvSimdCore(w, wScales, qx, sx, bias, y); break;
            case KernelVariant.Avx2: Avx2Core(w, wScales, qx, sx, bias, y); break;
            case KernelVariant.Ssse3: Ssse3Core(w, wScales, qx, sx, bias, y); break;
            case KernelVariant.Vector256: PortableCore<W256, Vector256<float>>(w, wScales, qx, sx, bias, y); break;
            case KernelVariant.Vector128: PortableCore<W128, Vector128<float>>(w, wScales, qx, sx, bias, y); break;
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

    /// <summary>
    /// y[r..r+3] = (sx · s_w[r..r+3]) · (float)sums (+ b[r..r+3]) as one Vector128: the same IEEE operations in the
    /// same order as <see cref="Store"/>, so bit-identical to the scalar epilogue.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Epilogue4(Vector128<int> sums, int r, float sx, ReadOnlySpan<float> wScales, ReadOnlySpan<float> bias, Span<float> y)
    {
        Vector128<float> v = Vector128.Create(sx) * Vector128.LoadUnsafe(ref MemoryMarshal.GetReference(wScales), (nuint)r) * Vector128.ConvertToSingle(sums);
        if (bias.Length != 0) v += Vector128.LoadUnsafe(ref MemoryMarshal.GetReference(bias), (nuint)r);
        v.StoreUnsafe(ref MemoryMarshal.GetReference(y), (nuint)r);
    }

    /// <summary>[Σ_{c ≥ start} W[k, c] x[c]] (int32) for the four rows k starting at <paramref name="w0"/> (row stride cols).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Vector128<int> ColumnTail4(ref sbyte w0, int cols, ref sbyte xr, int start)
    {
        ref sbyte w1 = ref Unsafe.Add(ref w0, cols);
        ref sbyte w2 = ref Unsafe.Add(ref w1, cols);
        ref sbyte w3 = ref Unsafe.Add(ref w2, cols);
        int t0 = 0, t1 = 0, t2 = 0, t3 = 0;
        for (int c = start; c < cols; c++)
        {
            int xc = Unsafe.Add(ref xr, c);
            t0 += Unsafe.Add(ref w0, c) * xc;
            t1 += Unsafe.Add(ref w1, c) * xc;
            t2 += Unsafe.Add(ref w2, c) * xc;
            t3 += Unsafe.Add(ref w3, c) * xc;
        }
        return Vector128.Create(t0, t1, t2, t3);
    }
}
