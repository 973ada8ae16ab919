using EdgeAttention.Kernels;

namespace EdgeAttention.Kernels.Tests;

/// <summary>The references themselves: scalar kernels against double-precision math, and GELU of every variant against an accurate erf.</summary>
public class ReferenceTests
{
    [Fact]
    public void TestErfReferenceIsAccurate()
    {
        AssertRelative(0.15729920705028513, ReferenceErf.Erfc(1));        // erfc(1), Python math.erfc
        AssertRelative(0.4795001221869535, ReferenceErf.Erfc(0.5));       // erfc(0.5)
        AssertRelative(2.2090496998585438e-05, ReferenceErf.Erfc(3));     // erfc(3)
        AssertRelative(1.5374597944280351e-12, ReferenceErf.Erfc(5));     // erfc(5)
        AssertRelative(2 - 0.15729920705028513, ReferenceErf.Erfc(-1));
        double c25a = ReferenceErf.Erfc(2.5 - 1e-12), c25b = ReferenceErf.Erfc(2.5 + 1e-12);
        Assert.True(Math.Abs(c25a - c25b) / c25a < 1e-10, "series and continued fraction agree at the switch point");
    }

    private static void AssertRelative(double expected, double actual) =>
        Assert.True(Math.Abs(actual - expected) <= 1e-13 * Math.Abs(expected), $"{actual:R} vs {expected:R}");

    [Theory, MemberData(nameof(TestData.AllFloatVariants), MemberType = typeof(TestData))]
    public void GeluIsWithin1e6OfDoubleErfOverAWideRange(KernelVariant v)
    {
        // Dense grid over [−10, 10] (step 1e-4), a log grid out to ±1e4, and special points.
        var xs = new List<float>();
        for (int i = -100_000; i <= 100_000; i++) xs.Add(i * 1e-4f);
        for (double a = 10; a <= 1e4; a *= 1.01) { xs.Add((float)a); xs.Add((float)-a); }
        xs.AddRange([0f, -0f, float.Epsilon, -float.Epsilon, 1e-30f, -1e-30f, float.MaxValue / 2, -float.MaxValue / 2]);
        float[] x = xs.ToArray(), y = new float[x.Length];
        Activation.Gelu(v, x, y);
        double worst = 0; float worstX = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double e = Math.Abs(y[i] - ReferenceErf.Gelu(x[i]));
            if (e > worst) { worst = e; worstX = x[i]; }
        }
        Assert.True(worst <= 1e-6, $"Gelu {v}: max abs error {worst:E3} at x = {worstX:R}");
    }

    [Fact]
    public void GeluKnownValues()
    {
        float[] x = [-3f, -1f, 0f, 0.5f, 1f, 2f], y = new float[6];
        Activation.Gelu(x, y);
        // torch.nn.functional.gelu (erf form) in float64, PyTorch 1.13 on this machine.
        double[] expected = [-0.00404969409489031, -0.15865525393145702, 0, 0.34573123063700656, 0.841344746068543, 1.9544997361036416];
        for (int i = 0; i < x.Length; i++) Assert.True(Math.Abs(y[i] - expected[i]) < 1e-6, $"gelu({x[i]}) = {y[i]}, expected {expected[i]}");
    }

    [Fact]
    public void ScalarDotAndMatVecAreWithinTheForwardErrorBoundOfDouble()
    {
        foreach (int n in new[] { 1, 17, 257, 4099 })
        {
            float[] x = TestData.Floats(n, n), y = TestData.Floats(n + 1, n);
            double exact = 0, abs = 0;
            for (int i = 0; i < n; i++) { exact += (double)x[i] * y[i]; abs += Math.Abs((double)x[i] * y[i]); }
            Assert.True(Math.Abs(Dot.Compute(KernelVariant.Scalar, x, y) - exact) <= TestData.SumTolerance(n, abs));
        }
        const int Rows = 13, Cols = 301;
        float[] w = TestData.Floats(1, Rows * Cols), v = TestData.Floats(2, Cols), b = TestData.Floats(3, Rows), o = new float[Rows];
        MatVec.Compute(KernelVariant.Scalar, w, v, b, o);
        for (int r = 0; r < Rows; r++)
        {
            double exact = b[r], abs = Math.Abs(b[r]);
            for (int c = 0; c < Cols; c++) { exact += (double)w[r * Cols + c] * v[c]; abs += Math.Abs((double)w[r * Cols + c] * v[c]); }
            Assert.True(Math.Abs(o[r] - exact) <= TestData.SumTolerance(Cols + 1, abs), $"row {r}: {o[r]} vs {exact}");
        }
    }

    [Fact]
    public void ScalarSoftmaxAndLayerNormMatchDouble()
    {
        float[] x = TestData.Floats(4, 300, -20, 20), y = new float[300];
        Softmax.Compute(KernelVariant.Scalar, x, y);
        double max = x.Max(), sum = x.Sum(t => Math.Exp(t - max));
        for (int i = 0; i < x.Length; i++)
        {
            double p = Math.Exp(x[i] - max) / sum;
            // Float x − max carries ½ ulp(|x − max|) absolute error, i.e. |x − max|·ulp relative error after exp.
            double tol = p * ((Math.Abs(x[i] - max) + x.Length + 8) * TestData.Eps) + 1e-38;
            Assert.True(Math.Abs(y[i] - p) <= tol, $"softmax[{i}] = {y[i]} vs {p}");
        }

        float[] g = TestData.Floats(5, 300, 0.5f, 2), b = TestData.Floats(6, 300), z = TestData.Floats(7, 300, 10, 12), o = new float[300];
        LayerNorm.Compute(KernelVariant.Scalar, z, g, b, 1e-5f, o);
        double mean = z.Average(t => (double)t), var = z.Average(t => ((double)t - mean) * ((double)t - mean));
        for (int i = 0; i < z.Length; i++)
        {
            double e = (z[i] - mean) / Math.Sqrt(var + 1e-5) * g[i] + b[i];
            Assert.True(Math.Abs(o[i] - e) <= 1e-4, $"layernorm[{i}] = {o[i]} vs {e}");
        }
    }

    [Theory, MemberData(nameof(TestData.AllFloatVariants), MemberType = typeof(TestData))]
    public void EmptyInputsAreNoOps(KernelVariant v)
    {
        Assert.Equal(0f, Dot.Compute(v, [], []));
        Softmax.Compute(v, [], Span<float>.Empty);
        Assert.Equal(0f, Softmax.ShiftedExp(v, [], 1f, Span<float>.Empty));
        LayerNorm.Compute(v, [], [], [], 1e-5f, Span<float>.Empty);
        MatVec.Compute(v, [], [], [], Span<float>.Empty);
        float[] y = [5f, 6f];
        MatVec.Compute(v, [], [], [1f, 2f], y);   // zero columns: y = bias
        Assert.Equal([1f, 2f], y);
        MatVecTransposed.Compute(v, [], [], y);  // zero rows: y = 0
        Assert.Equal([0f, 0f], y);
    }
}
