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
        $"{(Passed ? "pass" : "FAIL")}  {Kernel,-18} {KernelDispatch.Name(Variant),-9} max error {MaxError:0.###e+00} (tolerance {Tolerance:0.###e+00})";
}

/// <summary>
/// Device self-test: every non-scalar variant this process can run, for every kernel, against the scalar reference on
/// generated data (odd sizes and an unaligned start so tails and remainders are exercised). Float kernels pass within a
/// scaled tolerance, int8 kernels must be bit-exact. Allocates (test buffers); not for the per-step path.
/// </summary>
public static class KernelSelfTest
{
    private const double FloatTolerance = 2e-5;

    /// <summary>Runs all checks; an empty list means only the scalar reference is available.</summary>
    public static IReadOnlyList<KernelCheckResult> RunAll()
    {
        var results = new List<KernelCheckResult>();
        var rng = new Random(12345);
        const int Rows = 67, Cols = 131, M = 9, K = 33, N = 13;

        float[] a = Data(rng, 1 + Rows * Cols, 1f), b = Data(rng, 1 + Rows * Cols, 1f);
        float[] x = Data(rng, 1 + Cols, 1f), bias = Data(rng, Rows, 1f), big = Data(rng, 1 + Cols, 8f);
        ReadOnlySpan<float> w = a.AsSpan(1, Rows * Cols), xs = x.AsSpan(1, Cols);   // unaligned views

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

    private static float[] Data(Random rng, int n, float range)
    {
        var d = new float[n];
        for (int i = 0; i < n; i++) d[i] = (float)((rng.NextDouble() * 2 - 1) * range);
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
}
