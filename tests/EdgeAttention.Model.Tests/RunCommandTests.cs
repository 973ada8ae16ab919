using EdgeAttention.Format;
using EdgeAttention.Host.Commands;

namespace EdgeAttention.Model.Tests;

/// <summary>`edge-attention run` in process (contract §5).</summary>
public sealed class RunCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ea-run-").FullName;
    private readonly ModelConfig _config = TestModels.Config(attention: AttentionKind.Nystrom, m: 3, mode: LandmarkMode.Continual, layers: 2);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Path(string name) => System.IO.Path.Combine(_dir, name);

    private string WriteModel()
    {
        string p = Path("model.eam");
        File.WriteAllBytes(p, SyntheticModel.CreateBytes(_config, seed: 5));
        return p;
    }

    private string WriteFrames(float[][] frames, string name = "frames.npy")
    {
        string p = Path(name);
        int cols = frames.Length > 0 ? frames[0].Length : _config.InputFeatures;
        Npy.Write(p, frames.SelectMany(r => r).ToArray(), frames.Length, cols);
        return p;
    }

    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = RunCommand.Execute(args, o, e);
        return (code, o.ToString(), e.ToString());
    }

    [Theory]
    [InlineData("continual")]
    [InlineData("recompute")]
    public void WritesTheLogitsOfEveryReadyStep(string execution)
    {
        string model = WriteModel();
        float[][] frames = TestModels.Frames(3 * _config.Window + 2, _config.InputFeatures, seed: 6);
        string input = WriteFrames(frames), outputPath = Path("logits.npy");
        (int code, _, string err) = Run("--model", model, "--input", input, "--output", outputPath, "--execution", execution);
        Assert.True(code == 0, err);
        Assert.Equal("", err);

        float[] logits = Npy.Read(outputPath, out int rows, out int cols);
        Assert.Equal(frames.Length - _config.Window + 1, rows);
        Assert.Equal(_config.Classes.Count, cols);
        using ModelFile file = ModelFile.Open(model);
        using var s = new Session(file, execution == "continual" ? Execution.Continual : Execution.Recompute);
        float[][] expected = TestModels.Run(s, frames);
        for (int j = 0; j < rows; j++) Assert.Equal(expected[j], logits.AsSpan(j * cols, cols).ToArray());
    }

    [Fact]
    public void FewerFramesThanTheWindowGiveAnEmptyArray()
    {
        string model = WriteModel();
        string input = WriteFrames(TestModels.Frames(_config.Window - 1, _config.InputFeatures, seed: 1));
        (int code, _, string err) = Run("--model", model, "--input", input, "--output", Path("out.npy"));
        Assert.Equal(0, code);
        Assert.Contains("fewer than the window", err);
        float[] logits = Npy.Read(Path("out.npy"), out int rows, out int cols);
        Assert.Equal(0, rows);
        Assert.Equal(_config.Classes.Count, cols);
        Assert.Empty(logits);
    }

    [Fact]
    public void BadInputsFailWithOneLineAndNoOutput()
    {
        string model = WriteModel();
        string good = WriteFrames(TestModels.Frames(20, _config.InputFeatures, seed: 1));
        float[][] nan = TestModels.Frames(20, _config.InputFeatures, seed: 1);
        nan[13][2] = float.NaN;
        string nanInput = WriteFrames(nan, "nan.npy");
        string wide = WriteFrames(TestModels.Frames(20, _config.InputFeatures + 1, seed: 1), "wide.npy");
        string garbage = Path("garbage.eam");
        File.WriteAllText(garbage, "not a model");
        string notNpy = Path("text.npy");
        File.WriteAllText(notNpy, "hello");
        string outPath = Path("logits.npy");

        var cases = new (string[] Args, int Code, string Needle)[]
        {
            (["--model", Path("missing.eam"), "--input", good, "--output", outPath], 1, "missing.eam"),
            (["--model", garbage, "--input", good, "--output", outPath], 1, "error:"),
            (["--model", model, "--input", Path("missing.npy"), "--output", outPath], 1, "missing.npy"),
            (["--model", model, "--input", notNpy, "--output", outPath], 1, "error:"),
            (["--model", model, "--input", nanInput, "--output", outPath], 1, "row 13"),
            (["--model", model, "--input", wide, "--output", outPath], 1, "features"),
            (["--model", model, "--input", good, "--output", outPath, "--execution", "fast"], 2, "--execution"),
            (["--model", model, "--input", good], 2, "--output"),
            (["--model", model, "--input", good, "--output"], 2, "needs a value"),
            (["--bogus"], 2, "unknown argument"),
        };
        foreach ((string[] args, int expectedCode, string needle) in cases)
        {
            (int code, _, string err) = Run(args);
            Assert.True(code == expectedCode, $"{string.Join(' ', args)} → {code}: {err}");
            Assert.StartsWith("error: ", err);
            Assert.Contains(needle, err);
            Assert.Single(err.TrimEnd('\n').Split('\n'));
            Assert.False(File.Exists(outPath), $"{string.Join(' ', args)} left an output file");
        }
    }

    [Fact]
    public void HelpPrintsUsage()
    {
        (int code, string o, _) = Run("--help");
        Assert.Equal(0, code);
        Assert.Contains("--execution", o);
    }
}
