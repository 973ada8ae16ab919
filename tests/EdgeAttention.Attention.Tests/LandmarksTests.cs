namespace EdgeAttention.Attention.Tests;

public class LandmarksTests
{
    [Theory]
    [InlineData(12, 4, new[] { 3, 3, 3, 3 })]
    [InlineData(13, 4, new[] { 4, 3, 3, 3 })]
    [InlineData(11, 4, new[] { 3, 3, 3, 2 })]
    [InlineData(10, 3, new[] { 4, 3, 3 })]
    [InlineData(5, 5, new[] { 1, 1, 1, 1, 1 })]
    public void SegmentLengths_FollowTheContractRule(int n, int m, int[] expected)
    {
        for (int s = 0; s < m; s++) Assert.Equal(expected[s], Landmarks.SegmentLength(n, m, s));
        Assert.Equal(n, Landmarks.SegmentStart(n, m, m));
    }

    [Theory]
    [InlineData(12, 4)]
    [InlineData(13, 4)]
    [InlineData(10, 3)]
    [InlineData(7, 1)]
    public void LastCompletedPosition_MatchesTheReferenceSchedule(int n, int m)
    {
        var q = new float[50 * n];
        for (long t = n - 1; t < 5 * n; t++)
        {
            (_, _, long u) = Reference.ContinualLandmarks(q, q, t, n, m, 1, 1);
            Assert.Equal(u, Landmarks.LastCompletedPosition(t, n, m));
        }
        Assert.Equal(n - 1, Landmarks.LastCompletedPosition(n - 1, n, m));
    }

    [Fact]
    public void SegmentMeans_MatchReference()
    {
        int n = 13, m = 4, heads = 2, dh = 3;
        var data = StreamData.Random(n, heads * dh, 1);
        var means = new float[heads * m * dh];
        Landmarks.SegmentMeans(data.Q, n, m, heads, dh, means);
        Check.Close(Reference.SegmentMeans(data.Q, n, m, heads, dh), means, 1e-6, "segment means");
    }

    [Fact]
    public void BadArguments_AreNamed()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Landmarks.SegmentLength(0, 2, 0));
        Assert.Contains("window n = 0", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Landmarks.LastCompletedPosition(2, 8, 2));
        var a = Assert.Throws<ArgumentException>(() => Landmarks.SegmentMeans(new float[6], 2, 3, 1, 3, new float[9]));
        Assert.Contains("m = 3 > n = 2", a.Message);
    }
}
