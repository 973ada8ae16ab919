using EdgeAttention.Kernels;

namespace EdgeAttention.Kernels.Tests;

/// <summary>
/// Every non-scalar float32 variant available here against the scalar reference: every length 0…257 and large
/// lengths, at misaligned offsets, and in place where the API allows it. Tolerances are forward-error bounds of the
/// reordered sums (scaled by Σ|terms|) or a few ulps for element-wise kernels.
/// </summary>
public class FloatKernelTests
{
    private static IEnumerable<int> AllLengths => TestData.Lengths.Concat(TestData.LargeLengths);

    [Theory, MemberData(nameof(TestData.FloatVariants), MemberType = typeof(TestData))]
    public void DotMatchesScalar(KernelVariant v)
    {
        foreach (int n in AllLengths)
        {
            int off = n % 5;
            float[] x = TestData.Floats(n, n, offset: off), y = TestData.Floats(n + 1000, n, offset: 3);
            ReadOnlySpan<float> xs = x.AsSpan(off, n), ys = y.AsSpan(3, n);
            double abs = 0;
            for (int i = 0; i < n; i++) abs += Math.Abs((double)xs[i] * ys[i]);
            float a = Dot.Compute(v, xs, ys), b = Dot.Compute(KernelVariant.Scalar, xs, ys);
            Assert.True(Math.Abs(a - b) <= 2 * TestData.SumTolerance(n, abs), $"Dot {v} n={n}: {a} vs {b}");
        }
    }

    [Theory, MemberData(nameof(TestData.FloatVariants), MemberType = typeof(TestData))]
    public void AxpyMatchesScalarIncludingInPlace(KernelVariant v)
    {
        foreach (int n in AllLengths)
        {
            int off = n % 7;
            float[] x = TestData.Floats(n, n, offset: off);
            float[] y1 = TestData.Floats(n + 7, n, offset: 1), y2 = (float[])y1.Clone();
            Axpy.Compute(v, -0.625f, x.AsSpan(off, n), y1.AsSpan(1, n));
            Axpy.Compute(KernelVariant.Scalar, -0.625f, x.AsSpan(off, n), y2.AsSpan(1, n));
            TestData.Close(y1, y2, i => 2 * TestData.Eps * (Math.Abs(y2[i]) + 1), $"Axpy {v} n={n}");

            float[] z1 = TestData.Floats(n + 9, n), z2 = (float[])z1.Clone();   // in place: x is y
            Axpy.Compute(v, 0.5f, z1, z1);
            Axpy.Compute(KernelVariant.Scalar, 0.5f, z2, z2);
            TestData.Close(z1, z2, i => 2 * TestData.Eps * (Math.Abs(z2[i]) + 1), $"Axpy in place {v} n={n}");
        }
    }

    [Theory, MemberData(nameof(TestData.FloatVariants), MemberType = typeof(TestData))]
    public void RowScaleIsExactIncludingInPlace(KernelVariant v)
    {
        foreach (int n in AllLengths)
        {
            int off = n % 3;
            float[] x = TestData.Floats(n, n, offset: off), y1 = new float[n], y2 = new float[n];
            RowScale.Compute(v, x.AsSpan(off, n), 1.75f, y1);
            RowScale.Compute(KernelVariant.Scalar, x.AsSpan(off, n), 1.75f, y2);
            TestData.BitEqual(y1, y2, $"RowScale {v} n={n}");
            float[] z = x.AsSpan(off, n).ToArray();
            RowScale.Compute(v, z, 1.75f, z);
            TestData.BitEqual(z, y2, $"RowScale in place {v} n={n}");
        }
    }

    [Theory, MemberData(nameof(TestData.FloatVariants), MemberType = typeof(TestData))]
    public void MatVecMatchesScalarForEveryColumnAndRowCount(KernelVariant v)
    {
        // Every column count 0…257 with 11 rows (one 8-row block + overlapping block / 4-row block + leftovers),
        // every row count 0…257 with 37 columns, and large shapes.
        foreach (int cols in TestData.Lengths) CheckMatVec(v, 11, cols, withBias: cols % 2 == 0);
        foreach (int rows in TestData.Lengths) CheckMatVec(v, rows, 37, withBias: rows % 2 == 1);
        CheckMatVec(v, 1024, 1024, withBias: true);
        CheckMatVec(v, 1001, 1003, withBias: false);
    }

