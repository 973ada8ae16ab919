using EdgeAttention.Kernels;

namespace EdgeAttention.Kernels.Tests;

/// <summary>RealFft.PowerSpectrum against a float64 direct DFT, every variant against the scalar reference, bad shapes, allocation.</summary>
public class RealFftTests
{
    public static TheoryData<int> Lengths() => new() { 1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096 };

    /// <summary>P[j] = |Σₙ x[n] e^{−2πi jn/N}|² in float64 (the definition).</summary>
    private static double[] DirectPower(double[] x)
    {
        int n = x.Length;
        var p = new double[n / 2 + 1];
        for (int j = 0; j <= n / 2; j++)
        {
            double re = 0, im = 0;
            for (int k = 0; k < n; k++)
            {
                double a = -2 * Math.PI * ((long)j * k % n) / n;
                re += x[k] * Math.Cos(a);
                im += x[k] * Math.Sin(a);
            }
            p[j] = re * re + im * im;
        }
        return p;
    }

    private static double[] Frame(int seed, int n) => Array.ConvertAll(TestData.Floats(seed, n), v => (double)v);

    private static float[] Power(KernelVariant v, double[] x)
    {
        int n = x.Length;
        var tw = new double[RealFft.TwiddleLength(n)];
        var rev = new int[RealFft.BitReverseLength(n)];
        RealFft.BuildTables(n, tw, rev);
        var p = new float[n / 2 + 1];
        RealFft.PowerSpectrum(v, x, tw, rev, new double[n / 2], new double[n / 2], p);
        return p;
    }

    [Theory, MemberData(nameof(Lengths))]
    public void ScalarMatchesFloat64Dft(int n)
    {
        double[] x = Frame(n, n);
        double[] expected = DirectPower(x);
        float[] actual = Power(KernelVariant.Scalar, x);
        // The FFT is float64 (absolute error ~1e−16·‖x‖²·N, far below this bound); P is rounded once to float32.
        double energy = 0;
        foreach (double v in x) energy += v * v;
        double tolAbs = 1e-12 * energy * n;
        for (int j = 0; j < expected.Length; j++)
        {
            double tol = tolAbs + 16 * TestData.Eps * expected[j];
            Assert.True(Math.Abs(actual[j] - expected[j]) <= tol, $"N={n} bin {j}: {actual[j]:R} vs {expected[j]:R} (tol {tol:E3})");
        }
    }

    [Theory, MemberData(nameof(Lengths))]
    public void VariantsMatchScalar(int n)
    {
        double[] x = Frame(100 + n, n);
        float[] reference = Power(KernelVariant.Scalar, x);
        foreach (KernelVariant v in KernelDispatch.AvailableFloat32)
        {
            float[] actual = Power(v, x);
            double scale = 0;
            foreach (float p in reference) scale = Math.Max(scale, p);
            TestData.Close(actual, reference, j => 2 * TestData.Eps * reference[j] + 1e-12 * Math.Max(scale, 1), $"RealFft {KernelDispatch.Name(v)} N={n}");
        }
    }

    [Fact]
    public void PureToneLandsInItsBin()
    {
        const int n = 256, bin = 17;
        var x = new double[n];
        for (int i = 0; i < n; i++) x[i] = Math.Cos(2 * Math.PI * bin * i / n);
        float[] p = Power(KernelDispatch.Float32, x);
        Assert.Equal(n * n / 4.0, p[bin], 0.5);
        for (int j = 0; j < p.Length; j++)
            if (j != bin) Assert.True(p[j] < 1e-18, $"bin {j}: {p[j]}");
    }

