namespace EdgeAttention.Kernels;

/// <summary>One self-test line: a kernel run with one variant compared with the scalar reference.</summary>
/// <param name="Kernel">Kernel name, e.g. "MatVec".</param>
/// <param name="Variant">The variant checked.</param>
/// <param name="MaxError">Largest error seen: |a − b| / (1 + |b|) for float kernels, |a − b| for int8 kernels.</param>
/// <param name="Tolerance">Largest error accepted (0 for int8 kernels: bit-exact).</param>
/// <param name="Passed">MaxError ≤ Tolerance and all values finite.</param>
public sealed record KernelCheckResult(string Kernel, KernelVariant Variant, double MaxError, double Tolerance, bool Passed)
{
    /// <summary>One line for the host's selftest output.</summary>
    public override string ToString() =>
        $"{(Passed ? "pass" : "FAIL")}  {Kernel,-27} {KernelDispatch.Name(Variant),-9} max error {MaxError:0.###e+00} (tolerance {Tolerance:0.###e+00})";
}

/// <summary>
/// Device self-test: every non-scalar variant this process can run, for every public kernel entry point that takes a
/// <see cref="KernelVariant"/>, against the scalar reference on generated data (odd sizes and an unaligned start so
/// tails and remainders are exercised). Float32 and float64 kernels (the continual attention step's running sums and
/// the audio front end) run over <see cref="KernelDispatch.AvailableFloat32"/> (float64 kernels follow the float32
/// variant), int8 kernels over <see cref="KernelDispatch.AvailableInt8"/>. Float kernels pass within a scaled
/// tolerance (|a − b| / (1 + |b|), per kernel below), int8 kernels and exact conversions must be bit-exact, index and
/// flag results equal. Allocates small test buffers (about 200 kB per call); not for the per-step path.
/// </summary>
public static class KernelSelfTest
{
    /// <summary>Float32 kernels: sums of up to 131 float32 terms in another order (and FMA vs mul+add) stay well inside.</summary>
    private const double FloatTolerance = 2e-5;

    /// <summary>
    /// Float64 linear kernels (VecMat float64, Rank2Update): sums of ≤ 13 products of |terms| ≤ 2 in another order
    /// (four interleaved accumulators, FMA) differ by ≤ (n + 6)·2⁻⁵³·Σ|terms| ≈ 1e-14 scaled; 1e-12 leaves margin and
    /// is still 10⁴ below float32 rounding (6e-8), so a kernel that lost float64 precision (or a lane) fails.
    /// </summary>
    private const double Float64Tolerance = 1e-12;

    /// <summary>
    /// Float64 exp kernels (Exp64, Softmax.ExpMaxShifted*, ShiftedTerms): the vector exp is a degree-9 polynomial
    /// within 1e-11 relative of Math.Exp (Exp64.Portable.cs, tested); a sum of such terms, or ShiftedTerms' φ (a
    /// difference of terms up to its peak, ≤ 10 here) with a product of two exps, stays within a few of those: 1e-10.
    /// </summary>
    private const double Exp64Tolerance = 1e-10;

    /// <summary>
    /// RealFft: float64 stages (same operations in the same order, no FMA), only P rounded to float32; a last-bit float64
    /// difference can move P by one float32 ulp (2⁻²³ ≈ 1.2e-7 relative): two ulps.
    /// </summary>
    private const double RealFftTolerance = 2.5e-7;

