using EdgeAttention.Kernels;

namespace EdgeAttention.Kernels.Tests;

/// <summary>Deterministic test data, variant lists and tolerance helpers shared by the kernel tests.</summary>
internal static class TestData
{
    /// <summary>Unit roundoff of float32 (2⁻²⁴) times two: one ulp at 1.</summary>
    public const double Eps = 1.0 / (1 << 23);

    /// <summary>Every length from 0 to 257 (covers every tail of 4-, 8-, 16-, 32- and 64-wide loops).</summary>
    public static IEnumerable<int> Lengths => Enumerable.Range(0, 258);

    /// <summary>Large lengths: several blocks plus odd tails.</summary>
    public static readonly int[] LargeLengths = [1024, 4099, 65537];

    public static TheoryData<KernelVariant> FloatVariants()
    {
        var d = new TheoryData<KernelVariant>();
        foreach (KernelVariant v in KernelDispatch.AvailableFloat32) if (v != KernelVariant.Scalar) d.Add(v);
        return d;
    }

    public static TheoryData<KernelVariant> Int8Variants()
    {
        var d = new TheoryData<KernelVariant>();
        foreach (KernelVariant v in KernelDispatch.AvailableInt8) if (v != KernelVariant.Scalar) d.Add(v);
        return d;
    }

    public static TheoryData<KernelVariant> AllFloatVariants()
    {
        var d = new TheoryData<KernelVariant>();
        foreach (KernelVariant v in KernelDispatch.AvailableFloat32) d.Add(v);
        return d;
    }

    public static TheoryData<KernelVariant> AllInt8Variants()
    {
        var d = new TheoryData<KernelVariant>();
        foreach (KernelVariant v in KernelDispatch.AvailableInt8) d.Add(v);
        return d;
    }

    /// <summary>
    /// A buffer of n uniform values in [lo, hi) placed at element offset <paramref name="offset"/> of a larger array,
    /// so the returned span is misaligned for offset mod 8 ≠ 0.
    /// </summary>
    public static float[] Floats(int seed, int n, float lo = -1, float hi = 1, int offset = 0)
    {
        var rng = new Random(seed);
        var a = new float[n + offset];
        for (int i = 0; i < a.Length; i++) a[i] = (float)(lo + (hi - lo) * rng.NextDouble());
        return a;
    }

    /// <summary>n uniform int8 values in [−127, 127] (the quantizer's range), at an offset.</summary>
    public static sbyte[] Bytes(int seed, int n, int offset = 0, int lo = -127, int hi = 127)
    {
        var rng = new Random(seed);
        var a = new sbyte[n + offset];
        for (int i = 0; i < a.Length; i++) a[i] = (sbyte)rng.Next(lo, hi + 1);
        return a;
    }

    /// <summary>Asserts |actual − expected| ≤ tol[i] for each element, with a message naming the first failure.</summary>
    public static void Close(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected, Func<int, double> tol, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < actual.Length; i++)
        {
            double e = Math.Abs((double)actual[i] - expected[i]);
            if (!(e <= tol(i)))
                Assert.Fail($"{what}: element {i} of {actual.Length}: {actual[i]:R} vs reference {expected[i]:R}, error {e:E3} > tolerance {tol(i):E3}");
        }
    }

    /// <summary>Asserts bit-identical floats.</summary>
    public static void BitEqual(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < actual.Length; i++)
        {
            if (BitConverter.SingleToInt32Bits(actual[i]) != BitConverter.SingleToInt32Bits(expected[i]))
                Assert.Fail($"{what}: element {i} of {actual.Length}: {actual[i]:R} vs reference {expected[i]:R} (not bit-identical)");
        }
    }

    /// <summary>Forward error bound of a float sum of n terms with Σ|terms| = absSum: (n + 4) · ulp · absSum (γₙ style).</summary>
    public static double SumTolerance(int n, double absSum) => (n + 4) * Eps * absSum + 1e-30;
}
