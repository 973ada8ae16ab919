using EdgeAttention.Format;
using EdgeAttention.Kernels;

namespace EdgeAttention.Model.Tests;

/// <summary>
/// <see cref="ExecutionCheck"/>: continual vs recompute on multi-layer pre-norm int8 models in every landmark mode
/// passes under the dispatched kernel variants (the test suite runs under each EDGEATTN_KERNELS value), and
/// deliberately broken continual outputs fail it.
/// </summary>
public class ExecutionCheckTests
{
    private const int Frames = 2 * 50 + 48;

    /// <summary>The shape of the user model of the report: F 6, d 32, 4 heads, n 50, ff 64, m 8, 2 layers, pre-norm, 4 classes.</summary>
    private static ModelConfig UserShape(LandmarkMode mode, NormPlacement norm = NormPlacement.Pre) =>
        TestModels.Config(f: 6, d: 32, heads: 4, n: 50, layers: 2, ff: 64, norm: norm, period: 50,
            attention: AttentionKind.Nystrom, m: 8, mode: mode, classes: 4);

    private static (float[][] Continual, float[][] Recompute) RunBoth(ModelFile file, float[][] frames)
    {
        using var c = new Session(file, Execution.Continual);
        using var r = new Session(file, Execution.Recompute);
        return (TestModels.Run(c, frames), TestModels.Run(r, frames));
    }

    private static ExecutionCheck Check(float[][] c, float[][] r, bool int8)
    {
        var check = new ExecutionCheck(r[0].Length, int8);
        for (int i = 0; i < r.Length; i++) check.Add(c[i], r[i]);
        return check;
    }

    public static TheoryData<LandmarkMode, NormPlacement, int> Int8Cases()
    {
        var d = new TheoryData<LandmarkMode, NormPlacement, int>();
        foreach (LandmarkMode mode in new[] { LandmarkMode.Window, LandmarkMode.Continual, LandmarkMode.Fixed })
            for (int seed = 1; seed <= 4; seed++) d.Add(mode, seed % 2 == 0 ? NormPlacement.Post : NormPlacement.Pre, seed);
        return d;
    }

    [Theory, MemberData(nameof(Int8Cases))]
    public void Int8MultiLayerContinualMatchesRecomputeUnderTheInt8Rule(LandmarkMode mode, NormPlacement norm, int seed)
    {
        using ModelFile file = SyntheticModel.Create(UserShape(mode, norm), seed, int8: true);
        (float[][] c, float[][] r) = RunBoth(file, TestModels.Frames(Frames, 6, seed + 10));
        ExecutionCheck check = Check(c, r, int8: true);
        Assert.True(check.Passed, $"{mode} {norm} seed {seed} ({KernelDispatch.Describe()}): {check.Describe()}");
        Assert.Equal(Frames - 49, check.Steps);
    }

    [Theory]
    [InlineData(LandmarkMode.Window)]
    [InlineData(LandmarkMode.Continual)]
    [InlineData(LandmarkMode.Fixed)]
    public void Float32MultiLayerContinualMatchesRecomputeAtEveryStep(LandmarkMode mode)
    {
        using ModelFile file = SyntheticModel.Create(UserShape(mode), 1);
        (float[][] c, float[][] r) = RunBoth(file, TestModels.Frames(Frames, 6, 3));
        ExecutionCheck check = Check(c, r, int8: false);
        Assert.True(check.Passed, check.Describe());
        Assert.Equal(check.Steps, check.FloatMatches);
    }

    [Theory]
    [InlineData(LandmarkMode.Continual)]
    [InlineData(LandmarkMode.Fixed)]
    public void BrokenContinualPathsFailTheInt8Rule(LandmarkMode mode)
    {
        using ModelFile file = SyntheticModel.Create(UserShape(mode), 2, int8: true);
        float[][] frames = TestModels.Frames(Frames, 6, 5);
        (float[][] c, float[][] r) = RunBoth(file, frames);
        Assert.True(Check(c, r, int8: true).Passed);

        // 1. Off by one frame: the continual output of the previous step.
        float[][] lagged = c.Select((row, i) => c[Math.Max(0, i - 1)]).ToArray();
        AssertFails(lagged, r, "lagged by one step");

        // 2. Stale state: the continual session missed one frame of the window (saw the previous frame twice).
        float[][] skipped = (float[][])frames.Clone();
        skipped[60] = frames[59];
        using (var broken = new Session(file, Execution.Continual))
            AssertFails(TestModels.Run(broken, skipped), r, "one stale frame");

        // 3. A small systematic error (a wrong constant): 1 % of every logit, inside the per-step int8 bound.
        float[][] scaled = c.Select(row => row.Select(v => v * 1.01f).ToArray()).ToArray();
        ExecutionCheck s = AssertFails(scaled, r, "1 % scale error");
        Assert.True(s.WorstRatio <= 1, "the 1 % error is caught by the float-match rule, not the bound");

        // 4. A single corrupted output larger than four quantisation steps.
        float[][] spike = c.Select(row => (float[])row.Clone()).ToArray();
        spike[30][1] += 0.2f;
        AssertFails(spike, r, "one step off by 0.2");
    }

    private static ExecutionCheck AssertFails(float[][] c, float[][] r, string what)
    {
        ExecutionCheck check = Check(c, r, int8: true);
        Assert.False(check.Passed, $"{what}: {check.Describe()}");
        return check;
    }

    [Fact]
    public void RulesOnHandMadeLogits()
    {
        float[] r = [2f, -1f, 0.5f];
        var f32 = new ExecutionCheck(3, int8: false);
        f32.Add([2f + 3e-4f, -1f, 0.5f], r);          // 3e-4 ≤ 2e-4 · 2
        Assert.True(f32.Passed, f32.Describe());
        f32.Add([2f, -1f + 5e-4f, 0.5f], r);          // 5e-4 > 4e-4
        Assert.False(f32.Passed);

        var i8 = new ExecutionCheck(3, int8: true);
        for (int t = 0; t < 19; t++) i8.Add(r, r);
        i8.Add([2f, -1f + 0.06f, 0.5f], r);            // one flip-sized step: 0.06 ≤ 4 · 2/127 = 0.063
        Assert.True(i8.Passed, i8.Describe());
        Assert.Equal(19, i8.FloatMatches);
        i8.Add([2f, -1f + 0.07f, 0.5f], r);            // 0.07 > 0.063
        Assert.False(i8.Passed);

        var nan = new ExecutionCheck(3, int8: true);
        nan.Add([float.NaN, 0, 0], r);
        Assert.False(nan.Passed);

        var argmax = new ExecutionCheck(2, int8: true);
        for (int t = 0; t < 10; t++) argmax.Add([1f, 1.00001f], [1.00001f, 1f]);   // within the float tolerance, wrong argmax every step
        Assert.False(argmax.Passed, argmax.Describe());

        var status = new ExecutionCheck(3, int8: true);
        status.Add(r, r);
        status.AddStatusMismatch();
        Assert.False(status.Passed);
        Assert.False(new ExecutionCheck(3, int8: true).Passed);   // no steps
        Assert.Throws<ArgumentException>(() => new ExecutionCheck(3, int8: true).Add([1f, 2f], r));
    }

    [Fact]
    public void AddDoesNotAllocate()
    {
        var check = new ExecutionCheck(4, int8: true);
        float[] a = [1, 2, 3, 4], b = [1, 2, 3, 4.001f];
        check.Add(a, b);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++) check.Add(a, b);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