    /// <summary>Runs all checks; an empty list means only the scalar reference is available.</summary>
    public static IReadOnlyList<KernelCheckResult> RunAll()
    {
        var results = new List<KernelCheckResult>();
        var rng = new Random(12345);
        const int Rows = 67, Cols = 131, M = 9, K = 33, N = 13;

        float[] a = Data(rng, 1 + Rows * Cols, 1f), b = Data(rng, 1 + Rows * Cols, 1f);
        float[] x = Data(rng, 1 + Cols, 1f), bias = Data(rng, Rows, 1f), big = Data(rng, 1 + Cols, 8f);
        ReadOnlySpan<float> w = a.AsSpan(1, Rows * Cols), xs = x.AsSpan(1, Cols);   // unaligned views
        var f64 = new Float64Data(rng);
        var front = new FrontEndData(rng);

        foreach (KernelVariant v in KernelDispatch.AvailableFloat32)
        {
            if (v == KernelVariant.Scalar) continue;
            results.Add(Compare("Dot", v, [Dot.Compute(v, w[..Cols], xs)], [Dot.Compute(KernelVariant.Scalar, w[..Cols], xs)], FloatTolerance));

            float[] y1 = b[..Cols], y2 = b[..Cols];
            Axpy.Compute(v, 0.37f, xs, y1); Axpy.Compute(KernelVariant.Scalar, 0.37f, xs, y2);
            results.Add(Compare("Axpy", v, y1, y2, FloatTolerance));

            y1 = new float[Cols]; y2 = new float[Cols];
            RowScale.Compute(v, xs, -1.7f, y1); RowScale.Compute(KernelVariant.Scalar, xs, -1.7f, y2);
            results.Add(Compare("RowScale", v, y1, y2, FloatTolerance));

            y1 = new float[Rows]; y2 = new float[Rows];
            MatVec.Compute(v, w, xs, bias, y1); MatVec.Compute(KernelVariant.Scalar, w, xs, bias, y2);
            results.Add(Compare("MatVec", v, y1, y2, FloatTolerance));

            y1 = new float[Cols]; y2 = new float[Cols];
            MatVecTransposed.Compute(v, w, bias, y1); MatVecTransposed.Compute(KernelVariant.Scalar, w, bias, y2);
            results.Add(Compare("MatVecTransposed", v, y1, y2, FloatTolerance));

            y1 = new float[M * N]; y2 = new float[M * N];
            MatMul.Compute(v, a.AsSpan(1, M * K), b.AsSpan(0, K * N), y1, M, K, N);
            MatMul.Compute(KernelVariant.Scalar, a.AsSpan(1, M * K), b.AsSpan(0, K * N), y2, M, K, N);
            results.Add(Compare("MatMul", v, y1, y2, FloatTolerance));
            MatMul.ComputeTransposedB(v, a.AsSpan(1, M * K), b.AsSpan(0, N * K), y1, M, K, N);
            MatMul.ComputeTransposedB(KernelVariant.Scalar, a.AsSpan(1, M * K), b.AsSpan(0, N * K), y2, M, K, N);
            results.Add(Compare("MatMulTransposedB", v, y1, y2, FloatTolerance));

            ReadOnlySpan<float> bs = big.AsSpan(1, Cols);
            y1 = new float[Cols]; y2 = new float[Cols];
            Softmax.Compute(v, bs, y1); Softmax.Compute(KernelVariant.Scalar, bs, y2);
            results.Add(Compare("Softmax", v, y1, y2, FloatTolerance));
            float s1 = Softmax.ShiftedExp(v, bs, 3f, y1), s2 = Softmax.ShiftedExp(KernelVariant.Scalar, bs, 3f, y2);
            results.Add(Compare("Softmax.ShiftedExp", v, [.. y1, s1], [.. y2, s2], FloatTolerance));

            LayerNorm.Compute(v, bs, w[..Cols], b.AsSpan(3, Cols), 1e-5f, y1);
            LayerNorm.Compute(KernelVariant.Scalar, bs, w[..Cols], b.AsSpan(3, Cols), 1e-5f, y2);
            results.Add(Compare("LayerNorm", v, y1, y2, FloatTolerance));

            Activation.Gelu(v, bs, y1); Activation.Gelu(KernelVariant.Scalar, bs, y2);
            results.Add(Compare("Gelu", v, y1, y2, 1e-6));
            Activation.Relu(v, bs, y1); Activation.Relu(KernelVariant.Scalar, bs, y2);
            results.Add(Compare("Relu", v, y1, y2, 0));

            VecMatFloat32(results, v, a, x, y1, y2);
            f64.Check(results, v);
            front.Check(results, v, big);
        }

        foreach (KernelVariant v in KernelDispatch.AvailableInt8)
        {
            if (v == KernelVariant.Scalar) continue;
            sbyte[] q1 = new sbyte[Rows * Cols], q2 = new sbyte[Rows * Cols];
            float[] sc1 = new float[Rows], sc2 = new float[Rows];
            Quantize.Weights(v, w, Rows, Cols, q1, sc1); Quantize.Weights(KernelVariant.Scalar, w, Rows, Cols, q2, sc2);
            results.Add(CompareExact("Quantize.Weights", v, q1, q2, sc1, sc2));

            sbyte[] qx1 = new sbyte[Cols], qx2 = new sbyte[Cols];
            float sx1 = Quantize.Vector(v, big.AsSpan(1, Cols), qx1), sx2 = Quantize.Vector(KernelVariant.Scalar, big.AsSpan(1, Cols), qx2);
            results.Add(CompareExact("Quantize.Vector", v, qx1, qx2, [sx1], [sx2]));

            int d1 = DotI8.Compute(v, q2.AsSpan(1, Cols), qx2), d2 = DotI8.Compute(KernelVariant.Scalar, q2.AsSpan(1, Cols), qx2);
            results.Add(new KernelCheckResult("DotI8", v, Math.Abs((double)d1 - d2), 0, d1 == d2));

            float[] y1 = new float[Rows], y2 = new float[Rows];
            MatVecI8.Compute(v, q2, sc2, qx2, sx2, bias, y1); MatVecI8.Compute(KernelVariant.Scalar, q2, sc2, qx2, sx2, bias, y2);
            results.Add(CompareExact("MatVecI8", v, [], [], y1, y2));
            int[] rowSums = new int[Rows];
            MatVecI8.RowSums(q2, Cols, rowSums);
            MatVecI8.Compute(v, q2, sc2, rowSums, qx2, sx2, bias, y1);
            results.Add(CompareExact("MatVecI8+rowsums", v, [], [], y1, y2));
        }
        return results;
    }

