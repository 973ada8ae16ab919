using EdgeAttention.Host.Audio;

namespace EdgeAttention.Host.Tests;

/// <summary>KeywordDetector: softmax smoothing window, threshold crossing, refractory muting, keyword set, no allocation.</summary>
public sealed class KeywordDetectorTests
{
    private static readonly string[] Classes = ["silence", "unknown", "yes", "no"];

    /// <summary>Logits whose softmax is exactly p (log p; 1e-9 floors zeros).</summary>
    private static float[] Logits(params double[] p) => p.Select(v => (float)Math.Log(Math.Max(v, 1e-9))).ToArray();

    [Fact]
    public void SmoothsOverTheLastKSteps()
    {
        var d = new KeywordDetector(Classes, hopMs: 10, smoothMs: 30, refractoryMs: 0, threshold: 0.99);
        Assert.Equal(3, d.WindowSteps);
        d.Update(Logits(1, 0, 0, 0), out _, out _);
        Assert.Equal(1.0, d.Smoothed[0], 5);                 // one step so far: its own posterior
        d.Update(Logits(0, 0, 1, 0), out _, out _);
        Assert.Equal(0.5, d.Smoothed[2], 5);
        d.Update(Logits(0, 0, 1, 0), out _, out _);
        Assert.Equal(2 / 3.0, d.Smoothed[2], 5);
        d.Update(Logits(0, 0, 1, 0), out _, out _);          // the first step left the window
        Assert.Equal(1.0, d.Smoothed[2], 5);
        Assert.Equal(0.0, d.Smoothed[0], 5);
    }

    [Fact]
    public void FiresOnceWhenTheSmoothedScoreCrossesTheThreshold()
    {
        var d = new KeywordDetector(Classes, hopMs: 10, smoothMs: 20, refractoryMs: 0, threshold: 0.6);
        var fired = new List<(int Step, int Keyword)>();
        double[][] steps = [[1, 0, 0, 0], [0, 0, 1, 0], [0, 0, 1, 0], [0, 0, 1, 0], [0, 0, 1, 0], [1, 0, 0, 0], [1, 0, 0, 0], [0, 0, 1, 0], [0, 0, 1, 0]];
        for (int t = 0; t < steps.Length; t++)
            if (d.Update(Logits(steps[t]), out int k, out float s)) { fired.Add((t, k)); Assert.True(s >= 0.6f); }
        // Step 1: mean(0, 1) = 0.5 < 0.6; step 2: 1.0 → fires; stays high: no repeat; drops at 5–6; crosses again at 8.
        Assert.Equal([(2, 2), (8, 2)], fired);
    }

    [Fact]
    public void RefractoryMutesTheKeyword()
    {
        // 50 ms refractory = 5 steps: a dip and rise inside it does not fire; after it, a rise does.
        var d = new KeywordDetector(Classes, hopMs: 10, smoothMs: 10, refractoryMs: 50, threshold: 0.5);
        var fired = new List<int>();
        double[] yes = [0, 0, 1, 0], sil = [1, 0, 0, 0];
        double[][] steps = [yes, sil, yes, sil, yes, sil, yes, sil];
        for (int t = 0; t < steps.Length; t++)
            if (d.Update(Logits(steps[t]), out _, out _)) fired.Add(t);
        Assert.Equal([0, 6], fired);
    }

    [Fact]
    public void OtherKeywordsAreNotMutedAndSilenceNeverFires()
    {
        var d = new KeywordDetector(Classes, hopMs: 10, smoothMs: 10, refractoryMs: 1000, threshold: 0.5);
        Assert.True(d.Update(Logits(0, 0, 1, 0), out int k1, out _));
        Assert.Equal(2, k1);
        Assert.True(d.Update(Logits(0, 0, 0, 1), out int k2, out _));
        Assert.Equal(3, k2);
        Assert.False(d.Update(Logits(1, 0, 0, 0), out _, out _));
        Assert.False(d.Update(Logits(0, 1, 0, 0), out _, out _));
        Assert.False(KeywordDetector.IsKeyword("_silence_"));
        Assert.False(KeywordDetector.IsKeyword("Unknown"));
        Assert.True(KeywordDetector.IsKeyword("yes"));
    }

    [Fact]
    public void AllocatesNothingPerStep()
    {
        var d = new KeywordDetector(Classes, hopMs: 10, smoothMs: 100, refractoryMs: 100, threshold: 0.5);
        float[] a = Logits(0.1, 0.1, 0.7, 0.1), b = Logits(0.7, 0.1, 0.1, 0.1);
        for (int i = 0; i < 100; i++) d.Update(i % 7 < 3 ? a : b, out _, out _);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++) d.Update(i % 7 < 3 ? a : b, out _, out _);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
