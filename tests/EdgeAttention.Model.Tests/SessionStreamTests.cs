using EdgeAttention.Format;
using Xunit.Abstractions;

namespace EdgeAttention.Model.Tests;

/// <summary>Zero allocation, rejected frames, warm-up, reset, arena size, int8 agreement.</summary>
public sealed class SessionStreamTests(ITestOutputHelper output)
{
    private static ModelConfig NystromL2 => TestModels.Config(attention: AttentionKind.Nystrom, m: 3, mode: LandmarkMode.Continual, layers: 2, norm: NormPlacement.Pre);
    private static ModelConfig SoftmaxL1 => TestModels.Config();

    public static TheoryData<bool, Execution, bool> AllocationCases()
    {
        var d = new TheoryData<bool, Execution, bool>();
        foreach (bool nystrom in new[] { false, true })
        {
            foreach (Execution e in new[] { Execution.Continual, Execution.Recompute })
            {
                foreach (bool int8 in new[] { false, true })
                    d.Add(nystrom, e, int8);
            }
        }

        return d;
    }

    [Theory]
    [MemberData(nameof(AllocationCases))]
    public void StepAllocatesNothingAfterWarmup(bool nystrom, Execution execution, bool int8)
    {
        ModelConfig c = nystrom ? NystromL2 : SoftmaxL1;
        using ModelFile file = SyntheticModel.Create(c, seed: 1, int8: int8);
        using var s = new Session(file, execution);
        Assert.Equal(int8, s.IsInt8);
        float[][] frames = TestModels.Frames(300, c.InputFeatures, seed: 2);
        var logits = new float[s.Classes];
        for (int i = 0; i < 2 * c.Window; i++) s.Step(frames[i], logits);
        long before = GC.GetAllocatedBytesForCurrentThread();
        int ready = 0;
        for (int i = 2 * c.Window; i < frames.Length; i++)
            if (s.Step(frames[i], logits) == StepStatus.Ready) ready++;
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(frames.Length - 2 * c.Window, ready);
        Assert.Equal(0, allocated);
    }