    /// <summary>
    /// Float32 VecMat, y = xᵀW with W [29, 19] (column groups of 4 or 8 plus a tail of 3, rows 4k + 1), and the block
    /// form with W [3 blocks, 7, 11]; the float64 copy yWide must be y widened (compared as float, exact).
    /// y1, y2: scratch of ≥ 33 floats.
    /// </summary>
    private static void VecMatFloat32(List<KernelCheckResult> results, KernelVariant v, float[] w, float[] x, float[] y1, float[] y2)
    {
        const int R = 29, C = 19, Blocks = 3, BR = 7, BC = 11;
        Span<double> wide = stackalloc double[Blocks * BC];
        Span<float> both1 = stackalloc float[2 * Blocks * BC], both2 = stackalloc float[2 * Blocks * BC];

        VecMat.Compute(v, w.AsSpan(1, R * C), x.AsSpan(1, R), y1.AsSpan(0, C), wide[..C]);
        VecMat.Compute(KernelVariant.Scalar, w.AsSpan(1, R * C), x.AsSpan(1, R), y2.AsSpan(0, C), default);
        results.Add(Compare("VecMat.f32", v, WithWide(y1.AsSpan(0, C), wide[..C], both1), WithWide(y2.AsSpan(0, C), default, both2), FloatTolerance));

        int n = Blocks * BC;
        VecMat.ComputeBlocks(v, w.AsSpan(1, Blocks * BR * BC), x.AsSpan(1, Blocks * BR), y1.AsSpan(0, n), wide, Blocks);
        VecMat.ComputeBlocks(KernelVariant.Scalar, w.AsSpan(1, Blocks * BR * BC), x.AsSpan(1, Blocks * BR), y2.AsSpan(0, n), default, Blocks);
        results.Add(Compare("VecMat.Blocks.f32", v, WithWide(y1.AsSpan(0, n), wide, both1), WithWide(y2.AsSpan(0, n), default, both2), FloatTolerance));
    }

