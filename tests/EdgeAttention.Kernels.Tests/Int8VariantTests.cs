using System.Runtime.Intrinsics.X86;
using EdgeAttention.Kernels;

namespace EdgeAttention.Kernels.Tests;

/// <summary>
/// The SSSE3 int8 variant (x64 without AVX2, the default x64 NativeAOT build) in dispatch, and int8 cases beyond the
/// generic bit-exactness tests that every variant (SSSE3 included) must reproduce exactly.
/// </summary>
public class Int8VariantTests
{
    private static readonly KernelVariant[] BaselineX64Float = [KernelVariant.Scalar, KernelVariant.Vector128];
    private static readonly KernelVariant[] BaselineX64Int8 = [KernelVariant.Scalar, KernelVariant.Vector128, KernelVariant.Ssse3];
    private static readonly KernelVariant[] Avx2X64Float = [KernelVariant.Scalar, KernelVariant.Vector128, KernelVariant.Vector256];
    private static readonly KernelVariant[] Avx2X64Int8 = [KernelVariant.Scalar, KernelVariant.Vector128, KernelVariant.Vector256, KernelVariant.Avx2, KernelVariant.Ssse3];

    [Fact]
    public void Ssse3IsChosenOnX64WithoutAvx2AndAvx2WinsWhenPresent()
    {
        Assert.Equal((KernelVariant.Vector128, KernelVariant.Ssse3, (string?)null), KernelDispatch.Choose(null, BaselineX64Float, BaselineX64Int8));
        Assert.Equal((KernelVariant.Vector256, KernelVariant.Avx2, (string?)null), KernelDispatch.Choose(null, Avx2X64Float, Avx2X64Int8));
        (KernelVariant f, KernelVariant q, string? n) = KernelDispatch.Choose("SSSE3", Avx2X64Float, Avx2X64Int8);
        Assert.Equal((KernelVariant.Vector128, KernelVariant.Ssse3), (f, q));
        Assert.Contains("forced", n, StringComparison.Ordinal);
        Assert.True(KernelDispatch.TryParse("ssse3", out KernelVariant v) && v == KernelVariant.Ssse3);
        Assert.Equal("ssse3", KernelDispatch.Name(KernelVariant.Ssse3));
        Assert.Equal(Ssse3.IsSupported, KernelDispatch.IsAvailableInt8(KernelVariant.Ssse3));
        Assert.False(KernelDispatch.IsAvailableFloat32(KernelVariant.Ssse3));
    }

    [Fact]
    public void AvxVnniWinsOverAvx2WhenPresentAndIsARuntimeCheck()
    {
        Assert.Equal((KernelVariant.Vector256, KernelVariant.AvxVnni, (string?)null), KernelDispatch.Choose(null, Avx2X64Float, [.. Avx2X64Int8, KernelVariant.AvxVnni]));
        (KernelVariant f, KernelVariant q, string? n) = KernelDispatch.Choose("avxvnni", Avx2X64Float, Avx2X64Int8);
        Assert.Equal((KernelVariant.Vector256, KernelVariant.Avx2), (f, q));   // not available: ignored
        Assert.Contains("not available", n, StringComparison.Ordinal);
        Assert.True(KernelDispatch.TryParse("AVXVNNI", out KernelVariant v) && v == KernelVariant.AvxVnni);
        Assert.Equal("avxvnni", KernelDispatch.Name(KernelVariant.AvxVnni));
        Assert.Equal(AvxVnni.IsSupported && Avx2.IsSupported && System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated, KernelDispatch.IsAvailableInt8(KernelVariant.AvxVnni));
        Assert.False(KernelDispatch.IsAvailableFloat32(KernelVariant.AvxVnni));
    }

    [Theory, MemberData(nameof(TestData.Int8Variants), MemberType = typeof(TestData))]
    public void MatVecI8ModelShapesAreBitExact(KernelVariant v)
    {
        // The Linear shapes of the models in use: (out, in) of in_proj, out_proj, linear1/2, classifier, input_proj.
        foreach ((int rows, int cols) in new[] { (96, 32), (32, 32), (64, 32), (32, 64), (4, 32), (32, 6), (576, 192), (192, 192), (10, 192), (192, 128) })
        {
            sbyte[] w = TestData.Bytes(rows + cols, rows * cols), x = TestData.Bytes(cols * 3, cols);
            float[] s = TestData.Floats(rows, rows, 1e-3f, 2e-2f), b = TestData.Floats(rows + 7, rows);
            float[] y1 = new float[rows], y2 = new float[rows];
            MatVecI8.Compute(v, w, s, x, 0.031f, b, y1);
            MatVecI8.Compute(KernelVariant.Scalar, w, s, x, 0.031f, b, y2);
            TestData.BitEqual(y1, y2, $"MatVecI8 {v} {rows}x{cols}");
        }
    }

