using EdgeAttention.Format;
using EdgeAttention.Host.Models;
using EdgeAttention.Model;

namespace EdgeAttention.Host.Tests;

/// <summary>The load-time memory check of the model commands (--max-memory, cgroup limits) and the sizes it parses.</summary>
public sealed class MemoryBudgetTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ea-mem-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>A tiny model (a few kB of weights) whose window makes its session large: the case of the bug report.</summary>
    private static readonly ModelConfig BigWindow = Config(65536, 32);

    private static ModelConfig Config(int window, int landmarks) => new()
    {
        Name = "big-window",
        InputFeatures = 4, DModel = 16, Heads = 2, Window = window, Layers = 2, FfDim = 16,
        Positional = PositionalKind.Recycling, PositionalPeriod = 8,
        Attention = AttentionKind.Nystrom, Landmarks = landmarks, LandmarkMode = LandmarkMode.Continual,
        Classes = ["a", "b"],
    };

    private string WriteModel(ModelConfig c)
    {
        string p = Path.Combine(_dir, "model.eam");
        File.WriteAllBytes(p, SyntheticModel.CreateBytes(c, seed: 1));
        return p;
    }

    private string WriteFrames(int rows, int cols)
    {
        string p = Path.Combine(_dir, "frames.npy");
        Npy.Write(p, new float[rows * cols], rows, cols);
        return p;
    }

    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = Program.Run(args, 0, o, e);
        return (code, o.ToString(), e.ToString());
    }

    [Theory]
    [InlineData("268435456", 268435456L)]
    [InlineData("256M", 256L << 20)]
    [InlineData("256MB", 256L << 20)]
    [InlineData("1G", 1L << 30)]
    [InlineData("64k", 64L << 10)]
    public void SizesParse(string text, long bytes) => Assert.Equal(bytes, MemoryBudget.ParseSize(text));

    [Theory]
    [InlineData("")]
    [InlineData("0")]
    [InlineData("-5M")]
    [InlineData("1.5G")]
    [InlineData("lots")]
    [InlineData("99999999999999999999G")]
    public void BadSizesAreRefused(string text) => Assert.Null(MemoryBudget.ParseSize(text));

    [Theory]
    [InlineData("max\n", null)]
    [InlineData("536870912\n", 536870912L)]
    [InlineData("9223372036854771712\n", null)]   // cgroup v1 "unlimited"
    public void CgroupLimitFilesParse(string text, long? bytes) => Assert.Equal(bytes, MemoryBudget.ParseLimit(text));

    [Fact]
    public void DefaultLimitIsPositiveAndAtMostTheCgroupLimit()
    {
        long limit = MemoryBudget.DefaultLimit();
        Assert.True(limit > 0);
        if (MemoryBudget.CgroupLimitBytes() is { } cgroup) Assert.True(limit <= cgroup);
    }

    [Fact]
    public void ABigWindowModel_IsRefusedAtLoad_WithTheFigureAndTheFix()
    {
        string model = WriteModel(BigWindow);
        long need = SessionMemory.Total(BigWindow, Execution.Continual);
        Assert.True(need > 64L << 20, $"session {need} bytes");
        (int code, string stdout, string err) = Run("run", "--model", model, "--input", WriteFrames(4, 4), "--output", Path.Combine(_dir, "out.npy"), "--max-memory", "64M");
        Assert.Equal(1, code);
        Assert.Equal("", stdout);
        Assert.Single(err.TrimEnd('\n').Split('\n'));
        Assert.Contains(MemoryBudget.Format(need), err);
        Assert.Contains("--max-memory 64M", err);
        Assert.Contains("smaller window", err);
        Assert.False(File.Exists(Path.Combine(_dir, "out.npy")));
    }

    [Theory]
    [InlineData("selftest")]
    [InlineData("bench")]
    [InlineData("stream")]
    public void EveryModelCommand_ChecksTheLimit(string command)
    {
        string model = WriteModel(BigWindow);
        string[] args = command switch
        {
            "stream" => ["stream", "--model", model, "--source", "file:" + WriteFrames(4, 4), "--max-memory", "1M"],
            _ => [command, "--model", model, "--max-memory", "1M"],
        };
        (int code, _, string err) = Run(args);
        Assert.Equal(1, code);
        Assert.Contains("above --max-memory 1M", err);
    }

    [Fact]
    public void AModelThatFits_Runs_AndInfoReportsTheSameFigure()
    {
        ModelConfig small = Config(16, 4);
        string model = WriteModel(small);
        (int code, _, string err) = Run("run", "--model", model, "--input", WriteFrames(20, 4), "--output", Path.Combine(_dir, "out.npy"), "--max-memory", "16M");
        Assert.True(code == 0, err);
        (code, string stdout, err) = Run("info", "--model", model);
        Assert.True(code == 0, err);
        Assert.Contains($"session memory (continual): {SessionMemory.Total(small, Execution.Continual)} bytes", stdout);
    }

    [Fact]
    public void ABadSize_IsAUsageError() =>
        Assert.Equal(2, Run("run", "--model", WriteModel(Config(16, 4)), "--input", WriteFrames(20, 4), "--output", Path.Combine(_dir, "y.npy"), "--max-memory", "lots").Code);
}