    /// <summary>[y, (float)yWide] (yWide empty: [y, y]), so a wrong float64 copy shows as an error.</summary>
    private static ReadOnlySpan<float> WithWide(ReadOnlySpan<float> y, ReadOnlySpan<double> yWide, Span<float> both)
    {
        y.CopyTo(both);
        for (int i = 0; i < y.Length; i++) both[y.Length + i] = yWide.IsEmpty ? y[i] : (float)yWide[i];
        return both[..(2 * y.Length)];
    }

    /// <summary>
    /// Inputs and scratch of the float64 kernels of the continual attention step, made once per <see cref="RunAll"/>
    /// (a few kB): sizes are odd and every input view starts one element into its array.
    /// </summary>
    private sealed class Float64Data
    {
        private const int Len = 37, Blocks = 3, Seg = 13;   // element-wise length; block kernels: 3 blocks of 13
        private const int Rows = 13, Cols = 11;              // VecMat float64 [13, 11]
        private const int BRows = 5, BCols = 7;              // VecMat blocks [3, 5, 7]
        private const int SRows = 9, SCols = 5, Stride = 11; // strided VecMat: 5 of every 11 columns, 9 rows
        private const int RM = 5, RD = 13, BM = 2, BD = 7;   // Rank2Update [5, 13]; blocks of 2 rows × 7
        private const int Slots = 13;                        // ShiftedTerms rows

        private readonly double[] w, x, pos, wide, expArgs, acc;
        private readonly double[] slide;                     // s, then the 8 state spans of ShiftedTerms, Slots each
        private readonly double[] y1 = new double[8 * Slots + 1], y2 = new double[8 * Slots + 1];
        private readonly float[] narrow1 = new float[Len], narrow2 = new float[Len];

        public Float64Data(Random rng)
        {
            w = Doubles(rng, 1 + Rows * Cols, -1, 1);
            x = Doubles(rng, 1 + Blocks * Seg, -1, 1);
            pos = Doubles(rng, 1 + Blocks * BCols, 0.5, 2);                      // divisors, scales, factors
            wide = Doubles(rng, 1 + Blocks * Seg, -30, 30);                      // softmax scores (≥ Len)
            expArgs = Doubles(rng, 1 + Len, -40, 0);
            expArgs[2] = 0; expArgs[3] = -800;                                   // exp(0) = 1, underflow to 0
            acc = Doubles(rng, 1 + RM * RD, -1, 1);
            for (int j = 1; j < 1 + BM * Blocks; j += 2) pos[j] = 1.0;           // rows whose shift did not move (f = 1)

            // ShiftedTerms state (class summary): s in [−3, 3], shift c in [−1, 2], φ in [1, 5], peak ≥ φ, cached term
            // in [0, 1] with its shift at or below c; row 4's leaving term nearly equals φ (cancellation).
            slide = new double[1 + 9 * Slots];
            for (int j = 0; j < Slots; j++)
            {
                double c = -1 + 3 * rng.NextDouble(), phi = 1 + 4 * rng.NextDouble();
                slide[1 + j] = -3 + 6 * rng.NextDouble();
                slide[1 + Slots + j] = c;
                slide[1 + 2 * Slots + j] = phi;
                slide[1 + 3 * Slots + j] = phi * (1 + rng.NextDouble());
                slide[1 + 4 * Slots + j] = j == 4 ? phi * 0.99999 : rng.NextDouble();
                slide[1 + 5 * Slots + j] = j % 3 == 0 ? c - rng.NextDouble() : c;
            }
        }

