namespace EdgeAttention.Attention.Tests;

/// <summary>
/// The fused per-head continual Nyström step (landmark rows as kernel lanes, ContinualNystromEngine) against the
/// float64 window oracle (models/README.md §4.3 tolerance) and against the plain per-row oracle (PerRowNystrom), for
/// m a multiple of the vector width (m = 8, all lanes vector), m with a scalar tail (5, 6) and odd d_h.
/// </summary>
public class FusedStepTests
{
    private const double ContractTolerance = 2e-4;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Fixed_M8_LargeScores_MatchTheOracleAtEveryStep(bool retro)
    {
        AttentionOptions o = Oracle.Options(24, 2, 12, AttentionKind.Nystrom, 8, LandmarkMode.Fixed, landmarkNorm: 35f, seed: 3);
        StreamData s = StreamData.LargeScores(120, 2, 12, 300, 11);
        Oracle.Run(o, retro, s, Oracle.NystromFixed(o, s), ContractTolerance, $"fused fixed m=8 large scores retro={retro}");
        var att = new ContinualAttention(o, retro);
        var output = new float[att.OutputLength];
        for (int t = 0; t < s.Steps; t++) att.Step(s.Row(s.Q, t), s.Row(s.K, t), s.Row(s.V, t), output);
        Assert.True(att.CancellationRebuilds > 0, "the large-score stream should trigger cancellation rebuilds on the fused path");
    }

    [Theory]
    [InlineData(20, 8, 12, false)]
    [InlineData(20, 8, 12, true)]
    [InlineData(13, 5, 7, false)]
    public void ContinualLandmarks_LargeScores_MatchTheOracleAtEveryStep(int n, int m, int dh, bool retro)
    {
        AttentionOptions o = Oracle.Options(n, 1, dh, AttentionKind.Nystrom, m, LandmarkMode.Continual);
        StreamData s = StreamData.LargeScores(4 * n + 3, 1, dh, 300, 5);
        Oracle.Run(o, retro, s, Oracle.NystromContinual(o, s), ContractTolerance, $"fused continual n={n} m={m} d_h={dh} retro={retro}");
    }

    [Theory]
    [InlineData(LandmarkMode.Fixed, 8, 12, false)]
    [InlineData(LandmarkMode.Fixed, 6, 7, false)]
    [InlineData(LandmarkMode.Fixed, 5, 3, true)]
    [InlineData(LandmarkMode.Continual, 8, 12, false)]
    [InlineData(LandmarkMode.Continual, 6, 5, true)]
    public void Fused_EqualsThePerRowOracle(LandmarkMode mode, int m, int dh, bool retro)
    {
        int n = 30, heads = 3, d = heads * dh;
        AttentionOptions o = Oracle.Options(n, heads, dh, AttentionKind.Nystrom, m, mode, refresh: 64);
        StreamData s = StreamData.Random(400, d, 17 + m);
        var fused = new ContinualAttention(o, retro);
        var plain = new PerRowNystrom(o, retro);
        var a = new float[fused.OutputLength];
        var b = new float[plain.OutputLength];
        for (int t = 0; t < s.Steps; t++)
        {
            bool ra = fused.Step(s.Row(s.Q, t), s.Row(s.K, t), s.Row(s.V, t), a);
            bool rb = plain.Step(s.Row(s.Q, t), s.Row(s.K, t), s.Row(s.V, t), b);
            Assert.Equal(rb, ra);
            if (ra) Check.Close(b, a, 1e-5, $"fused vs per-row oracle {mode} m={m} d_h={dh} retro={retro} step {t}");
        }
    }
}
