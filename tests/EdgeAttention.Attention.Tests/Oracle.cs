namespace EdgeAttention.Attention.Tests;

/// <summary>Drives a <see cref="ContinualAttention"/> over a stream and compares every step with the float64 reference.</summary>
internal static class Oracle
{
    /// <summary>Reference all-rows output [n, d] for the window ending at step t.</summary>
    public delegate double[] WindowReference(long t);

    public static double Run(AttentionOptions o, bool retroactive, StreamData s, WindowReference reference, double tol, string what)
    {
        var att = new ContinualAttention(o, retroactive);
        int n = o.Window, d = o.ModelDim;
        var output = new float[att.OutputLength];
        double worst = 0;
        for (long t = 0; t < s.Steps; t++)
        {
            Array.Fill(output, 12345f);
            bool ready = att.Step(s.Row(s.Q, t), s.Row(s.K, t), s.Row(s.V, t), output);
            Assert.Equal(t >= n - 1, ready);
            if (!ready)
            {
                Assert.All(output, x => Assert.Equal(12345f, x));   // warm-up: output untouched
                continue;
            }
            double[] expected = reference(t);
            double[] e = retroactive ? expected : Check.Newest(expected, n, d);
            worst = Math.Max(worst, Check.Close(e, output, tol, $"{what} step {t}"));
        }
        Assert.Equal(s.Steps, att.TokensSeen);
        return worst;
    }

    public static WindowReference Softmax(AttentionOptions o, StreamData s) => t =>
        Reference.Softmax(Reference.Window(s.Q, t, o.Window, s.D), Reference.Window(s.K, t, o.Window, s.D), Reference.Window(s.V, t, o.Window, s.D),
            o.Window, o.Heads, o.HeadDim);

    public static WindowReference NystromWith(AttentionOptions o, StreamData s, Func<long, (double[] Lq, double[] Lk)> landmarks) => t =>
    {
        (double[] lq, double[] lk) = landmarks(t);
        return Reference.Nystrom(Reference.Window(s.Q, t, o.Window, s.D), Reference.Window(s.K, t, o.Window, s.D), Reference.Window(s.V, t, o.Window, s.D),
            o.Window, o.Heads, o.HeadDim, o.Landmarks, lq, lk, o.PinvIterations);
    };

    public static WindowReference NystromWindow(AttentionOptions o, StreamData s) => NystromWith(o, s, t =>
        (Reference.SegmentMeans(Reference.Window(s.Q, t, o.Window, s.D), o.Window, o.Landmarks, o.Heads, o.HeadDim),
         Reference.SegmentMeans(Reference.Window(s.K, t, o.Window, s.D), o.Window, o.Landmarks, o.Heads, o.HeadDim)));

    public static WindowReference NystromFixed(AttentionOptions o, StreamData s) => NystromWith(o, s, _ =>
        (Reference.ToDouble(o.FixedLandmarksQ!), Reference.ToDouble(o.FixedLandmarksK!)));

    public static WindowReference NystromContinual(AttentionOptions o, StreamData s) => NystromWith(o, s, t =>
    {
        (double[] lq, double[] lk, _) = Reference.ContinualLandmarks(s.Q, s.K, t, o.Window, o.Landmarks, o.Heads, o.HeadDim);
        return (lq, lk);
    });

    public static AttentionOptions Options(int n, int heads, int dh, AttentionKind kind = AttentionKind.Softmax, int m = 0,
        LandmarkMode mode = LandmarkMode.Window, int iterations = 6, int seed = 7, float landmarkNorm = 0, int refresh = 4096)
    {
        float[]? lq = null, lk = null;
        if (mode == LandmarkMode.Fixed)
        {
            var rng = new Random(seed);
            lq = landmarkNorm > 0 ? StreamData.Directions(rng, heads * m, dh, landmarkNorm) : StreamData.Gauss(rng, heads * m * dh, 1f);
            lk = landmarkNorm > 0 ? StreamData.Directions(rng, heads * m, dh, landmarkNorm) : StreamData.Gauss(rng, heads * m * dh, 1f);
        }
        return new AttentionOptions
        {
            Window = n, Heads = heads, HeadDim = dh, Kind = kind, Landmarks = m, Mode = mode, PinvIterations = iterations,
            FixedLandmarksQ = lq, FixedLandmarksK = lk, RefreshInterval = refresh,
        };
    }
}