        public void Check(List<KernelCheckResult> results, KernelVariant v)
        {
            const KernelVariant S = KernelVariant.Scalar;

            // VecMat float64: y[j] = 0.75·(Σ_i x[i]·W[i, j]) / divisor[j].
            VecMat.Compute(v, w.AsSpan(1, Rows * Cols), x.AsSpan(1, Rows), 0.75, pos.AsSpan(1, Cols), y1.AsSpan(0, Cols));
            VecMat.Compute(S, w.AsSpan(1, Rows * Cols), x.AsSpan(1, Rows), 0.75, pos.AsSpan(1, Cols), y2.AsSpan(0, Cols));
            results.Add(Compare("VecMat.f64", v, y1.AsSpan(0, Cols), y2.AsSpan(0, Cols), Float64Tolerance));

            // Strided: row i of W at w[i·11], its first 5 elements.
            int need = (SRows - 1) * Stride + SCols;
            VecMat.Compute(v, w.AsSpan(1, need), Stride, x.AsSpan(1, SRows), y1.AsSpan(0, SCols));
            VecMat.Compute(S, w.AsSpan(1, need), Stride, x.AsSpan(1, SRows), y2.AsSpan(0, SCols));
            results.Add(Compare("VecMat.Strided.f64", v, y1.AsSpan(0, SCols), y2.AsSpan(0, SCols), Float64Tolerance));

            // Blocks: W [3, 5, 7], x [3, 5], scales [3], divisor [3·7].
            int by = Blocks * BCols;
            VecMat.ComputeBlocks(v, w.AsSpan(1, Blocks * BRows * BCols), x.AsSpan(1, Blocks * BRows), pos.AsSpan(1, Blocks), pos.AsSpan(1, by), y1.AsSpan(0, by), Blocks);
            VecMat.ComputeBlocks(S, w.AsSpan(1, Blocks * BRows * BCols), x.AsSpan(1, Blocks * BRows), pos.AsSpan(1, Blocks), pos.AsSpan(1, by), y2.AsSpan(0, by), Blocks);
            results.Add(Compare("VecMat.Blocks.f64", v, y1.AsSpan(0, by), y2.AsSpan(0, by), Float64Tolerance));

            // Rank2Update: acc [5, 13], row j ← f_j·acc_j + a_j·x − b_j·y (f: pos, some exactly 1).
            Span<double> acc1 = y1.AsSpan(0, RM * RD), acc2 = y2.AsSpan(0, RM * RD);
            acc.AsSpan(1, RM * RD).CopyTo(acc1); acc.AsSpan(1, RM * RD).CopyTo(acc2);
            Rank2Update.Compute(v, acc1, pos.AsSpan(1, RM), w.AsSpan(1, RM), x.AsSpan(1, RD), w.AsSpan(7, RM), x.AsSpan(14, RD));
            Rank2Update.Compute(S, acc2, pos.AsSpan(1, RM), w.AsSpan(1, RM), x.AsSpan(1, RD), w.AsSpan(7, RM), x.AsSpan(14, RD));
            results.Add(Compare("Rank2Update", v, acc1, acc2, Float64Tolerance));

            // Rank2Update blocks: 3 blocks of 2 rows × 7, x and y [3 × 7].
            int rows = Blocks * BM;
            acc1 = y1.AsSpan(0, rows * BD); acc2 = y2.AsSpan(0, rows * BD);
            acc.AsSpan(1, rows * BD).CopyTo(acc1); acc.AsSpan(1, rows * BD).CopyTo(acc2);
            Rank2Update.ComputeBlocks(v, acc1, pos.AsSpan(1, rows), w.AsSpan(1, rows), x.AsSpan(1, Blocks * BD), w.AsSpan(9, rows), x.AsSpan(17, Blocks * BD), Blocks);
            Rank2Update.ComputeBlocks(S, acc2, pos.AsSpan(1, rows), w.AsSpan(1, rows), x.AsSpan(1, Blocks * BD), w.AsSpan(9, rows), x.AsSpan(17, Blocks * BD), Blocks);
            results.Add(Compare("Rank2Update.Blocks", v, acc1, acc2, Float64Tolerance));

            // Exp64: y = exp(x), x ≤ 0.
            Exp64.NonPositive(v, expArgs.AsSpan(1, Len), y1.AsSpan(0, Len));
            Exp64.NonPositive(S, expArgs.AsSpan(1, Len), y2.AsSpan(0, Len));
            results.Add(Compare("Exp64.NonPositive", v, y1.AsSpan(0, Len), y2.AsSpan(0, Len), Exp64Tolerance));

            // Softmax numerators exp(0.3·x − 0.3·max x) and their sum (last element).
            y1[Len] = Softmax.ExpMaxShifted(v, wide.AsSpan(1, Len), 0.3, y1.AsSpan(0, Len));
            y2[Len] = Softmax.ExpMaxShifted(S, wide.AsSpan(1, Len), 0.3, y2.AsSpan(0, Len));
            results.Add(Compare("Softmax.ExpMaxShifted", v, y1.AsSpan(0, Len + 1), y2.AsSpan(0, Len + 1), Exp64Tolerance));

            // Blocks: 3 segments of 13, sums after the rows.
            int n = Blocks * Seg;
            Softmax.ExpMaxShiftedBlocks(v, wide.AsSpan(1, n), 0.3, y1.AsSpan(0, n), y1.AsSpan(n, Blocks));
            Softmax.ExpMaxShiftedBlocks(S, wide.AsSpan(1, n), 0.3, y2.AsSpan(0, n), y2.AsSpan(n, Blocks));
            results.Add(Compare("Softmax.ExpMaxShiftedBlocks", v, y1.AsSpan(0, n + Blocks), y2.AsSpan(0, n + Blocks), Exp64Tolerance));

            // ShiftedTerms.Slide: the 8 state spans (updated in place) and the outcome flags (must be equal).
            SlideOutcome o1 = Slide(v, y1), o2 = Slide(S, y2);
            KernelCheckResult slideCheck = Compare("ShiftedTerms.Slide", v, y1.AsSpan(1, 8 * Slots), y2.AsSpan(1, 8 * Slots), Exp64Tolerance);
            results.Add(o1 == o2 ? slideCheck : slideCheck with { MaxError = Math.Max(slideCheck.MaxError, 1), Passed = false });

            // Precision: widen (exact), widen-and-add (exact: one rounding of the same sum), narrow (round to nearest).
            float[] xf = narrow2;                                                // source row here; Narrow's output below
            for (int i = 0; i < Len; i++) xf[i] = (float)wide[1 + i];
            Precision.Widen(v, xf.AsSpan(1, Len - 1), y1.AsSpan(0, Len - 1), add: false);
            Precision.Widen(S, xf.AsSpan(1, Len - 1), y2.AsSpan(0, Len - 1), add: false);
            acc.AsSpan(1, Len - 1).CopyTo(y1.AsSpan(Len - 1)); acc.AsSpan(1, Len - 1).CopyTo(y2.AsSpan(Len - 1));
            Precision.Widen(v, xf.AsSpan(1, Len - 1), y1.AsSpan(Len - 1, Len - 1), add: true);
            Precision.Widen(S, xf.AsSpan(1, Len - 1), y2.AsSpan(Len - 1, Len - 1), add: true);
            results.Add(CompareExact("Precision.Widen", v, y1.AsSpan(0, 2 * Len - 2), y2.AsSpan(0, 2 * Len - 2)));

            Precision.Narrow(v, wide.AsSpan(1, Len), narrow1);
            Precision.Narrow(S, wide.AsSpan(1, Len), narrow2);
            results.Add(CompareExact("Precision.Narrow", v, [], [], narrow1, narrow2));
        }

