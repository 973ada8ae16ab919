using EdgeAttention.Format;

namespace EdgeAttention.Model.Tests;

/// <summary>
/// SessionMemory.Estimate against what a real session allocates (Session.LoadAllocatedBytes: arena, attention state,
/// small load-time objects), for every attention engine and both executions.
/// </summary>
public class SessionMemoryTests
{
    public static TheoryData<string> Configs() => [.. Cases.Keys];

    private static readonly Dictionary<string, ModelConfig> Cases = new()
    {
        ["softmax L1"] = TestModels.Config(d: 64, heads: 4, n: 200, ff: 128),
        ["softmax L2 pre"] = TestModels.Config(d: 64, heads: 4, n: 200, ff: 128, layers: 2, norm: NormPlacement.Pre),
        ["nystrom continual L1"] = TestModels.Config(d: 64, heads: 4, n: 200, ff: 128, attention: AttentionKind.Nystrom, m: 8, mode: LandmarkMode.Continual),
        ["nystrom continual L2"] = TestModels.Config(d: 64, heads: 4, n: 200, ff: 128, layers: 2, attention: AttentionKind.Nystrom, m: 8, mode: LandmarkMode.Continual),
        ["nystrom window L2"] = TestModels.Config(d: 64, heads: 4, n: 200, ff: 128, layers: 2, attention: AttentionKind.Nystrom, m: 8, mode: LandmarkMode.Window),
        ["nystrom fixed L2"] = TestModels.Config(d: 64, heads: 4, n: 200, ff: 128, layers: 2, attention: AttentionKind.Nystrom, m: 16, mode: LandmarkMode.Fixed),
        ["nystrom m >= n L2"] = TestModels.Config(d: 32, heads: 2, n: 100, ff: 64, layers: 2, attention: AttentionKind.Nystrom, m: 100, mode: LandmarkMode.Continual),
        ["gtzan L1"] = TestModels.Config(f: 128, d: 192, heads: 16, n: 120, ff: 192, attention: AttentionKind.Nystrom, m: 8, mode: LandmarkMode.Continual, classes: 10),
    };

    [Theory]
    [MemberData(nameof(Configs))]
    public void EstimateMatchesTheRealAllocationWithinThreePercent(string name)
    {
        ModelConfig c = Cases[name];
        using ModelFile file = SyntheticModel.Create(c, seed: 1);
        foreach (Execution execution in new[] { Execution.Continual, Execution.Recompute })
        {
            using var s = new Session(file, execution);
            long estimate = SessionMemory.Estimate(c, execution);
            long real = s.LoadAllocatedBytes;
            // 3 %, but at least 8 KiB: the thread's allocation counter now and then includes part of an 8 KiB
            // allocation context (seen once in six CI runs: 4,480 B over the estimate of a 143 KB session).
            Assert.True(Math.Abs(estimate - real) <= Math.Max(0.03 * real, 8192),
                $"{name} {execution}: estimate {estimate} bytes, the session allocated {real} ({100.0 * (estimate - real) / real:F1}%)");
            Assert.True(estimate <= real, $"{name} {execution}: estimate {estimate} > allocated {real}: something counted that is not allocated");
            Assert.Equal(s.ArenaBytes + 24, SessionMemory.ArenaBytes(c, execution));
        }
    }

    [Fact]
    public void AWindowTooLargeForABoardIsVisibleBeforeLoading()
    {
        // A tiny model with the largest window: kilobytes of weights, but its session needs far more than a board has.
        ModelConfig c = TestModels.Config(f: 4, d: 16, heads: 2, n: ModelConfig.MaxWindow, ff: 16, layers: 2, pos: PositionalKind.None,
            attention: AttentionKind.Nystrom, m: 64, mode: LandmarkMode.Continual);
        long before = GC.GetAllocatedBytesForCurrentThread();
        long bytes = SessionMemory.Estimate(c, Execution.Continual);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 64 * 1024, "the estimate must not allocate the session");
        Assert.True(bytes > 300L << 20, $"{bytes} bytes");
        Assert.True(bytes > SessionMemory.ArenaBytes(c, Execution.Continual) * 2, "the attention state dominates: the arena alone under-reports");
    }

    [Fact]
    public void InvalidConfigIsAFieldError()
    {
        var c = new ModelConfig { InputFeatures = 1, DModel = 8, Heads = 2, Window = ModelConfig.MaxWindow + 1, Layers = 1, FfDim = 1, Classes = ["a"] };
        Assert.Contains("'window'", Assert.Throws<ModelFormatException>(() => SessionMemory.Estimate(c, Execution.Continual)).Message);
    }

    [Fact]
    public void TotalAddsTheFrontEnd_WhichMatchesWhatAnAudioSessionAllocates()
    {
        ModelConfig plain = TestModels.Config();
        Assert.Equal(0, SessionMemory.FrontEndBytes(plain));
        Assert.Equal(SessionMemory.Estimate(plain, Execution.Continual), SessionMemory.Total(plain, Execution.Continual));

        ModelConfig audio = AudioSessionTests.AudioConfig();
        long frontEnd = SessionMemory.FrontEndBytes(audio);
        long before = GC.GetAllocatedBytesForCurrentThread();
        _ = new FrontEnd.LogMelFrontEnd(audio.Frontend!);
        long real = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(frontEnd > 256 * 8, $"front end {frontEnd} bytes: less than one [N] float64 array");
        Assert.Equal(real, frontEnd);
        Assert.Equal(SessionMemory.Estimate(audio, Execution.Continual) + frontEnd, SessionMemory.Total(audio, Execution.Continual));
    }
}