    [Theory]
    [InlineData(Execution.Continual, false)]
    [InlineData(Execution.Recompute, false)]
    [InlineData(Execution.Continual, true)]
    [InlineData(Execution.Recompute, true)]
    public void RejectedFramesLeaveTheStateUntouched(Execution execution, bool nystrom)
    {
        ModelConfig c = nystrom ? NystromL2 : TestModels.Config(layers: 2);
        using ModelFile file = SyntheticModel.Create(c, seed: 4);
        float[][] clean = TestModels.Frames(3 * c.Window, c.InputFeatures, seed: 9);
        using var a = new Session(file, execution);
        using var b = new Session(file, execution);
        float[][] expected = TestModels.Run(a, clean);

        var logits = new float[b.Classes];
        var got = new List<float[]>();
        var bad = new float[c.InputFeatures];
        for (int i = 0; i < clean.Length; i++)
        {
            if (i % 4 == 1)
            {
                bad[i % bad.Length] = i % 8 == 1 ? float.NaN : float.NegativeInfinity;
                long steps = b.Steps;
                Assert.Equal(StepStatus.Rejected, b.Step(bad, logits));
                Assert.Equal(StepStatus.Rejected, b.Step(new float[c.InputFeatures + 1], logits));
                Assert.Equal(StepStatus.Rejected, b.Step(Enumerable.Repeat(float.MaxValue, c.InputFeatures).ToArray(), logits));   // token overflows
                Assert.Equal(steps, b.Steps);
                bad[i % bad.Length] = 0;
            }
            StepStatus st = b.Step(clean[i], logits);
            Assert.Equal(i < c.Window - 1 ? StepStatus.Warmup : StepStatus.Ready, st);
            if (st == StepStatus.Ready) got.Add((float[])logits.Clone());
        }
        Assert.Equal(expected.Length, got.Count);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], got[i]);   // bit-identical
    }

    [Theory]
    [InlineData(Execution.Continual)]
    [InlineData(Execution.Recompute)]
    public void ResetStartsAFreshStream(Execution execution)
    {
        ModelConfig c = NystromL2;
        using ModelFile file = SyntheticModel.Create(c, seed: 8);
        using var s = new Session(file, execution);
        float[][] frames = TestModels.Frames(2 * c.Window + 3, c.InputFeatures, seed: 1);
        float[][] first = TestModels.Run(s, frames);
        s.Reset();
        Assert.Equal(0, s.Steps);
        float[][] second = TestModels.Run(s, frames);
        Assert.Equal(first.Length, second.Length);
        for (int i = 0; i < first.Length; i++) Assert.Equal(first[i], second[i]);
    }

    [Fact]
    public void WarmupLeavesLogitsUntouchedAndCountsSteps()
    {
        ModelConfig c = SoftmaxL1;
        using ModelFile file = SyntheticModel.Create(c, seed: 3);
        using var s = new Session(file);
        var logits = new float[] { 7, 7, 7 };
        float[][] frames = TestModels.Frames(c.Window, c.InputFeatures, seed: 3);
        for (int i = 0; i < c.Window - 1; i++)
        {
            Assert.Equal(StepStatus.Warmup, s.Step(frames[i], logits));
            Assert.Equal(new float[] { 7, 7, 7 }, logits);
        }
        Assert.Equal(StepStatus.Ready, s.Step(frames[^1], logits));
        Assert.Equal(c.Window, s.Steps);
        Assert.Throws<ArgumentException>(() => s.Step(frames[0], new float[1]));
        s.Dispose();
        Assert.Throws<ObjectDisposedException>(() => s.Step(frames[0], logits));
    }

    [Theory]
    [InlineData(Execution.Continual)]
    [InlineData(Execution.Recompute)]
    public void ArenaEstimateMatchesSession(Execution execution)
    {
        foreach (ModelConfig c in new[] { SoftmaxL1, NystromL2, TestModels.Config(layers: 3, norm: NormPlacement.Pre) })
        {
            using ModelFile file = SyntheticModel.Create(c, seed: 2);
            using var s = new Session(file, execution);
            Assert.Equal(Session.EstimateArenaBytes(c, execution), s.ArenaBytes);
            Assert.True(s.ArenaBytes > 0);
            Assert.Equal(execution, s.Execution);
            Assert.Equal(c.InputFeatures, s.InputFeatures);
            Assert.Equal(c.Classes.Count, s.Classes);
        }
    }

    [Fact]
    public void OversizedArenaIsANamedErrorNotAnOverflow()
    {
        ModelConfig huge = TestModels.Config(f: 1, d: 8192, heads: 8, n: 1 << 16, ff: 1, pos: PositionalKind.None, layers: 2);
        var e = Assert.Throws<ModelFormatException>(() => Session.EstimateArenaBytes(huge, Execution.Recompute));
        Assert.Contains("smaller model", e.Message);
    }

    /// <summary>Int8 keeps the float32 argmax on ≥ 95% of steps; both executions; continual ≈ recompute.</summary>
    [Theory]
    [InlineData(false, 1)]
    [InlineData(true, 1)]
    [InlineData(true, 2)]
    public void Int8KeepsTheFloat32Argmax(bool nystrom, int layers)
    {
        ModelConfig c = nystrom
            ? TestModels.Config(attention: AttentionKind.Nystrom, m: 4, mode: LandmarkMode.Continual, layers: layers, d: 32, heads: 4, n: 16, ff: 64, classes: 6)
            : TestModels.Config(layers: layers, d: 32, heads: 4, n: 16, ff: 64, classes: 6);
        using ModelFile f32 = SyntheticModel.Create(c, seed: 21);
        using ModelFile i8 = SyntheticModel.Create(c, seed: 21, int8: true);
        float[][] frames = TestModels.Frames(200, c.InputFeatures, seed: 4);
        using var sf = new Session(f32);
        float[][] expected = TestModels.Run(sf, frames);
        foreach (Execution e in new[] { Execution.Continual, Execution.Recompute })
        {
            using var s = new Session(i8, e);
            float[][] got = TestModels.Run(s, frames);
            int agree = 0;
            double maxErr = 0, scale = 1;
            for (int i = 0; i < got.Length; i++)
            {
                if (TestModels.ArgMax(got[i]) == TestModels.ArgMax(expected[i])) agree++;
                for (int j = 0; j < got[i].Length; j++)
                {
                    maxErr = Math.Max(maxErr, Math.Abs(got[i][j] - expected[i][j]));
                    scale = Math.Max(scale, Math.Abs(expected[i][j]));
                }
            }
            double rate = (double)agree / got.Length;
            output.WriteLine($"int8 {e}: argmax agreement {rate:P1}, max |Δ| {maxErr:E2} (scale {scale:G3})");
            Assert.True(rate >= 0.95, $"int8 {e}: argmax agreement {rate:P1} < 95%");
        }
    }

    [Fact]
    public void ModelCostShowsContinualSavings()
    {
        ModelConfig gtzan = TestModels.Config(f: 128, d: 192, heads: 16, n: 120, ff: 192, attention: AttentionKind.Nystrom, m: 8,
            mode: LandmarkMode.Continual, period: 120, classes: 10);
        LayerCost[] one = ModelCost.PerStep(gtzan);
        Assert.Single(one);
        output.WriteLine($"L1: continual {one[0].Continual:N0}, recompute {one[0].Recompute:N0}, ×{one[0].Speedup:F1}");
        Assert.True(one[0].Recompute > 40 * one[0].Continual);
        Assert.True(ModelCost.Total(gtzan, Execution.Recompute) > ModelCost.Total(gtzan, Execution.Continual));

        ModelConfig two = TestModels.Config(f: 128, d: 192, heads: 16, n: 120, ff: 192, attention: AttentionKind.Nystrom, m: 8,
            mode: LandmarkMode.Continual, period: 120, classes: 10, layers: 2);
        LayerCost[] costs = ModelCost.PerStep(two);
        Assert.Equal(2, costs.Length);
        Assert.True(costs[0].Recompute > costs[0].Continual);
        Assert.Equal(costs[1].Continual, costs[1].Recompute);   // layers > 1 are recomputed in both executions
    }
}