    private static void CheckMatVec(KernelVariant v, int rows, int cols, bool withBias)
    {
        int off = (rows + cols) % 5;
        float[] w = TestData.Floats(rows * 7 + cols, rows * cols, offset: off);
        float[] x = TestData.Floats(cols, cols, offset: 1);
        float[] b = withBias ? TestData.Floats(rows + 3, rows) : [];
        float[] y1 = new float[rows], y2 = new float[rows];
        ReadOnlySpan<float> ws = w.AsSpan(off, rows * cols), xs = x.AsSpan(1, cols);
        MatVec.Compute(v, ws, xs, b, y1);
        MatVec.Compute(KernelVariant.Scalar, ws, xs, b, y2);
        float[] wa = ws.ToArray(), xa = xs.ToArray();
        TestData.Close(y1, y2, r =>
        {
            double abs = withBias ? Math.Abs(b[r]) : 0;
            for (int c = 0; c < cols; c++) abs += Math.Abs((double)wa[r * cols + c] * xa[c]);
            return 2 * TestData.SumTolerance(cols + 1, abs);
        }, $"MatVec {v} {rows}x{cols}");
    }

    [Theory, MemberData(nameof(TestData.FloatVariants), MemberType = typeof(TestData))]
    public void MatVecTransposedMatchesScalar(KernelVariant v)
    {
        foreach (int n in TestData.Lengths)
        {
            CheckMatVecTransposed(v, 11, n);
            CheckMatVecTransposed(v, n, 37);
        }
        CheckMatVecTransposed(v, 1024, 1003);
    }

    private static void CheckMatVecTransposed(KernelVariant v, int rows, int cols)
    {
        int off = rows % 4;
        float[] w = TestData.Floats(rows + 31 * cols, rows * cols, offset: off), x = TestData.Floats(rows, rows, offset: 2);
        ReadOnlySpan<float> ws = w.AsSpan(off, rows * cols), xs = x.AsSpan(2, rows);
        float[] y1 = TestData.Floats(5, cols), y2 = new float[cols];   // y1 starts dirty: the kernel must clear it
        MatVecTransposed.Compute(v, ws, xs, y1);
        MatVecTransposed.Compute(KernelVariant.Scalar, ws, xs, y2);
        float[] wa = ws.ToArray(), xa = xs.ToArray();
        TestData.Close(y1, y2, j =>
        {
            double abs = 0;
            for (int i = 0; i < rows; i++) abs += Math.Abs((double)wa[i * cols + j] * xa[i]);
            return 2 * TestData.SumTolerance(rows, abs);
        }, $"MatVecTransposed {v} {rows}x{cols}");
    }

    [Theory, MemberData(nameof(TestData.FloatVariants), MemberType = typeof(TestData))]
    public void MatMulBothFormsMatchScalar(KernelVariant v)
    {
        int[] dims = [0, 1, 3, 4, 7, 8, 9, 16, 17, 33, 64];
        foreach (int m in dims)
        {
            foreach (int k in dims)
            {
                foreach (int n in dims)
                {
                    float[] a = TestData.Floats(m * 100 + k, m * k, offset: 1), b = TestData.Floats(k * 100 + n, k * n, offset: 3);
                    ReadOnlySpan<float> as_ = a.AsSpan(1, m * k), bs = b.AsSpan(3, k * n);
                    float[] c1 = TestData.Floats(9, m * n), c2 = new float[m * n];
                    MatMul.Compute(v, as_, bs, c1, m, k, n);
                    MatMul.Compute(KernelVariant.Scalar, as_, bs, c2, m, k, n);
                    TestData.Close(c1, c2, _ => 2 * TestData.SumTolerance(k, k), $"MatMul {v} {m}x{k}x{n}");

                    MatMul.ComputeTransposedB(v, as_, bs, c1, m, k, n);
                    MatMul.ComputeTransposedB(KernelVariant.Scalar, as_, bs, c2, m, k, n);
                    TestData.Close(c1, c2, _ => 2 * TestData.SumTolerance(k, k), $"MatMulTransposedB {v} {m}x{k}x{n}");
                }
            }
        }
        // Landmark shapes: m×d · d×m and m×m · m×m.
        foreach ((int m, int k, int n) in new[] { (32, 64, 32), (32, 32, 32), (64, 192, 64) })
        {
            float[] a = TestData.Floats(1, m * k), b = TestData.Floats(2, k * n), c1 = new float[m * n], c2 = new float[m * n];
            MatMul.Compute(v, a, b, c1, m, k, n);
            MatMul.Compute(KernelVariant.Scalar, a, b, c2, m, k, n);
            TestData.Close(c1, c2, _ => 2 * TestData.SumTolerance(k, k), $"MatMul {v} {m}x{k}x{n}");
        }
    }

    [Theory, MemberData(nameof(TestData.FloatVariants), MemberType = typeof(TestData))]
    public void SoftmaxMatchesScalarIncludingInPlace(KernelVariant v)
    {
        foreach (int n in AllLengths)
        {
            int off = n % 6;
            float[] x = TestData.Floats(n, n, -30, 30, offset: off);
            float[] y1 = new float[n], y2 = new float[n];
            Softmax.Compute(v, x.AsSpan(off, n), y1);
            Softmax.Compute(KernelVariant.Scalar, x.AsSpan(off, n), y2);
            // exp has a few ulps of error per element; the normalising sum adds a relative (n+4)·ulp.
            TestData.Close(y1, y2, i => (n + 16) * TestData.Eps * y2[i] + 1e-38, $"Softmax {v} n={n}");
            if (n > 0) Assert.InRange(y1.Sum(), 1 - 1e-4, 1 + 1e-4);

            float[] z = x.AsSpan(off, n).ToArray();
            Softmax.Compute(v, z, z);
            TestData.BitEqual(z, y1, $"Softmax in place {v} n={n}");
        }
    }

