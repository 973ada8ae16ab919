using EdgeAttention.Kernels;

namespace EdgeAttention.Kernels.Tests;

/// <summary>Int8 kernels: every non-scalar variant bit-exact with the scalar reference; the reference against exact integer math.</summary>
public class Int8KernelTests
{
    private static IEnumerable<int> AllLengths => TestData.Lengths.Concat(TestData.LargeLengths);

    [Theory, MemberData(nameof(TestData.Int8Variants), MemberType = typeof(TestData))]
    public void DotI8IsBitExact(KernelVariant v)
    {
        foreach (int n in AllLengths)
        {
            int off = n % 7;
            sbyte[] x = TestData.Bytes(n, n, off), y = TestData.Bytes(n + 1, n, 3);
            ReadOnlySpan<sbyte> xs = x.AsSpan(off, n), ys = y.AsSpan(3, n);
            long exact = 0;
            for (int i = 0; i < n; i++) exact += xs[i] * ys[i];
            Assert.Equal(exact, DotI8.Compute(KernelVariant.Scalar, xs, ys));
            Assert.Equal(exact, DotI8.Compute(v, xs, ys));
        }
    }

    [Theory, MemberData(nameof(TestData.Int8Variants), MemberType = typeof(TestData))]
    public void DotI8ExtremesDoNotSaturate(KernelVariant v)
    {
        // All ±127: every vpmaddubsw pair is ±32258, the largest the AVX2 path must hold in int16.
        foreach (int n in new[] { 31, 64, 4099 })
        {
            sbyte[] p = Enumerable.Repeat((sbyte)127, n).ToArray(), m = Enumerable.Repeat((sbyte)-127, n).ToArray();
            Assert.Equal(n * 127 * 127, DotI8.Compute(v, p, p));
            Assert.Equal(n * 127 * 127, DotI8.Compute(v, m, m));
            Assert.Equal(-n * 127 * 127, DotI8.Compute(v, p, m));
        }
    }

    [Theory, MemberData(nameof(TestData.Int8Variants), MemberType = typeof(TestData))]
    public void PortableAndArmVariantsAreExactEvenForMinus128(KernelVariant v)
    {
        if (v is KernelVariant.Avx2 or KernelVariant.Ssse3) return;   // documented: the sign trick assumes the symmetric range [−127, 127]
        foreach (int n in new[] { 16, 33, 257 })
        {
            sbyte[] x = TestData.Bytes(n, n, lo: -128, hi: 127), y = TestData.Bytes(n + 5, n, lo: -128, hi: 127);
            x[0] = y[0] = -128;
            Assert.Equal(DotI8.Compute(KernelVariant.Scalar, x, y), DotI8.Compute(v, x, y));
        }
    }

    [Theory, MemberData(nameof(TestData.Int8Variants), MemberType = typeof(TestData))]
    public void MatVecI8IsBitExactForEveryColumnAndRowCount(KernelVariant v)
    {
        foreach (int cols in TestData.Lengths) CheckMatVecI8(v, 11, cols, withBias: cols % 2 == 0);
        foreach (int rows in TestData.Lengths) CheckMatVecI8(v, rows, 37, withBias: rows % 2 == 1);
        CheckMatVecI8(v, 1024, 1024, withBias: true);
        CheckMatVecI8(v, 1001, 1003, withBias: false);
    }

    private static void CheckMatVecI8(KernelVariant v, int rows, int cols, bool withBias)
    {
        int off = (rows + cols) % 5;
        sbyte[] w = TestData.Bytes(rows * 13 + cols, rows * cols, off), x = TestData.Bytes(cols, cols, 1);
        float[] s = TestData.Floats(rows, rows, 1e-3f, 2e-2f), b = withBias ? TestData.Floats(rows + 1, rows) : [];
        float[] y1 = new float[rows], y2 = new float[rows];
        ReadOnlySpan<sbyte> ws = w.AsSpan(off, rows * cols), xs = x.AsSpan(1, cols);
        MatVecI8.Compute(v, ws, s, xs, 0.0123f, b, y1);
        MatVecI8.Compute(KernelVariant.Scalar, ws, s, xs, 0.0123f, b, y2);
        TestData.BitEqual(y1, y2, $"MatVecI8 {v} {rows}x{cols}");
        // With the weight row sums (what Linear passes; the AVX-VNNI variant uses them, the others ignore them).
        int[] rowSums = new int[rows];
        MatVecI8.RowSums(ws, cols, rowSums);
        Array.Clear(y1);
        MatVecI8.Compute(v, ws, s, rowSums, xs, 0.0123f, b, y1);
        TestData.BitEqual(y1, y2, $"MatVecI8 {v} {rows}x{cols} with row sums");
    }