        /// <summary>ShiftedTerms.Slide on a fresh copy of the state in y[1 …] (the arriving scores stay in slide).</summary>
        private SlideOutcome Slide(KernelVariant v, double[] y)
        {
            slide.AsSpan(1 + Slots, 6 * Slots).CopyTo(y.AsSpan(1));
            y.AsSpan(1 + 6 * Slots, 2 * Slots).Clear();
            Span<double> st = y.AsSpan(1, 8 * Slots);
            return ShiftedTerms.Slide(v, slide.AsSpan(1, Slots), st[..Slots], st.Slice(Slots, Slots), st.Slice(2 * Slots, Slots), st.Slice(3 * Slots, Slots),
                st.Slice(4 * Slots, Slots), st.Slice(5 * Slots, Slots), st.Slice(6 * Slots, Slots), st.Slice(7 * Slots, Slots), 1e-4);
        }
    }

    /// <summary>
    /// Inputs of the audio front end and the finite scan: a 64-sample real frame (RealFft tables built once), a mel
    /// filterbank of 9 bands of widths 0 … 19 over 65 power bins, a 37-value row with NaN/∞ placed in turn.
    /// </summary>
    private sealed class FrontEndData
    {
        private const int FftLength = 64, Bins = FftLength / 2 + 1, Len = 37;
        private static readonly int[] Widths = [0, 1, 3, 7, 9, 17, 19, 12, 5];

