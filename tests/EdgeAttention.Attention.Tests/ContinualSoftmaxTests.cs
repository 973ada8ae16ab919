namespace EdgeAttention.Attention.Tests;

public class ContinualSoftmaxTests
{
    [Theory]
    [InlineData(1, 1, 4, false)]
    [InlineData(1, 1, 4, true)]
    [InlineData(6, 2, 4, false)]
    [InlineData(6, 2, 4, true)]
    [InlineData(9, 3, 5, true)]
    [InlineData(16, 1, 8, true)]
    public void ContinualSoftmax_EqualsSoftmaxOnTheWindow(int n, int heads, int dh, bool retroactive)
    {
        AttentionOptions o = Oracle.Options(n, heads, dh);
        StreamData s = StreamData.Random(4 * n + 7, heads * dh, 11 + n);
        Oracle.Run(o, retroactive, s, Oracle.Softmax(o, s), 2e-5, $"continual softmax n={n} retro={retroactive}");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void NystromWithAtLeastAsManyLandmarksAsTokens_IsExactSoftmax(bool retroactive)
    {
        foreach (LandmarkMode mode in new[] { LandmarkMode.Window, LandmarkMode.Continual, LandmarkMode.Fixed })
        {
            AttentionOptions o = Oracle.Options(5, 2, 3, AttentionKind.Nystrom, 8, mode);
            StreamData s = StreamData.Random(20, 6, 3);
            Oracle.Run(o, retroactive, s, Oracle.Softmax(o, s), 2e-5, $"m>=n {mode}");
        }
    }

    [Fact]
    public void WindowAttentionSoftmax_EqualsReference_AllRowsAndNewest()
    {
        int n = 10, heads = 2, dh = 4, d = heads * dh;
        AttentionOptions o = Oracle.Options(n, heads, dh);
        StreamData s = StreamData.Random(n, d, 5);
        var w = new WindowAttention(o);
        double[] expected = Reference.Softmax(s.Q, s.K, s.V, n, heads, dh);
        var all = new float[n * d];
        w.Compute(s.Q, s.K, s.V, all, newestOnly: false);
        Check.Close(expected, all, 2e-6, "window softmax all rows");
        var newest = new float[d];
        w.Compute(s.Q, s.K, s.V, newest, newestOnly: true);
        Check.Close(Check.Newest(expected, n, d), newest, 2e-6, "window softmax newest");
    }

    [Fact]
    public void Reset_StartsANewStream()
    {
        AttentionOptions o = Oracle.Options(4, 1, 3);
        StreamData s = StreamData.Random(12, 3, 9);
        var att = new ContinualAttention(o, retroactive: true);
        var out1 = new float[att.OutputLength];
        var out2 = new float[att.OutputLength];
        for (int t = 0; t < 12; t++) att.Step(s.Row(s.Q, t), s.Row(s.K, t), s.Row(s.V, t), out1);
        att.Reset();
        Assert.Equal(0, att.TokensSeen);
        for (int t = 0; t < 3; t++) Assert.False(att.Step(s.Row(s.Q, t + 8), s.Row(s.K, t + 8), s.Row(s.V, t + 8), out2));
        Assert.True(att.Step(s.Row(s.Q, 11), s.Row(s.K, 11), s.Row(s.V, 11), out2));
        Check.Close(out1, out2, 1e-6, "after reset");
    }
}