    [Fact]
    public void RowSumsAreTheExactSumsOfEachRow()
    {
        const int Rows = 7, Cols = 45;
        sbyte[] w = TestData.Bytes(9, Rows * Cols, lo: -128, hi: 127);
        int[] sums = new int[Rows];
        MatVecI8.RowSums(w, Cols, sums);
        for (int r = 0; r < Rows; r++) Assert.Equal(w.Skip(r * Cols).Take(Cols).Sum(v => (int)v), sums[r]);
        Assert.Throws<ArgumentException>(() => MatVecI8.RowSums(w, Cols, new int[Rows + 1]));
        Assert.Throws<ArgumentException>(() => MatVecI8.Compute(KernelVariant.Scalar, w, new float[Rows], new int[Rows - 1], new sbyte[Cols], 1f, [], new float[Rows]));
    }

    [Theory, MemberData(nameof(TestData.Int8Variants), MemberType = typeof(TestData))]
    public void AvxVnniMatVecI8IsExactEvenForMinus128(KernelVariant v)
    {
        // The x + 128 offset maps −128 to 0 and the row sums are exact, so AVX-VNNI (unlike the sign trick) covers the full byte range.
        if (v != KernelVariant.AvxVnni) return;
        foreach ((int rows, int cols) in new[] { (8, 32), (19, 77), (576, 192) })
        {
            sbyte[] w = TestData.Bytes(rows, rows * cols, lo: -128, hi: 127), x = TestData.Bytes(cols + 1, cols, lo: -128, hi: 127);
            w[0] = x[0] = x[cols - 1] = -128;
            float[] s = TestData.Floats(rows, rows, 1e-3f, 2e-2f), y1 = new float[rows], y2 = new float[rows], y3 = new float[rows];
            int[] rowSums = new int[rows];
            MatVecI8.RowSums(w, cols, rowSums);
            MatVecI8.Compute(KernelVariant.Scalar, w, s, x, 0.5f, [], y1);
            MatVecI8.Compute(v, w, s, x, 0.5f, [], y2);
            MatVecI8.Compute(v, w, s, rowSums, x, 0.5f, [], y3);
            TestData.BitEqual(y2, y1, $"MatVecI8 {v} {rows}x{cols} with −128");
            TestData.BitEqual(y3, y1, $"MatVecI8 {v} {rows}x{cols} with −128 and row sums");
        }
    }

    [Fact]
    public void ScalarMatVecI8ImplementsTheFormula()
    {
        const int Rows = 9, Cols = 70;
        sbyte[] w = TestData.Bytes(1, Rows * Cols), x = TestData.Bytes(2, Cols);
        float[] s = TestData.Floats(3, Rows, 0.01f, 0.02f), b = TestData.Floats(4, Rows), y = new float[Rows];
        MatVecI8.Compute(KernelVariant.Scalar, w, s, x, 0.05f, b, y);
        for (int r = 0; r < Rows; r++)
        {
            long sum = 0;
            for (int c = 0; c < Cols; c++) sum += w[r * Cols + c] * x[c];
            double expected = 0.05 * s[r] * sum + b[r];
            Assert.True(Math.Abs(y[r] - expected) <= 1e-6 * (Math.Abs(expected) + 1), $"row {r}: {y[r]} vs {expected}");
        }
    }

    [Theory, MemberData(nameof(TestData.Int8Variants), MemberType = typeof(TestData))]
    public void QuantizeVectorIsBitExactForEveryLengthAndMagnitude(KernelVariant v)
    {
        foreach (int n in AllLengths)
        {
            foreach (float mag in new[] { 1e-44f, 1e-39f, 1e-30f, 1f, 3e4f, 1e30f, 3e38f })
            {
                int off = n % 3;
                float[] x = TestData.Floats(n, n, -mag, mag, offset: off);
                sbyte[] q1 = new sbyte[n], q2 = new sbyte[n];
                float s1 = Quantize.Vector(v, x.AsSpan(off, n), q1), s2 = Quantize.Vector(KernelVariant.Scalar, x.AsSpan(off, n), q2);
                Assert.Equal(s2, s1);
                Assert.True(q1.AsSpan().SequenceEqual(q2), $"Quantize.Vector {v} n={n} magnitude {mag}");
            }
        }
        // Exact halves (x · 127/max = k + ½) must round to even in every variant.
        float[] halves = new float[64];
        for (int i = 0; i < 64; i++) halves[i] = (i - 32) + 0.5f;
        halves[0] = 127;   // max → inv = 1
        sbyte[] h1 = new sbyte[64], h2 = new sbyte[64];
        Quantize.Vector(v, halves, h1);
        Quantize.Vector(KernelVariant.Scalar, halves, h2);
        Assert.Equal(h2, h1);
        Assert.Equal(-30, h2[1]);   // −30.5 → −30 (even)
        Assert.Equal(-30, h2[2]);   // −29.5 → −30 (even)
        Assert.Equal(-28, h2[3]);   // −28.5 → −28 (even)
    }

