using EdgeAttention.Kernels;

namespace EdgeAttention.Kernels.Tests;

/// <summary>
/// The float64 kernels of the continual running sums (Exp64, Softmax.ExpMaxShifted, VecMat, Rank2Update,
/// ShiftedTerms, Precision): every non-scalar variant available here against the scalar reference over every
/// length (0…257 for element-wise kernels; every rows × columns shape up to a few vector widths plus tails for the
/// matrix ones), at misaligned offsets. Tolerances: float64 unit roundoff scaled by the terms, 10⁻¹¹ relative for exp.
/// </summary>
public class Float64KernelTests
{
    private const double Eps64 = 1.0 / (1L << 52);

    private static double[] Doubles(int seed, int n, double lo = -1, double hi = 1, int offset = 0)
    {
        var rng = new Random(seed);
        var a = new double[n + offset];
        for (int i = 0; i < a.Length; i++) a[i] = lo + (hi - lo) * rng.NextDouble();
        return a;
    }

    private static void Close(ReadOnlySpan<double> actual, ReadOnlySpan<double> expected, Func<int, double> tol, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < actual.Length; i++)
        {
            double e = Math.Abs(actual[i] - expected[i]);
            if (!(e <= tol(i)) && !(double.IsNaN(actual[i]) && double.IsNaN(expected[i])))
                Assert.Fail($"{what}: element {i} of {actual.Length}: {actual[i]:R} vs reference {expected[i]:R}, error {e:E3} > tolerance {tol(i):E3}");
        }
    }

    [Theory, MemberData(nameof(TestData.FloatVariants), MemberType = typeof(TestData))]
    public void Exp64MatchesMathExpOverEveryLength(KernelVariant v)
    {
        foreach (int n in TestData.Lengths)
        {
            int off = n % 3;
            double[] x = Doubles(n, n, n % 2 == 0 ? -1 : -750, 0, off);
            if (n > 3) { x[off] = 0; x[off + 1] = double.NegativeInfinity; x[off + 2] = double.NaN; x[off + 3] = -708.5; }
            double[] a = new double[n], b = new double[n];
            Exp64.NonPositive(v, x.AsSpan(off, n), a);
            Exp64.NonPositive(KernelVariant.Scalar, x.AsSpan(off, n), b);
            Close(a, b, i => 1e-11 * b[i] + 1e-300, $"Exp64 {v} n={n}");
            double[] z = x.AsSpan(off, n).ToArray();
            Exp64.NonPositive(v, z, z);                                   // in place
            Close(z, a, _ => 0, $"Exp64 in place {v} n={n}");
        }
    }

    [Fact]
    public void Exp64VectorLanesStayWithin1e11OfMathExp()
    {
        foreach (KernelVariant v in KernelDispatch.AvailableFloat32)
        {
            var rng = new Random(1);
            double[] x = new double[4096], y = new double[4096];
            for (int i = 0; i < x.Length; i++) x[i] = i < 40 ? -i * 0.5 : -rng.NextDouble() * (i % 2 == 0 ? 1 : 708);
            Exp64.NonPositive(v, x, y);
            double worst = 0;
            for (int i = 0; i < x.Length; i++) worst = Math.Max(worst, Math.Abs(y[i] - Math.Exp(x[i])) / Math.Exp(x[i]));
            Assert.True(worst < 1e-11, $"Exp64 {v}: relative error {worst:E2} exceeds 1e-11");
            double[] special = [0, -800, double.NegativeInfinity, double.NaN], s = new double[4];
            Exp64.NonPositive(v, special, s);
            Assert.Equal(1.0, s[0]);
            Assert.Equal(0.0, s[1]);
            Assert.Equal(0.0, s[2]);
            Assert.True(double.IsNaN(s[3]));
        }
    }

    [Theory, MemberData(nameof(TestData.FloatVariants), MemberType = typeof(TestData))]
    public void SoftmaxExpMaxShiftedMatchesScalar(KernelVariant v)
    {
        foreach (int n in TestData.Lengths)
        {
            int off = n % 4;
            double[] x = Doubles(n + 3, n, -30, 30, off), a = new double[n], b = new double[n];
            double sa = Softmax.ExpMaxShifted(v, x.AsSpan(off, n), 0.3, a);
            double sb = Softmax.ExpMaxShifted(KernelVariant.Scalar, x.AsSpan(off, n), 0.3, b);
            Close(a, b, i => 1e-11 * b[i], $"Softmax.ExpMaxShifted {v} n={n}");
            Assert.True(Math.Abs(sa - sb) <= (n + 4) * 1e-11 * sb, $"Softmax.ExpMaxShifted {v} n={n}: sum {sa} vs {sb}");
            if (n > 0) Assert.Contains(1.0, b);                            // the max term is exp(0)
            double[] z = x.AsSpan(off, n).ToArray();
            Assert.Equal(sa, Softmax.ExpMaxShifted(v, z, 0.3, z));       // in place
        }
    }

    [Theory, MemberData(nameof(TestData.FloatVariants), MemberType = typeof(TestData))]
    public void VecMatFloat32MatchesScalarAndWidensExactly(KernelVariant v)
    {
        for (int rows = 0; rows <= 37; rows++)
        {
            for (int cols = 0; cols <= 35; cols++)
            {
                float[] w = TestData.Floats(rows * 100 + cols, rows * cols, offset: 1), x = TestData.Floats(cols + 7, rows, offset: 2);
                float[] a = new float[cols], b = new float[cols];
                double[] aw = new double[cols];
                VecMat.Compute(v, w.AsSpan(1), x.AsSpan(2), a, aw);
                VecMat.Compute(KernelVariant.Scalar, w.AsSpan(1), x.AsSpan(2), b, default);
                TestData.Close(a, b, j =>
                {
                    double abs = 0;
                    for (int i = 0; i < rows; i++) abs += Math.Abs((double)x[2 + i] * w[1 + i * cols + j]);
                    return 2 * TestData.SumTolerance(rows, abs);
                }, $"VecMat float32 {v} {rows}x{cols}");
                for (int j = 0; j < cols; j++) Assert.Equal((double)a[j], aw[j]);
            }
        }
    }

    [Theory, MemberData(nameof(TestData.FloatVariants), MemberType = typeof(TestData))]
    public void VecMatFloat64MatchesScalarWithScaleAndDivisor(KernelVariant v)
    {
        for (int rows = 0; rows <= 21; rows++)
        {
            for (int cols = 0; cols <= 19; cols++)
            {
                double[] w = Doubles(rows * 100 + cols, rows * cols, offset: 1), x = Doubles(cols + 5, rows, offset: 3);
                double[] div = Doubles(rows + 11, cols, 0.5, 2), a = new double[cols], b = new double[cols];
                foreach (bool divide in new[] { false, true })
                {
                    ReadOnlySpan<double> d = divide ? div : default;
                    VecMat.Compute(v, w.AsSpan(1), x.AsSpan(3), 0.75, d, a);
                    VecMat.Compute(KernelVariant.Scalar, w.AsSpan(1), x.AsSpan(3), 0.75, d, b);
                    Close(a, b, j =>
                    {
                        double abs = 0;
                        for (int i = 0; i < rows; i++) abs += Math.Abs(x[3 + i] * w[1 + i * cols + j]);
                        return (rows + 6) * Eps64 * abs * 2 + 1e-300;
                    }, $"VecMat float64 {v} {rows}x{cols} divide={divide}");
                }
            }
        }
    }

    [Theory, MemberData(nameof(TestData.FloatVariants), MemberType = typeof(TestData))]
    public void Rank2UpdateMatchesScalarWithAndWithoutFactors(KernelVariant v)
    {
        for (int m = 0; m <= 10; m++)
        {
            for (int d = 0; d <= 37; d++)
            {
                double[] x = Doubles(d, d, offset: 1), y = Doubles(d + 50, d, offset: 2), a = Doubles(m, m), b = Doubles(m + 9, m);
                double[] f = Doubles(m + 3, m, 0, 1);
                for (int j = 0; j < m; j += 2) f[j] = 1.0;                   // rows whose shift did not move
                foreach (bool factors in new[] { false, true })
                {
                    double[] acc1 = Doubles(m * 64 + d, m * d), acc2 = (double[])acc1.Clone(), before = (double[])acc1.Clone();
                    ReadOnlySpan<double> fs = factors ? f : default;
                    Rank2Update.Compute(v, acc1, fs, a, x.AsSpan(1), b, y.AsSpan(2));
                    Rank2Update.Compute(KernelVariant.Scalar, acc2, fs, a, x.AsSpan(1), b, y.AsSpan(2));
                    Close(acc1, acc2, k =>
                    {
                        int j = k / d, c = k % d;
                        double fj = factors ? f[j] : 1;
                        return 4 * Eps64 * (Math.Abs(fj * before[k]) + Math.Abs(a[j] * x[1 + c]) + Math.Abs(b[j] * y[2 + c]));
                    }, $"Rank2Update {v} m={m} d={d} factors={factors}");
                }
            }
        }
    }

    [Theory, MemberData(nameof(TestData.FloatVariants), MemberType = typeof(TestData))]
    public void ShiftedTermsSlideMatchesScalar(KernelVariant v)
    {
        for (int m = 0; m <= 21; m++)
        {
            for (int seed = 0; seed < 6; seed++)
            {
                var rng = new Random(m * 10 + seed);
                double[] State(double lo, double hi) { var a = new double[m]; for (int j = 0; j < m; j++) a[j] = lo + (hi - lo) * rng.NextDouble(); return a; }
                double[] s = State(-3, 3), shift = State(-1, 2), phi = State(1, 5), peak = new double[m], ke = State(0, 1), kc = (double[])shift.Clone();
                for (int j = 0; j < m; j++)
                {
                    peak[j] = phi[j] * (1 + rng.NextDouble());
                    if (rng.Next(3) == 0) kc[j] -= rng.NextDouble();             // cached before the shift moved
                    if (seed == 5 && j % 3 == 0) ke[j] = phi[j] * 0.99999;       // a dominant leaving key: cancellation
                }
                double[][] st1 = [shift, phi, peak, ke, kc, new double[m], new double[m], new double[m]];
                double[][] st2 = st1.Select(a => (double[])a.Clone()).ToArray();
                SlideOutcome o1 = ShiftedTerms.Slide(v, s, st1[0], st1[1], st1[2], st1[3], st1[4], st1[5], st1[6], st1[7], 1e-4);
                SlideOutcome o2 = ShiftedTerms.Slide(KernelVariant.Scalar, s, st2[0], st2[1], st2[2], st2[3], st2[4], st2[5], st2[6], st2[7], 1e-4);
                Assert.Equal(o2, o1);
                string[] names = ["shift", "phi", "peak", "termCache", "shiftCache", "leaving", "factor", "arriving"];
                // A leaving term is a product of up to two vector exps (10⁻¹¹ each); φ also carries the peak's size.
                for (int k = 0; k < st1.Length; k++)
                {
                    double[] e = st2[k];
                    Close(st1[k], e, j => 3e-11 * (Math.Abs(e[j]) + (k == 1 ? peak[j] * 4 : 0)), $"ShiftedTerms {v} m={m} seed={seed} {names[k]}");
                }
            }
        }
    }

    /// <summary>The block (all-heads) kernels against the scalar reference and, per block, against the single-block call.</summary>
    private static readonly (int Blocks, int Rows, int Cols)[] BlockShapes =
        [(1, 0, 3), (1, 5, 0), (1, 8, 8), (2, 3, 5), (3, 12, 8), (3, 8, 12), (4, 7, 6), (5, 5, 7), (16, 12, 8), (16, 8, 12), (7, 9, 11), (2, 16, 17)];

    [Theory, MemberData(nameof(TestData.FloatVariants), MemberType = typeof(TestData))]
    public void VecMatBlocksFloat32MatchScalarAndTheSingleBlockKernel(KernelVariant v)
    {
        foreach ((int blocks, int rows, int cols) in BlockShapes)
        {
            float[] w = TestData.Floats(blocks * 1000 + rows * 10 + cols, blocks * rows * cols, offset: 1), x = TestData.Floats(cols + 7, blocks * rows, offset: 2);
            float[] a = new float[blocks * cols], b = new float[blocks * cols], one = new float[cols];
            double[] aw = new double[blocks * cols];
            VecMat.ComputeBlocks(v, w.AsSpan(1), x.AsSpan(2), a, aw, blocks);
            VecMat.ComputeBlocks(KernelVariant.Scalar, w.AsSpan(1), x.AsSpan(2), b, default, blocks);
            TestData.Close(a, b, k =>
            {
                int g = k / Math.Max(cols, 1), j = k % Math.Max(cols, 1);
                double abs = 0;
                for (int i = 0; i < rows; i++) abs += Math.Abs((double)x[2 + g * rows + i] * w[1 + g * rows * cols + i * cols + j]);
                return 2 * TestData.SumTolerance(rows, abs);
            }, $"VecMat.ComputeBlocks float32 {v} {blocks}x{rows}x{cols}");
            for (int k = 0; k < a.Length; k++) Assert.Equal((double)a[k], aw[k]);
            for (int g = 0; g < blocks; g++)
            {
                VecMat.Compute(v, w.AsSpan(1 + g * rows * cols, rows * cols), x.AsSpan(2 + g * rows, rows), one, default);
                TestData.BitEqual(a.AsSpan(g * cols, cols).ToArray(), one, $"VecMat.ComputeBlocks float32 {v} {blocks}x{rows}x{cols} block {g} vs Compute");
            }
        }
    }

    [Theory, MemberData(nameof(TestData.FloatVariants), MemberType = typeof(TestData))]
    public void VecMatBlocksFloat64MatchScalarAndTheSingleBlockKernel(KernelVariant v)
    {
        foreach ((int blocks, int rows, int cols) in BlockShapes)
        {
            double[] w = Doubles(blocks * 1000 + rows * 10 + cols, blocks * rows * cols, offset: 1), x = Doubles(cols + 5, blocks * rows, offset: 3);
            double[] div = Doubles(rows + 11, blocks * cols, 0.5, 2), scales = Doubles(blocks, blocks, 0.5, 2);
            double[] a = new double[blocks * cols], b = new double[blocks * cols], one = new double[cols];
            foreach ((bool scaled, bool divide) in new[] { (false, false), (true, false), (false, true), (true, true) })
            {
                ReadOnlySpan<double> d = divide ? div : default, sc = scaled ? scales : default;
                VecMat.ComputeBlocks(v, w.AsSpan(1), x.AsSpan(3), sc, d, a, blocks);
                VecMat.ComputeBlocks(KernelVariant.Scalar, w.AsSpan(1), x.AsSpan(3), sc, d, b, blocks);
                Close(a, b, k =>
                {
                    int g = k / Math.Max(cols, 1), j = k % Math.Max(cols, 1);
                    double abs = 0;
                    for (int i = 0; i < rows; i++) abs += Math.Abs(x[3 + g * rows + i] * w[1 + g * rows * cols + i * cols + j]);
                    return (rows + 6) * Eps64 * abs * 2 * (scaled ? scales[g] : 1) / (divide ? div[k] : 1) + 1e-300;
                }, $"VecMat.ComputeBlocks float64 {v} {blocks}x{rows}x{cols} scaled={scaled} divide={divide}");
                for (int g = 0; g < blocks; g++)
                {
                    VecMat.Compute(v, w.AsSpan(1 + g * rows * cols, rows * cols), x.AsSpan(3 + g * rows, rows), scaled ? scales[g] : 1.0,
                        divide ? div.AsSpan(g * cols, cols) : default, one);
                    Assert.Equal(one, a.AsSpan(g * cols, cols).ToArray());
                }
            }
        }
    }

    [Theory, MemberData(nameof(TestData.FloatVariants), MemberType = typeof(TestData))]
    public void Rank2UpdateBlocksMatchScalarAndTheSingleBlockKernel(KernelVariant v)
    {
        foreach ((int blocks, int m, int d) in BlockShapes)
        {
            int rows = blocks * m;
            double[] x = Doubles(d, blocks * d, offset: 1), y = Doubles(d + 50, blocks * d, offset: 2), a = Doubles(m, rows), b = Doubles(m + 9, rows);
            double[] f = Doubles(m + 3, rows, 0, 1);
            for (int j = 0; j < rows; j += 2) f[j] = 1.0;                   // rows whose shift did not move
            foreach (bool factors in new[] { false, true })
            {
                double[] acc1 = Doubles(rows * 64 + d, rows * d), acc2 = (double[])acc1.Clone(), before = (double[])acc1.Clone();
                ReadOnlySpan<double> fs = factors ? f : default;
                Rank2Update.ComputeBlocks(v, acc1, fs, a, x.AsSpan(1), b, y.AsSpan(2), blocks);
                Rank2Update.ComputeBlocks(KernelVariant.Scalar, acc2, fs, a, x.AsSpan(1), b, y.AsSpan(2), blocks);
                Close(acc1, acc2, k =>
                {
                    int r = k / d, c = k % d, g = r / m;
                    double fr = factors ? f[r] : 1;
                    return 4 * Eps64 * (Math.Abs(fr * before[k]) + Math.Abs(a[r] * x[1 + g * d + c]) + Math.Abs(b[r] * y[2 + g * d + c]));
                }, $"Rank2Update.ComputeBlocks {v} {blocks}x{m}x{d} factors={factors}");
                for (int g = 0; g < blocks; g++)
                {
                    double[] one = before.AsSpan(g * m * d, m * d).ToArray();
                    Rank2Update.Compute(v, one, factors ? f.AsSpan(g * m, m) : default, a.AsSpan(g * m, m), x.AsSpan(1 + g * d, d), b.AsSpan(g * m, m), y.AsSpan(2 + g * d, d));
                    Assert.Equal(one, acc1.AsSpan(g * m * d, m * d).ToArray());
                }
            }
            // f given with every f_r = 1 gives the bits of f empty.
            double[] ones = Enumerable.Repeat(1.0, rows).ToArray(), acc3 = Doubles(rows * 64 + d, rows * d), acc4 = (double[])acc3.Clone();
            Rank2Update.ComputeBlocks(v, acc3, ones, a, x.AsSpan(1), b, y.AsSpan(2), blocks);
            Rank2Update.ComputeBlocks(v, acc4, default, a, x.AsSpan(1), b, y.AsSpan(2), blocks);
            Assert.Equal(acc4, acc3);
        }
    }

    [Theory, MemberData(nameof(TestData.FloatVariants), MemberType = typeof(TestData))]
    public void SoftmaxExpMaxShiftedBlocksMatchScalarAndTheSingleRowKernel(KernelVariant v)
    {
        foreach ((int blocks, int len, _) in BlockShapes)
        {
            double[] x = Doubles(blocks * 31 + len, blocks * len, -30, 30, 1), a = new double[blocks * len], b = new double[blocks * len];
            double[] sa = new double[blocks], sb = new double[blocks];
            Softmax.ExpMaxShiftedBlocks(v, x.AsSpan(1), 0.3, a, sa);
            Softmax.ExpMaxShiftedBlocks(KernelVariant.Scalar, x.AsSpan(1), 0.3, b, sb);
            Close(a, b, i => 1e-11 * b[i], $"Softmax.ExpMaxShiftedBlocks {v} {blocks}x{len}");
            Close(sa, sb, g => (len + 4) * 1e-11 * sb[g], $"Softmax.ExpMaxShiftedBlocks sums {v} {blocks}x{len}");
            for (int g = 0; g < blocks; g++)
            {
                double[] one = new double[len];
                Assert.Equal(Softmax.ExpMaxShifted(v, x.AsSpan(1 + g * len, len), 0.3, one), sa[g]);
                Assert.Equal(one, a.AsSpan(g * len, len).ToArray());
            }
            double[] z = x.AsSpan(1).ToArray(), sz = new double[blocks];
            Softmax.ExpMaxShiftedBlocks(v, z, 0.3, z, sz);                 // in place
            Assert.Equal(a, z);
            Assert.Equal(sa, sz);
        }
    }

    [Theory, MemberData(nameof(TestData.FloatVariants), MemberType = typeof(TestData))]
    public void VecMatStridedMatchesTheWindowCopiedOut(KernelVariant v)
    {
        foreach ((int rows, int cols, int stride) in new[] { (0, 3, 5), (1, 0, 4), (7, 5, 5), (120, 12, 192), (9, 11, 23), (16, 8, 8), (13, 3, 40) })
        {
            double[] w = Doubles(rows * 7 + cols, rows == 0 ? 2 : (rows - 1) * stride + cols + 2), x = Doubles(cols + 3, rows, offset: 1);
            double[] a = new double[cols], b = new double[cols], r = new double[cols], window = new double[rows * cols];
            for (int i = 0; i < rows; i++) w.AsSpan(1 + i * stride, cols).CopyTo(window.AsSpan(i * cols, cols));
            VecMat.Compute(v, w.AsSpan(1), stride, x.AsSpan(1), a);
            VecMat.Compute(v, window, x.AsSpan(1), 1.0, default, b);
            Assert.Equal(b, a);                                              // same bits as the contiguous window
            VecMat.Compute(KernelVariant.Scalar, w.AsSpan(1), stride, x.AsSpan(1), r);
            Close(a, r, j =>
            {
                double abs = 0;
                for (int i = 0; i < rows; i++) abs += Math.Abs(x[1 + i] * window[i * cols + j]);
                return (rows + 6) * Eps64 * abs * 2 + 1e-300;
            }, $"VecMat strided {v} {rows}x{cols} stride {stride}");
        }
        Assert.Throws<ArgumentException>(() => VecMat.Compute(v, new double[10], 3, new double[3], new double[4]));   // stride < cols
        Assert.Throws<ArgumentException>(() => VecMat.Compute(v, new double[10], 5, new double[3], new double[2]));   // needs 12
    }

    [Fact]
    public void BlockKernelsRejectBadBlockCountsWithOneLineErrors()
    {
        double[] d6 = new double[6], d4 = new double[4], d12 = new double[12], d24 = new double[24];
        float[] f6 = new float[6], f4 = new float[4], f12 = new float[12];
        Assert.Throws<ArgumentException>(() => VecMat.ComputeBlocks(f12, f6, f4, default, 0));
        Assert.Throws<ArgumentException>(() => VecMat.ComputeBlocks(f12, f6, f4, default, 4));          // 6 rows not in 4 blocks
        Assert.Throws<ArgumentException>(() => VecMat.ComputeBlocks(f6, f4, f6, default, 2));           // w needs 2 blocks × 2 × 3 = 12
        Assert.Throws<ArgumentException>(() => VecMat.ComputeBlocks(d6, d6, default, default, d4, 2));  // w needs 2 blocks × 3 × 2 = 12
        Assert.Throws<ArgumentException>(() => VecMat.ComputeBlocks(d12, d6, d4, default, d4, 2));      // scales [4] for 2 blocks
        Assert.Throws<ArgumentException>(() => Rank2Update.ComputeBlocks(d24, default, d6, d4, d6, d4, 4));
        Assert.Throws<ArgumentException>(() => Softmax.ExpMaxShiftedBlocks(d6, 1, d6, d4));
        var e = Assert.Throws<ArgumentException>(() => Rank2Update.ComputeBlocks(d12, default, d6, d4, d6, d4, 0));
        Assert.DoesNotContain('\n', e.Message);
    }

    [Theory, MemberData(nameof(TestData.FloatVariants), MemberType = typeof(TestData))]
    public void PrecisionWidenAddAndNarrowAreExact(KernelVariant v)
    {
        foreach (int n in TestData.Lengths)
        {
            int off = n % 5;
            float[] x = TestData.Floats(n, n, -100, 100, off);
            double[] a = new double[n], b = new double[n];
            Precision.Widen(v, x.AsSpan(off, n), a, add: false);
            Precision.Widen(KernelVariant.Scalar, x.AsSpan(off, n), b, add: false);
            Assert.Equal(b, a);
            Precision.Widen(v, x.AsSpan(off, n), a, add: true);
            Precision.Widen(KernelVariant.Scalar, x.AsSpan(off, n), b, add: true);
            Assert.Equal(b, a);
            double[] d = Doubles(n + 1, n, -1e3, 1e3, off);
            float[] fa = new float[n], fb = new float[n];
            Precision.Narrow(v, d.AsSpan(off, n), fa);
            Precision.Narrow(KernelVariant.Scalar, d.AsSpan(off, n), fb);
            TestData.BitEqual(fa, fb, $"Precision.Narrow {v} n={n}");
        }
    }

    [Fact]
    public void BadShapesThrowOneLineArgumentErrors()
    {
        double[] d3 = new double[3], d4 = new double[4];
        float[] f3 = new float[3];
        Assert.Throws<ArgumentException>(() => Exp64.NonPositive(d3, d4));
        Assert.Throws<ArgumentException>(() => Softmax.ExpMaxShifted(d3, 1, d4));
        Assert.Throws<ArgumentException>(() => VecMat.Compute(d4, d3, d3));
        Assert.Throws<ArgumentException>(() => VecMat.Compute(new float[9], f3, f3, d4));
        Assert.Throws<ArgumentException>(() => Rank2Update.Compute(d4, default, d3, d3, d3, d3));
        Assert.Throws<ArgumentException>(() => ShiftedTerms.Slide(d3, d3, d3, d3, d3, d3, d3, d3, d4, 1e-4));
        Assert.Throws<ArgumentException>(() => Precision.Narrow(d4, f3));
        var e = Assert.Throws<ArgumentException>(() => Precision.Widen(f3, d4));
        Assert.DoesNotContain('\n', e.Message);
    }
}