    [Fact]
    public void BadShapesThrowOneLineErrors()
    {
        var tw = new double[16];
        var rev = new int[4];
        Assert.Contains("power of two", Assert.Throws<ArgumentException>(() => RealFft.BuildTables(12, new double[24], new int[6])).Message);
        RealFft.BuildTables(8, tw, rev);
        var e = Assert.Throws<ArgumentException>(() => RealFft.PowerSpectrum(new double[8], tw, rev, new double[4], new double[4], new float[4]));
        Assert.Contains("power", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.Throws<ArgumentException>(() => RealFft.PowerSpectrum(new double[8], tw.AsSpan(1), rev, new double[4], new double[4], new float[5]));
    }

    [Fact]
    public void AllocatesNothing()
    {
        const int n = 512;
        var tw = new double[RealFft.TwiddleLength(n)];
        var rev = new int[RealFft.BitReverseLength(n)];
        RealFft.BuildTables(n, tw, rev);
        double[] x = Frame(3, n), re = new double[n / 2], im = new double[n / 2];
        var p = new float[n / 2 + 1];
        foreach (KernelVariant v in KernelDispatch.AvailableFloat32) RealFft.PowerSpectrum(v, x, tw, rev, re, im, p);
        KernelVariant[] variants = [.. KernelDispatch.AvailableFloat32];
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 20; i++)
        {
            RealFft.PowerSpectrum(x, tw, rev, re, im, p);
            foreach (KernelVariant v in variants) RealFft.PowerSpectrum(v, x, tw, rev, re, im, p);
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}

/// <summary>MelFilterbank.Apply: every variant against a float64 sum, many band widths, bad tables, allocation.</summary>
public class MelFilterbankTests
{
    /// <summary>Bands of widths 0 … maxWidth at random starts inside <paramref name="bins"/> power bins.</summary>
    private static (float[] W, int[] First, int[] Off) Bands(int seed, int bands, int bins, int maxWidth)
    {
        var rng = new Random(seed);
        var first = new int[bands];
        var off = new int[bands + 1];
        var w = new List<float>();
        for (int b = 0; b < bands; b++)
        {
            int width = Math.Min(rng.Next(0, maxWidth + 1), bins);
            first[b] = rng.Next(0, bins - width + 1);
            for (int k = 0; k < width; k++) w.Add((float)rng.NextDouble());
            off[b + 1] = w.Count;
        }
        return (w.ToArray(), first, off);
    }

    [Theory, MemberData(nameof(TestData.AllFloatVariants), MemberType = typeof(TestData))]
    public void MatchesFloat64(KernelVariant v)
    {
        foreach (int maxWidth in new[] { 0, 1, 3, 7, 16, 33, 70, 257 })
        {
            const int bins = 257;
            (float[] w, int[] first, int[] off) = Bands(maxWidth, 40, bins, maxWidth);
            float[] p = TestData.Floats(maxWidth + 7, bins, 0, 10);
            var e = new float[40];
            MelFilterbank.Apply(v, p, w, first, off, e);
            for (int b = 0; b < 40; b++)
            {
                double s = 0;
                for (int k = off[b]; k < off[b + 1]; k++) s += (double)w[k] * p[first[b] + k - off[b]];
                Assert.True(Math.Abs(e[b] - s) <= TestData.SumTolerance(off[b + 1] - off[b], s), $"{v} width≤{maxWidth} band {b}: {e[b]} vs {s}");
            }
        }
    }

    [Fact]
    public void BadTablesThrow()
    {
        var p = new float[10];
        Assert.Throws<ArgumentException>(() => MelFilterbank.Apply(p, new float[3], [0, 9], [0, 1, 3], new float[2]));
        Assert.Throws<ArgumentException>(() => MelFilterbank.Apply(p, new float[3], [0, 1], [0, 1, 2], new float[2]));
        Assert.Throws<ArgumentException>(() => MelFilterbank.Apply(p, new float[3], [0], [0, 1, 3], new float[2]));
        MelFilterbank.Apply(p, new float[3], [0, 7], [0, 1, 3], new float[2]);
    }

    [Fact]
    public void AllocatesNothing()
    {
        (float[] w, int[] first, int[] off) = Bands(1, 40, 257, 20);
        float[] p = TestData.Floats(2, 257), e = new float[40];
        foreach (KernelVariant v in KernelDispatch.AvailableFloat32) MelFilterbank.Apply(v, p, w, first, off, e);
        KernelVariant[] variants = [.. KernelDispatch.AvailableFloat32];
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 20; i++)
        {
            MelFilterbank.Apply(p, w, first, off, e);
            foreach (KernelVariant v in variants) MelFilterbank.Apply(v, p, w, first, off, e);
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