    [Theory, MemberData(nameof(TestData.AllInt8Variants), MemberType = typeof(TestData))]
    public void QuantizeVectorRoundTripIsWithinHalfAStep(KernelVariant v)
    {
        foreach (int n in new[] { 1, 7, 64, 257, 4099 })
        {
            float[] x = TestData.Floats(n * 3, n, -5, 5);
            sbyte[] q = new sbyte[n];
            float s = Quantize.Vector(v, x, q);
            float[] back = new float[n];
            Quantize.Dequantize(q, s, back);
            float max = x.Max(MathF.Abs);
            Assert.Equal(max / 127f, s);
            Assert.Contains(q, t => Math.Abs((int)t) == 127);
            Assert.True(Quantize.IsSymmetricRange(q));
            // |x − s·q| ≤ s/2, plus float rounding of x·(127/max) and of s·q.
            TestData.Close(back, x, i => s / 2 * (1 + 1e-5) + 4 * TestData.Eps * Math.Abs(x[i]), $"round trip {v} n={n}");
        }
    }

    [Theory, MemberData(nameof(TestData.AllInt8Variants), MemberType = typeof(TestData))]
    public void QuantizeVectorDegenerateInputsGiveZero(KernelVariant v)
    {
        float[] nanInside = Enumerable.Repeat(1f, 40).ToArray();
        nanInside[20] = float.NaN;   // inside the vector part, not the scalar tail
        foreach (float[] x in new[] { new float[40], [1f, float.NaN, 2f], [float.PositiveInfinity, 1f], Enumerable.Repeat(1f, 40).Append(float.NegativeInfinity).ToArray(), nanInside })
        {
            sbyte[] q = Enumerable.Repeat((sbyte)5, x.Length).ToArray();
            Assert.Equal(0f, Quantize.Vector(v, x, q));
            Assert.All(q, t => Assert.Equal(0, t));
        }
    }

    [Theory, MemberData(nameof(TestData.AllInt8Variants), MemberType = typeof(TestData))]
    public void QuantizeWeightsIsPerRowBitExactAndBounded(KernelVariant v)
    {
        const int Rows = 37, Cols = 131;
        float[] w = TestData.Floats(11, Rows * Cols, -2, 2);
        for (int c = 0; c < Cols; c++) w[5 * Cols + c] = 0;                 // an all-zero row
        for (int c = 0; c < Cols; c++) w[6 * Cols + c] *= 1e-3f;            // a small row keeps its own scale
        sbyte[] q1 = new sbyte[Rows * Cols], q2 = new sbyte[Rows * Cols];
        float[] s1 = new float[Rows], s2 = new float[Rows];
        Quantize.Weights(v, w, Rows, Cols, q1, s1);
        Quantize.Weights(KernelVariant.Scalar, w, Rows, Cols, q2, s2);
        Assert.Equal(s2, s1);
        Assert.Equal(q2, q1);
        Assert.Equal(0f, s1[5]);
        for (int r = 0; r < Rows; r++)
        {
            float max = 0;
            for (int c = 0; c < Cols; c++) max = MathF.Max(max, MathF.Abs(w[r * Cols + c]));
            Assert.Equal(max / 127f, s1[r]);
            for (int c = 0; c < Cols; c++)
            {
                double e = Math.Abs(w[r * Cols + c] - s1[r] * q1[r * Cols + c]);
                Assert.True(e <= s1[r] / 2 * (1 + 1e-5) + 1e-12, $"row {r} col {c}: error {e} > half step {s1[r] / 2}");
            }
        }
        Assert.True(Quantize.IsSymmetricRange(q1));
    }

    [Fact]
    public void QuantizedMatVecIsCloseToTheFloatMatVec()
    {
        // y_i8 − W x is bounded by the quantisation steps: Σ_c |w||Δx| + |x||Δw| + |Δw||Δx| with |Δ| ≤ scale/2.
        const int D = 192;
        float[] w = TestData.Floats(21, D * D), x = TestData.Floats(22, D), b = TestData.Floats(23, D);
        sbyte[] qw = new sbyte[D * D], qx = new sbyte[D];
        float[] sw = new float[D], yf = new float[D], yq = new float[D];
        Quantize.Weights(w, D, D, qw, sw);
        float sx = Quantize.Vector(x, qx);
        MatVec.Compute(w, x, b, yf);
        MatVecI8.Compute(qw, sw, qx, sx, b, yq);
        for (int r = 0; r < D; r++)
        {
            double bound = 0;
            for (int c = 0; c < D; c++)
                bound += Math.Abs(w[r * D + c]) * sx / 2 + Math.Abs(x[c]) * sw[r] / 2 + sw[r] * sx / 4;
            Assert.True(Math.Abs(yq[r] - yf[r]) <= bound * 1.001 + 1e-5, $"row {r}: int8 {yq[r]} vs float {yf[r]}, bound {bound}");
        }
    }

    [Fact]
    public void IsSymmetricRangeDetectsMinus128()
    {
        Assert.True(Quantize.IsSymmetricRange([-127, 0, 127]));
        Assert.False(Quantize.IsSymmetricRange([0, -128, 3]));
        Assert.True(Quantize.IsSymmetricRange([]));
    }
}
