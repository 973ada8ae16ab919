namespace EdgeAttention.Attention.Tests;

public class NystromTests
{
    public static TheoryData<int, int, int, int> Shapes => new()
    {
        { 12, 4, 2, 4 },   // n mod m = 0
        { 13, 4, 2, 3 },   // n mod m = 1
        { 11, 4, 1, 4 },   // n mod m = 3
        { 10, 3, 2, 5 },
        { 7, 6, 1, 4 },
        { 9, 1, 1, 3 },    // one landmark
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void WindowAttentionNystrom_EqualsReference(int n, int m, int heads, int dh)
    {
        int d = heads * dh;
        foreach (LandmarkMode mode in new[] { LandmarkMode.Window, LandmarkMode.Fixed })
        {
            AttentionOptions o = Oracle.Options(n, heads, dh, AttentionKind.Nystrom, m, mode);
            StreamData s = StreamData.Random(n, d, n * 31 + m);
            double[] expected = mode == LandmarkMode.Fixed ? Oracle.NystromFixed(o, s)(n - 1) : Oracle.NystromWindow(o, s)(n - 1);
            var w = new WindowAttention(o);
            var all = new float[n * d];
            w.Compute(s.Q, s.K, s.V, all, newestOnly: false);
            Check.Close(expected, all, 1e-5, $"window nystrom {mode} all rows");
            var newest = new float[d];
            w.Compute(s.Q, s.K, s.V, newest, newestOnly: true);
            Check.Close(Check.Newest(expected, n, d), newest, 1e-5, $"window nystrom {mode} newest");
        }
    }

    [Fact]
    public void WindowAttention_ExplicitLandmarks_EqualReference()
    {
        int n = 13, m = 4, heads = 2, dh = 3, d = heads * dh;
        AttentionOptions o = Oracle.Options(n, heads, dh, AttentionKind.Nystrom, m, LandmarkMode.Continual);
        StreamData s = StreamData.Random(n, d, 77);
        var rng = new Random(4);
        float[] lq = StreamData.Gauss(rng, heads * m * dh, 1f), lk = StreamData.Gauss(rng, heads * m * dh, 1f);
        double[] expected = Reference.Nystrom(s.Q, s.K, s.V, n, heads, dh, m, Reference.ToDouble(lq), Reference.ToDouble(lk), 6);
        var all = new float[n * d];
        new WindowAttention(o).Compute(s.Q, s.K, s.V, all, false, lq, lk);
        Check.Close(expected, all, 1e-5, "explicit landmarks");
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void ContinualNystrom_FixedLandmarks_EqualsNystromOnTheWindow_EveryStep(int n, int m, int heads, int dh)
    {
        foreach (bool retro in new[] { false, true })
        {
            AttentionOptions o = Oracle.Options(n, heads, dh, AttentionKind.Nystrom, m, LandmarkMode.Fixed, seed: n + m);
            StreamData s = StreamData.Random(3 * n + 5, heads * dh, 100 + n);
            Oracle.Run(o, retro, s, Oracle.NystromFixed(o, s), 1e-5, $"fixed n={n} m={m} retro={retro}");
        }
    }

    [Fact]
    public void ContinualNystrom_FrequentDriftRefreshes_StayExact()
    {
        foreach (bool retro in new[] { false, true })
        {
            AttentionOptions o = Oracle.Options(11, 2, 3, AttentionKind.Nystrom, 4, LandmarkMode.Fixed, refresh: 5);
            StreamData s = StreamData.Random(60, 6, 909);
            Oracle.Run(o, retro, s, Oracle.NystromFixed(o, s), 1e-5, $"refresh every 5 steps retro={retro}");
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void ContinualNystrom_ContinualLandmarks_EqualsNystromOverTheLastCompletedSegments_EveryStep(int n, int m, int heads, int dh)
    {
        foreach (bool retro in new[] { false, true })
        {
            AttentionOptions o = Oracle.Options(n, heads, dh, AttentionKind.Nystrom, m, LandmarkMode.Continual);
            StreamData s = StreamData.Random(3 * n + 5, heads * dh, 200 + n);
            Oracle.Run(o, retro, s, Oracle.NystromContinual(o, s), 1e-5, $"continual n={n} m={m} retro={retro}");
        }
    }

    [Theory]
    [InlineData(12, 4)]
    [InlineData(13, 4)]
    [InlineData(10, 3)]
    public void ContinualLandmarks_EqualWindowModeNystrom_AtAlignedSteps(int n, int m)
    {
        int heads = 2, dh = 3, d = heads * dh;
        AttentionOptions o = Oracle.Options(n, heads, dh, AttentionKind.Nystrom, m, LandmarkMode.Continual);
        AttentionOptions ow = Oracle.Options(n, heads, dh, AttentionKind.Nystrom, m, LandmarkMode.Window);
        StreamData s = StreamData.Random(4 * n, d, 300 + n);
        var att = new ContinualAttention(o, retroactive: true);
        var window = new WindowAttention(ow);
        var output = new float[n * d];
        var expected = new float[n * d];
        int aligned = 0;
        for (long t = 0; t < s.Steps; t++)
        {
            bool ready = att.Step(s.Row(s.Q, t), s.Row(s.K, t), s.Row(s.V, t), output);
            if (!ready || (t + 1) % n != 0) continue;
            window.Compute(Reference.Window(s.Q, t, n, d), Reference.Window(s.K, t, n, d), Reference.Window(s.V, t, n, d), expected, false);
            Check.Close(expected, output, 1e-5, $"aligned step {t}");
            aligned++;
        }
        Assert.Equal(4, aligned);
    }

    [Theory]
    [InlineData(6, 20, 2e-5)]
    [InlineData(6, 6, 5e-2)]
    public void NystromWithOneLandmarkPerToken_ApproachesSoftmax_WithinThePinvResidual(int n, int iterations, double tol)
    {
        int heads = 1, dh = 4, d = heads * dh;
        var o = new AttentionOptions
        {
            Window = n, Heads = heads, HeadDim = dh, Kind = AttentionKind.Nystrom, Landmarks = n, Mode = LandmarkMode.Window,
            PinvIterations = iterations, ForceNystromFormula = true,
        };
        StreamData s = StreamData.Random(3 * n, d, 42, sigma: 0.7f);
        // Window-mode landmarks with m = n are the rows themselves: F = A = B = softmax(QKᵀ), out = A A⁺ A V ≈ A V.
        Oracle.Run(o, retroactive: true, s, Oracle.Softmax(o, s), tol, $"m = n, {iterations} iterations");
        AttentionOptions oc = new()
        {
            Window = n, Heads = heads, HeadDim = dh, Kind = AttentionKind.Nystrom, Landmarks = n, Mode = LandmarkMode.Continual,
            PinvIterations = iterations, ForceNystromFormula = true,
        };
        Oracle.Run(oc, retroactive: false, s, Oracle.NystromContinual(oc, s), 1e-5, "m = n continual landmarks vs reference Nyström");
    }

    [Theory]
    [InlineData(LandmarkMode.Fixed)]
    [InlineData(LandmarkMode.Continual)]
    [InlineData(LandmarkMode.Window)]
    public void ConstantValues_GiveConstantOutput_WithAConvergedPinv(LandmarkMode mode)
    {
        int n = 12, m = 4, heads = 2, dh = 3, d = heads * dh;
        AttentionOptions o = Oracle.Options(n, heads, dh, AttentionKind.Nystrom, m, mode, iterations: 40);
        StreamData s = StreamData.Random(3 * n, d, 8, sigma: 0.5f);
        float[] constant = [0.5f, -1.25f, 2f, 3f, -0.75f, 1f];
        for (int t = 0; t < s.Steps; t++) constant.CopyTo(s.V, t * d);
        foreach (bool retro in new[] { false, true })
        {
            var att = new ContinualAttention(o, retro);
            var output = new float[att.OutputLength];
            for (int t = 0; t < s.Steps; t++)
            {
                if (!att.Step(s.Row(s.Q, t), s.Row(s.K, t), s.Row(s.V, t), output)) continue;
                for (int i = 0; i < output.Length; i++) Assert.True(Math.Abs(output[i] - constant[i % d]) < 1e-4, $"{mode} retro={retro} step {t} [{i}] = {output[i]}");
            }
        }
    }

    [Fact]
    public void WindowModeContinualAttention_EqualsWindowNystrom_EveryStep()
    {
        foreach (bool retro in new[] { false, true })
        {
            AttentionOptions o = Oracle.Options(11, 2, 3, AttentionKind.Nystrom, 4, LandmarkMode.Window);
            StreamData s = StreamData.Random(30, 6, 51);
            Oracle.Run(o, retro, s, Oracle.NystromWindow(o, s), 1e-5, $"window mode retro={retro}");
        }
    }
}
