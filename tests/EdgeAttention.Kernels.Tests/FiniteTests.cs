using EdgeAttention.Kernels;

namespace EdgeAttention.Kernels.Tests;

/// <summary>Finite.IndexOfNonFinite and Finite.AllWithin: every variant against the reference over every length and every position of a NaN/±∞.</summary>
public class FiniteTests
{
    [Theory, MemberData(nameof(TestData.AllFloatVariants), MemberType = typeof(TestData))]
    public void FindsTheFirstNonFiniteValueAtEveryPositionAndLength(KernelVariant v)
    {
        float[] bad = [float.NaN, float.PositiveInfinity, float.NegativeInfinity];
        foreach (int n in TestData.Lengths)
        {
            float[] x = TestData.Floats(n, n, -1e38f, 1e38f, offset: 1);   // large but finite (hi − lo stays finite)
            Assert.Equal(-1, Finite.IndexOfNonFinite(v, x.AsSpan(1, n)));
            for (int p = 0; p < n; p += Math.Max(1, n / 17))
            {
                float[] y = (float[])x.Clone();
                y[1 + p] = bad[p % 3];
                if (p + 3 < n) y[1 + p + 3] = float.NaN;                   // a later one does not matter
                Assert.Equal(p, Finite.IndexOfNonFinite(v, y.AsSpan(1, n)));
            }
        }
        Assert.True(Finite.All([1f, -0f, float.MaxValue, float.Epsilon]));
        Assert.False(Finite.All([1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, float.NaN]));
    }

    [Theory, MemberData(nameof(TestData.AllFloatVariants), MemberType = typeof(TestData))]
    public void AllWithinAgreesWithTheReferenceAtEveryPositionAndLength(KernelVariant v)
    {
        const float Bound = 1e8f;
        float[] bad = [float.NaN, float.PositiveInfinity, float.NegativeInfinity, 1.0000001e8f, -2e8f, float.MaxValue];
        foreach (int n in TestData.Lengths)
        {
            float[] x = TestData.Floats(n, n, -Bound, Bound, offset: 1);
            if (n > 0) x[1 + n / 2] = -Bound;                                 // the bound itself is within
            Assert.True(Finite.AllWithin(v, x.AsSpan(1, n), Bound));
            for (int p = 0; p < n; p += Math.Max(1, n / 17))
            {
                float[] y = (float[])x.Clone();
                y[1 + p] = bad[p % bad.Length];
                Assert.False(Finite.AllWithin(v, y.AsSpan(1, n), Bound), $"{v} n={n} p={p} {y[1 + p]}");
                Assert.False(Finite.AllWithin(KernelVariant.Scalar, y.AsSpan(1, n), Bound));
            }
        }
        Assert.True(Finite.AllWithin(v, [], Bound));
        Assert.False(Finite.AllWithin(v, [1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, float.NaN], float.PositiveInfinity));
        Assert.False(Finite.AllWithin(v, Enumerable.Repeat(float.NaN, 16).ToArray(), float.PositiveInfinity));
        Assert.True(Finite.AllWithin(v, Enumerable.Repeat(float.PositiveInfinity, 16).ToArray(), float.PositiveInfinity) ==
                    Finite.AllWithin(KernelVariant.Scalar, Enumerable.Repeat(float.PositiveInfinity, 16).ToArray(), float.PositiveInfinity));
    }
}
