using EdgeAttention.Kernels;

namespace EdgeAttention.Kernels.Tests;

/// <summary>The dispatch point: availability, the selection rule (EDGEATTN_KERNELS), explicit variants and argument errors.</summary>
public class DispatchTests
{
    private static readonly KernelVariant[] X64Float = [KernelVariant.Scalar, KernelVariant.Vector128, KernelVariant.Vector256];
    private static readonly KernelVariant[] X64Int8 = [KernelVariant.Scalar, KernelVariant.Vector128, KernelVariant.Vector256, KernelVariant.Avx2];
    private static readonly KernelVariant[] A72Float = [KernelVariant.Scalar, KernelVariant.Vector128];
    private static readonly KernelVariant[] A72Int8 = [KernelVariant.Scalar, KernelVariant.Vector128, KernelVariant.AdvSimd];
    private static readonly KernelVariant[] A76Int8 = [KernelVariant.Scalar, KernelVariant.Vector128, KernelVariant.AdvSimd, KernelVariant.AdvSimdDp];

    [Fact]
    public void ChosenVariantsAreAvailableAndScalarAlwaysIs()
    {
        Assert.Contains(KernelDispatch.Float32, KernelDispatch.AvailableFloat32);
        Assert.Contains(KernelDispatch.Int8, KernelDispatch.AvailableInt8);
        Assert.Equal(KernelVariant.Scalar, KernelDispatch.AvailableFloat32[0]);
        Assert.Equal(KernelVariant.Scalar, KernelDispatch.AvailableInt8[0]);
        Assert.All(KernelDispatch.AvailableFloat32, v => Assert.Contains(v, KernelDispatch.AvailableInt8));
        string d = KernelDispatch.Describe();
        Assert.Contains($"float32={KernelDispatch.Name(KernelDispatch.Float32)}", d, StringComparison.Ordinal);
        Assert.Contains($"int8={KernelDispatch.Name(KernelDispatch.Int8)}", d, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', d);
    }

    [Fact]
    public void AutomaticChoicePrefersTheWidestAndTheSpecialisedInt8Paths()
    {
        Assert.Equal((KernelVariant.Vector256, KernelVariant.Avx2, (string?)null), KernelDispatch.Choose(null, X64Float, X64Int8));
        Assert.Equal((KernelVariant.Vector128, KernelVariant.AdvSimd, (string?)null), KernelDispatch.Choose("", A72Float, A72Int8));
        Assert.Equal((KernelVariant.Vector128, KernelVariant.AdvSimdDp, (string?)null), KernelDispatch.Choose("  ", A72Float, A76Int8));
        Assert.Equal((KernelVariant.Scalar, KernelVariant.Scalar, (string?)null), KernelDispatch.Choose(null, [KernelVariant.Scalar], [KernelVariant.Scalar]));
        Assert.Equal((KernelVariant.Vector256, KernelVariant.AvxVnni, (string?)null), KernelDispatch.Choose(null, X64Float, [.. X64Int8, KernelVariant.Ssse3, KernelVariant.AvxVnni]));
    }

    [Theory]
    [InlineData("scalar", KernelVariant.Scalar, KernelVariant.Scalar)]
    [InlineData("vector128", KernelVariant.Vector128, KernelVariant.Vector128)]
    [InlineData("Vector256", KernelVariant.Vector256, KernelVariant.Vector256)]
    [InlineData("avx2", KernelVariant.Vector256, KernelVariant.Avx2)]
    [InlineData("AvxVnni", KernelVariant.Vector256, KernelVariant.AvxVnni)]
    public void EnvironmentValueForcesAVariant(string value, KernelVariant f, KernelVariant q)
    {
        (KernelVariant cf, KernelVariant cq, string? notice) = KernelDispatch.Choose(value, X64Float, [.. X64Int8, KernelVariant.AvxVnni]);
        Assert.Equal(f, cf);
        Assert.Equal(q, cq);
        Assert.Contains("forced", notice, StringComparison.Ordinal);
    }

    [Fact]
    public void ThisProcessRunsTheVariantEdgeattnKernelsForces()
    {
        // CI re-runs the kernel, attention and model tests under each available EDGEATTN_KERNELS value: check it took.
        string? forced = Environment.GetEnvironmentVariable(KernelDispatch.EnvironmentVariable);
        var (f, q, notice) = KernelDispatch.Choose(forced, [.. KernelDispatch.AvailableFloat32], [.. KernelDispatch.AvailableInt8]);
        Assert.Equal(f, KernelDispatch.Float32);
        Assert.Equal(q, KernelDispatch.Int8);
        Assert.Equal(notice, KernelDispatch.Notice);
        if (forced is not null && KernelDispatch.TryParse(forced.Trim(), out KernelVariant v) && KernelDispatch.IsAvailableInt8(v))
            Assert.Equal(v, KernelDispatch.Int8);
    }

    [Fact]
    public void ArmValuesForceTheNeonPartner()
    {
        Assert.Equal(KernelVariant.Vector128, KernelDispatch.Choose("dp", A72Float, A76Int8).Float32);
        Assert.Equal(KernelVariant.AdvSimdDp, KernelDispatch.Choose("dp", A72Float, A76Int8).Int8);
        Assert.Equal(KernelVariant.AdvSimd, KernelDispatch.Choose("advsimd", A72Float, A76Int8).Int8);
    }

    [Fact]
    public void UnknownOrUnavailableValuesFallBackWithAOneLineNotice()
    {
        (KernelVariant f, KernelVariant q, string? n) = KernelDispatch.Choose("avx512", X64Float, X64Int8);
        Assert.Equal((KernelVariant.Vector256, KernelVariant.Avx2), (f, q));
        Assert.Contains("is not one of scalar|vector128|vector256|advsimd|dp|avx2", n, StringComparison.Ordinal);

        (f, q, n) = KernelDispatch.Choose("dp", A72Float, A72Int8);   // Pi 4: no dot product
        Assert.Equal((KernelVariant.Vector128, KernelVariant.AdvSimd), (f, q));
        Assert.NotNull(n);
        Assert.Contains("dp is not available", n, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', n);
    }

    [Fact]
    public void NamesRoundTrip()
    {
        foreach (KernelVariant v in Enum.GetValues<KernelVariant>())
        {
            Assert.True(KernelDispatch.TryParse(KernelDispatch.Name(v), out KernelVariant back));
            Assert.Equal(v, back);
        }
        Assert.True(KernelDispatch.TryParse("AdvSimdDp", out KernelVariant dp));
        Assert.Equal(KernelVariant.AdvSimdDp, dp);
        Assert.False(KernelDispatch.TryParse("neon", out _));
    }

    [Fact]
    public void UnavailableOrInt8OnlyVariantsAreRejectedWithAClearMessage()
    {
        var e = Assert.Throws<ArgumentException>(() => MatVec.Compute(KernelVariant.Avx2, new float[4], new float[2], [], new float[2]));
        Assert.Contains("MatVec: kernel variant 'avx2' cannot run float32 kernels", e.Message, StringComparison.Ordinal);
        foreach (KernelVariant v in Enum.GetValues<KernelVariant>())
        {
            if (KernelDispatch.IsAvailableInt8(v)) continue;
            var ei = Assert.Throws<ArgumentException>(() => DotI8.Compute(v, new sbyte[3], new sbyte[3]));
            Assert.Contains($"'{KernelDispatch.Name(v)}' cannot run int8 kernels", ei.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void ShapeErrorsNameTheKernelAndTheArgument()
    {
        Assert.Contains("Dot: x has 3 elements but y has 2", Assert.Throws<ArgumentException>(() => Dot.Compute(new float[3], new float[2])).Message, StringComparison.Ordinal);
        Assert.Contains("MatVec: w has 5 elements but its shape [y.Length, x.Length] needs 6",
            Assert.Throws<ArgumentException>(() => MatVec.Compute(new float[5], new float[3], [], new float[2])).Message, StringComparison.Ordinal);
        Assert.Contains("MatVec: bias has 3 elements but the output has 2 rows",
            Assert.Throws<ArgumentException>(() => MatVec.Compute(new float[6], new float[3], new float[3], new float[2])).Message, StringComparison.Ordinal);
        Assert.Contains("MatMul: c has",
            Assert.Throws<ArgumentException>(() => MatMul.Compute(new float[6], new float[6], new float[5], 2, 3, 2)).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => MatMul.Compute([], [], [], -1, 0, 0));
        Assert.Contains("MatVecI8: wScales",
            Assert.Throws<ArgumentException>(() => MatVecI8.Compute(new sbyte[6], new float[1], new sbyte[3], 1f, [], new float[2])).Message, StringComparison.Ordinal);
        Assert.Contains("LayerNorm: x has 3 elements but gamma has 2",
            Assert.Throws<ArgumentException>(() => LayerNorm.Compute(new float[3], new float[2], new float[3], 1e-5f, new float[3])).Message, StringComparison.Ordinal);
        Assert.Contains("Quantize.Weights: scales",
            Assert.Throws<ArgumentException>(() => Quantize.Weights(new float[6], 2, 3, new sbyte[6], new float[3])).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => MatVecI8.Compute(new sbyte[0], [], new sbyte[DotI8.MaxLength + 1], 1f, [], []));
    }
}
