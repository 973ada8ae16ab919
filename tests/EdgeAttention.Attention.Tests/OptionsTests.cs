namespace EdgeAttention.Attention.Tests;

public class OptionsTests
{
    [Fact]
    public void Validate_NamesTheBadField()
    {
        Assert.Contains("Window", Assert.Throws<ArgumentException>(() => new AttentionOptions { Window = 0, Heads = 1, HeadDim = 1 }.Validate()).Message);
        Assert.Contains("HeadDim", Assert.Throws<ArgumentException>(() => new AttentionOptions { Window = 4, Heads = 1, HeadDim = 0 }.Validate()).Message);
        Assert.Contains("Landmarks", Assert.Throws<ArgumentException>(() =>
            new AttentionOptions { Window = 4, Heads = 1, HeadDim = 2, Kind = AttentionKind.Nystrom, Landmarks = 0 }.Validate()).Message);
        Assert.Contains("PinvIterations", Assert.Throws<ArgumentException>(() =>
            new AttentionOptions { Window = 4, Heads = 1, HeadDim = 2, Kind = AttentionKind.Nystrom, Landmarks = 2, PinvIterations = 0 }.Validate()).Message);
        Assert.Contains("FixedLandmarksQ is missing", Assert.Throws<ArgumentException>(() =>
            new AttentionOptions { Window = 4, Heads = 1, HeadDim = 2, Kind = AttentionKind.Nystrom, Landmarks = 2, Mode = LandmarkMode.Fixed }.Validate()).Message);
        Assert.Contains("expected Heads*Landmarks*HeadDim = 4", Assert.Throws<ArgumentException>(() =>
            new AttentionOptions
            {
                Window = 4, Heads = 1, HeadDim = 2, Kind = AttentionKind.Nystrom, Landmarks = 2, Mode = LandmarkMode.Fixed,
                FixedLandmarksQ = new float[3], FixedLandmarksK = new float[4],
            }.Validate()).Message);
        // m >= n with fixed mode is exact softmax: the landmark tensors are not needed.
        new AttentionOptions { Window = 4, Heads = 1, HeadDim = 2, Kind = AttentionKind.Nystrom, Landmarks = 4, Mode = LandmarkMode.Fixed }.Validate();
    }

    [Fact]
    public void WrongSpanLengths_AreOneLineErrors()
    {
        AttentionOptions o = Oracle.Options(4, 2, 3);
        var att = new ContinualAttention(o, retroactive: false);
        var e = Assert.Throws<ArgumentException>(() => att.Step(new float[6], new float[6], new float[5], new float[6]));
        Assert.Contains("q, k, v must be [Heads*HeadDim] = 6", e.Message);
        e = Assert.Throws<ArgumentException>(() => att.Step(new float[6], new float[6], new float[6], new float[24]));
        Assert.Contains("output must be [d] = 6", e.Message);
        var w = new WindowAttention(o);
        e = Assert.Throws<ArgumentException>(() => w.Compute(new float[24], new float[24], new float[24], new float[6], newestOnly: false));
        Assert.Contains("[Window*d] = 24", e.Message);
    }

    [Fact]
    public void MultiplyAdds_MatchTheDocumentedFormulas()
    {
        int n = 120, heads = 16, dh = 12, d = heads * dh, m = 8;
        Assert.Equal(2L * n * n * d + heads * n * n + n * d, new WindowAttention(Oracle.Options(n, heads, dh)).MultiplyAdds(false));
        Assert.Equal(2L * n * d + heads * n + d, new ContinualAttention(Oracle.Options(n, heads, dh), false).MultiplyAddsPerStep);
        Assert.Equal(7L * n * d - d, new ContinualAttention(Oracle.Options(n, heads, dh), true).MultiplyAddsPerStep);
        long fixedSingle = new ContinualAttention(Oracle.Options(n, heads, dh, AttentionKind.Nystrom, m, LandmarkMode.Fixed), false).MultiplyAddsPerStep;
        long refresh = (m * n * dh + 4095) / 4096;
        Assert.Equal(heads * (5L * m * dh + m * m + 3 * m + refresh), fixedSingle);
        Assert.True(fixedSingle < 7L * m * d + heads * m * m, "continual Nyström single-output (fixed) must not exceed the paper's 7md + m² per head");
    }
}