    [Theory, MemberData(nameof(TestData.Int8Variants), MemberType = typeof(TestData))]
    public void QuantizeVectorTiesInsideTheVectorBlocksRoundToEvenLikeTheReference(KernelVariant v)
    {
        // max = 127 → inv = 1, so x·inv = x exactly: every k + ½ is a tie, placed in all lanes of the 16/32-wide blocks.
        foreach (int n in new[] { 16, 32, 48, 64, 100, 256 })
        {
            float[] x = new float[n];
            for (int i = 0; i < n; i++) x[i] = ((i * 37) % 254 - 127) + ((i & 1) == 0 ? 0.5f : -0.5f);
            x[n / 2] = 127;
            x[Math.Min(n - 1, n / 2 + 1)] = -127;
            for (int i = 0; i < n; i++) x[i] = Math.Clamp(x[i], -127, 127);
            sbyte[] q1 = new sbyte[n], q2 = new sbyte[n];
            Assert.Equal(Quantize.Vector(KernelVariant.Scalar, x, q2), Quantize.Vector(v, x, q1));
            Assert.Equal(q2, q1);
            for (int i = 0; i < n; i++) Assert.Equal((int)Math.Round((double)x[i], MidpointRounding.ToEven), q2[i]);
        }
    }

    [Theory, MemberData(nameof(TestData.Int8Variants), MemberType = typeof(TestData))]
    public void QuantizeVectorOfTinyValuesWhoseInverseScaleOverflowsMatchesTheReference(KernelVariant v)
    {
        // max subnormal: 127/max = +∞, so x·inv is ±∞ or NaN (0·∞); the conversion must saturate the same way everywhere.
        foreach (int n in new[] { 16, 40, 64 })
        {
            float[] x = new float[n];
            for (int i = 0; i < n; i++) x[i] = (i % 3 - 1) * 1e-39f * (i % 5) / 4;
            x[3] = 1e-39f;
            sbyte[] q1 = new sbyte[n], q2 = new sbyte[n];
            Assert.Equal(Quantize.Vector(KernelVariant.Scalar, x, q2), Quantize.Vector(v, x, q1));
            Assert.Equal(q2, q1);
        }
    }
}

/// <summary>EDGEATTN_KERNELS=float32:int8 forces each family separately.</summary>
public class Int8PairDispatchTests
{
    private static readonly KernelVariant[] F = [KernelVariant.Scalar, KernelVariant.Vector128, KernelVariant.Vector256];
    private static readonly KernelVariant[] Q = [KernelVariant.Scalar, KernelVariant.Vector128, KernelVariant.Vector256, KernelVariant.Avx2, KernelVariant.Ssse3];

    [Theory]
    [InlineData("vector256:scalar", KernelVariant.Vector256, KernelVariant.Scalar)]
    [InlineData(" scalar : avx2 ", KernelVariant.Scalar, KernelVariant.Avx2)]
    [InlineData("vector128:ssse3", KernelVariant.Vector128, KernelVariant.Ssse3)]
    public void APairForcesEachFamily(string value, KernelVariant f, KernelVariant q)
    {
        (KernelVariant cf, KernelVariant cq, string? n) = KernelDispatch.Choose(value, F, Q);
        Assert.Equal((f, q), (cf, cq));
        Assert.Contains("forced", n, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("vector256:", "is not <float32>:<int8>")]
    [InlineData("avx2:scalar", "is not available")]      // avx2 is int8-only
    [InlineData("scalar:dp", "is not available")]
    public void ABadPairFallsBackWithAOneLineNotice(string value, string expected)
    {
        (KernelVariant cf, KernelVariant cq, string? n) = KernelDispatch.Choose(value, F, Q);
        Assert.Equal((KernelVariant.Vector256, KernelVariant.Avx2), (cf, cq));
        Assert.Contains(expected, n, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', n!);
    }
}