    [Theory, MemberData(nameof(TestData.FloatVariants), MemberType = typeof(TestData))]
    public void ShiftedExpMatchesScalarIncludingInPlace(KernelVariant v)
    {
        foreach (int n in AllLengths)
        {
            int off = n % 3;
            float[] x = TestData.Floats(n, n, -40, 20, offset: off);
            float[] y1 = new float[n], y2 = new float[n];
            float s1 = Softmax.ShiftedExp(v, x.AsSpan(off, n), 7.5f, y1);
            float s2 = Softmax.ShiftedExp(KernelVariant.Scalar, x.AsSpan(off, n), 7.5f, y2);
            TestData.Close(y1, y2, i => 8 * TestData.Eps * y2[i] + 1e-38, $"ShiftedExp {v} n={n}");
            Assert.True(Math.Abs(s1 - s2) <= (n + 16) * TestData.Eps * s2 + 1e-38, $"ShiftedExp sum {v} n={n}: {s1} vs {s2}");

            float[] z = x.AsSpan(off, n).ToArray();
            float s3 = Softmax.ShiftedExp(v, z, 7.5f, z);
            TestData.BitEqual(z, y1, $"ShiftedExp in place {v} n={n}");
            Assert.Equal(s1, s3);
        }
    }

    [Theory, MemberData(nameof(TestData.FloatVariants), MemberType = typeof(TestData))]
    public void LayerNormMatchesScalarIncludingInPlace(KernelVariant v)
    {
        foreach (int n in AllLengths)
        {
            int off = n % 4;
            float[] x = TestData.Floats(n, n, 2, 5, offset: off);   // non-zero mean: exercises the centring
            float[] g = TestData.Floats(n + 1, n, 0.5f, 1.5f, offset: 1), b = TestData.Floats(n + 2, n, offset: 2);
            ReadOnlySpan<float> xs = x.AsSpan(off, n), gs = g.AsSpan(1, n), bs = b.AsSpan(2, n);
            float[] y1 = new float[n], y2 = new float[n];
            LayerNorm.Compute(v, xs, gs, bs, 1e-5f, y1);
            LayerNorm.Compute(KernelVariant.Scalar, xs, gs, bs, 1e-5f, y2);
            // Normalised values are O(1..3); mean and variance sums carry (n+4)·ulp relative error each.
            TestData.Close(y1, y2, i => 8 * (n + 16) * TestData.Eps * (Math.Abs(y2[i]) + Math.Abs(b[i + 2]) + 1), $"LayerNorm {v} n={n}");

            float[] z = xs.ToArray();
            LayerNorm.Compute(v, z, gs, bs, 1e-5f, z);
            TestData.BitEqual(z, y1, $"LayerNorm in place {v} n={n}");
        }
    }

    [Theory, MemberData(nameof(TestData.FloatVariants), MemberType = typeof(TestData))]
    public void GeluMatchesScalarIncludingInPlace(KernelVariant v)
    {
        foreach (int n in AllLengths)
        {
            int off = n % 5;
            float[] x = TestData.Floats(n, n, -9, 9, offset: off);
            float[] y1 = new float[n], y2 = new float[n];
            Activation.Gelu(v, x.AsSpan(off, n), y1);
            Activation.Gelu(KernelVariant.Scalar, x.AsSpan(off, n), y2);
            TestData.Close(y1, y2, _ => 1e-6, $"Gelu {v} n={n}");
            float[] z = x.AsSpan(off, n).ToArray();
            Activation.Gelu(v, z, z);
            TestData.BitEqual(z, y1, $"Gelu in place {v} n={n}");
        }
    }

    [Theory, MemberData(nameof(TestData.FloatVariants), MemberType = typeof(TestData))]
    public void ReluIsExactIncludingInPlace(KernelVariant v)
    {
        foreach (int n in AllLengths)
        {
            int off = n % 5;
            float[] x = TestData.Floats(n, n, offset: off);
            float[] y1 = new float[n], y2 = new float[n];
            Activation.Relu(v, x.AsSpan(off, n), y1);
            Activation.Relu(KernelVariant.Scalar, x.AsSpan(off, n), y2);
            TestData.BitEqual(y1, y2, $"Relu {v} n={n}");
            float[] z = x.AsSpan(off, n).ToArray();
            Activation.Relu(v, z, z);
            TestData.BitEqual(z, y1, $"Relu in place {v} n={n}");
        }
    }
}