        private readonly double[] frame, twiddles = new double[RealFft.TwiddleLength(FftLength)], re = new double[FftLength / 2], im = new double[FftLength / 2];
        private readonly int[] bitReverse = new int[RealFft.BitReverseLength(FftLength)], firstBin = new int[Widths.Length], offsets = new int[Widths.Length + 1];
        private readonly float[] power1 = new float[Bins], power2 = new float[Bins], melWeights, row = new float[1 + Len];

        public FrontEndData(Random rng)
        {
            frame = Doubles(rng, 1 + FftLength, -1, 1);
            RealFft.BuildTables(FftLength, twiddles, bitReverse);
            for (int b = 0; b < Widths.Length; b++)
            {
                offsets[b + 1] = offsets[b] + Widths[b];
                firstBin[b] = rng.Next(0, Bins - Widths[b] + 1);
            }
            melWeights = Data(rng, 1 + offsets[^1], 1f);
            for (int i = 0; i < melWeights.Length; i++) melWeights[i] = Math.Abs(melWeights[i]);
        }

        public void Check(List<KernelCheckResult> results, KernelVariant v, float[] data)
        {
            const KernelVariant S = KernelVariant.Scalar;

            // RealFft: P[j] = |X[j]|², j = 0 … 32, of the 64 samples.
            RealFft.PowerSpectrum(v, frame.AsSpan(1, FftLength), twiddles, bitReverse, re, im, power1);
            RealFft.PowerSpectrum(S, frame.AsSpan(1, FftLength), twiddles, bitReverse, re, im, power2);
            results.Add(Compare("RealFft", v, power1, power2, RealFftTolerance));

            // MelFilterbank on that spectrum (non-negative power and weights, as in the front end).
            Span<float> e1 = stackalloc float[Widths.Length], e2 = stackalloc float[Widths.Length];
            MelFilterbank.Apply(v, power2, melWeights.AsSpan(1), firstBin, offsets, e1);
            MelFilterbank.Apply(S, power2, melWeights.AsSpan(1), firstBin, offsets, e2);
            results.Add(Compare("MelFilterbank", v, e1, e2, FloatTolerance));

            // Finite: first non-finite index of a finite row, then with NaN at 29, +∞ at 17, −∞ at 2 (each earlier).
            // AllWithin: bound above, at and below max |x|, then with the NaN.
            data.AsSpan(0, 1 + Len).CopyTo(row);
            Span<float> view = row.AsSpan(1, Len);
            float max = 0;
            foreach (float t in view) max = Math.Max(max, Math.Abs(t));
            Span<int> i1 = stackalloc int[4], i2 = stackalloc int[4];
            Span<float> b1 = stackalloc float[4], b2 = stackalloc float[4];
            b1[0] = Finite.AllWithin(v, view, max * 2) ? 1 : 0; b2[0] = Finite.AllWithin(S, view, max * 2) ? 1 : 0;
            b1[1] = Finite.AllWithin(v, view, max) ? 1 : 0; b2[1] = Finite.AllWithin(S, view, max) ? 1 : 0;
            b1[2] = Finite.AllWithin(v, view, max * 0.999f) ? 1 : 0; b2[2] = Finite.AllWithin(S, view, max * 0.999f) ? 1 : 0;
            i1[0] = Finite.IndexOfNonFinite(v, view); i2[0] = Finite.IndexOfNonFinite(S, view);
            view[29] = float.NaN;
            i1[1] = Finite.IndexOfNonFinite(v, view); i2[1] = Finite.IndexOfNonFinite(S, view);
            b1[3] = Finite.AllWithin(v, view, float.MaxValue) ? 1 : 0; b2[3] = Finite.AllWithin(S, view, float.MaxValue) ? 1 : 0;
            view[17] = float.PositiveInfinity;
            i1[2] = Finite.IndexOfNonFinite(v, view); i2[2] = Finite.IndexOfNonFinite(S, view);
            view[2] = float.NegativeInfinity;
            i1[3] = Finite.IndexOfNonFinite(v, view); i2[3] = Finite.IndexOfNonFinite(S, view);
            results.Add(CompareExact("Finite.IndexOfNonFinite", v, i1, i2));
            results.Add(CompareExact("Finite.AllWithin", v, [], [], b1, b2));
        }
    }

    private static float[] Data(Random rng, int n, float range)
    {
        var d = new float[n];
        for (int i = 0; i < n; i++) d[i] = (float)((rng.NextDouble() * 2 - 1) * range);
        return d;
    }

    private static double[] Doubles(Random rng, int n, double lo, double hi)
    {
        var d = new double[n];
        for (int i = 0; i < n; i++) d[i] = lo + (hi - lo) * rng.NextDouble();
        return d;
    }

    private static KernelCheckResult Compare(string kernel, KernelVariant v, ReadOnlySpan<float> actual, ReadOnlySpan<float> expected, double tolerance)
    {
        double max = 0;
        bool finite = true;
        for (int i = 0; i < actual.Length; i++)
        {
            finite &= float.IsFinite(actual[i]);
            max = Math.Max(max, Math.Abs((double)actual[i] - expected[i]) / (1 + Math.Abs((double)expected[i])));
        }
        return new KernelCheckResult(kernel, v, max, tolerance, finite && max <= tolerance);
    }

    private static KernelCheckResult Compare(string kernel, KernelVariant v, ReadOnlySpan<double> actual, ReadOnlySpan<double> expected, double tolerance)
    {
        double max = 0;
        bool finite = true;
        for (int i = 0; i < actual.Length; i++)
        {
            finite &= double.IsFinite(actual[i]);
            max = Math.Max(max, Math.Abs(actual[i] - expected[i]) / (1 + Math.Abs(expected[i])));
        }
        return new KernelCheckResult(kernel, v, max, tolerance, finite && max <= tolerance);
    }

    private static KernelCheckResult CompareExact(string kernel, KernelVariant v, ReadOnlySpan<sbyte> q1, ReadOnlySpan<sbyte> q2, ReadOnlySpan<float> f1, ReadOnlySpan<float> f2)
    {
        double max = 0;
        for (int i = 0; i < q1.Length; i++) max = Math.Max(max, Math.Abs(q1[i] - q2[i]));
        bool exact = max == 0;
        for (int i = 0; i < f1.Length; i++)
        {
            exact &= BitConverter.SingleToInt32Bits(f1[i]) == BitConverter.SingleToInt32Bits(f2[i]);
            max = Math.Max(max, Math.Abs((double)f1[i] - f2[i]));
        }
        return new KernelCheckResult(kernel, v, max, 0, exact);
    }

    private static KernelCheckResult CompareExact(string kernel, KernelVariant v, ReadOnlySpan<double> d1, ReadOnlySpan<double> d2)
    {
        double max = 0;
        bool exact = true;
        for (int i = 0; i < d1.Length; i++)
        {
            exact &= BitConverter.DoubleToInt64Bits(d1[i]) == BitConverter.DoubleToInt64Bits(d2[i]);
            max = Math.Max(max, Math.Abs(d1[i] - d2[i]));
        }
        return new KernelCheckResult(kernel, v, max, 0, exact);
    }

    private static KernelCheckResult CompareExact(string kernel, KernelVariant v, ReadOnlySpan<int> i1, ReadOnlySpan<int> i2)
    {
        double max = 0;
        for (int i = 0; i < i1.Length; i++) max = Math.Max(max, Math.Abs((double)i1[i] - i2[i]));
        return new KernelCheckResult(kernel, v, max, 0, max == 0);
    }
}
