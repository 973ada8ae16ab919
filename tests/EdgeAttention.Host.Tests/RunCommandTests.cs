using EdgeAttention.Format;
using EdgeAttention.Model;

namespace EdgeAttention.Host.Tests;

/// <summary>`edge-attention run` in process (models/README.md §5): logits of every ready step, one-line errors.</summary>
public sealed class RunCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ea-run-").FullName;

    private readonly ModelConfig _config = new()
    {
        Name = "run-test",
        InputFeatures = 6,
        DModel = 16,
        Heads = 2,
        Window = 10,
        Layers = 2,
        FfDim = 24,
        Positional = PositionalKind.Recycling,
        PositionalPeriod = 7,
        Attention = AttentionKind.Nystrom,
        Landmarks = 3,
        LandmarkMode = LandmarkMode.Continual,
        FinalNorm = true,
        Classes = ["c0", "c1", "c2"],
    };

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Path(string name) => System.IO.Path.Combine(_dir, name);

    private string WriteModel()
    {
        string p = Path("model.eam");
        File.WriteAllBytes(p, SyntheticModel.CreateBytes(_config, seed: 5));
        return p;
    }

    /// <summary>T frames of F floats, U(−2, 2) around a slow drift, deterministic.</summary>
    private static float[][] Frames(int t, int f, int seed)
    {
        var rng = new Random(seed);
        var frames = new float[t][];
        for (int i = 0; i < t; i++)
        {
            frames[i] = new float[f];
            for (int j = 0; j < f; j++)
            {
                frames[i][j] = (float)(Math.Sin(0.1 * i + j) + (rng.NextDouble() * 4 - 2));
            }
        }

        return frames;
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
        int code = Program.Run(["run", .. args], 0, o, e);
        return (code, o.ToString(), e.ToString());
    }

    [Theory]
    [InlineData("continual")]
    [InlineData("recompute")]
    public void WritesTheLogitsOfEveryReadyStep(string execution)
    {
        string model = WriteModel();
        float[][] frames = Frames(3 * _config.Window + 2, _config.InputFeatures, seed: 6);
        string input = WriteFrames(frames), outputPath = Path("logits.npy");
        (int code, string stdout, string err) = Run("--model", model, "--input", input, "--output", outputPath, "--execution", execution);
        Assert.True(code == 0, err);
        Assert.Equal("", stdout);

        AssertLogitsOfSteppingASession(model, frames, outputPath, execution == "continual" ? Execution.Continual : Execution.Recompute);
    }

    /// <summary>The logits file holds exactly the Ready steps' logits of a session fed the frames one by one.</summary>
    private void AssertLogitsOfSteppingASession(string model, float[][] frames, string logitsPath, Execution execution)
    {
        float[] logits = Npy.Read(logitsPath, out int rows, out int cols);
        Assert.Equal(frames.Length - _config.Window + 1, rows);
        Assert.Equal(_config.Classes.Count, cols);
        using ModelFile file = ModelFile.Open(model);
        using var s = new Session(file, execution);
        var step = new float[s.Classes];
        int j = 0;
        foreach (float[] frame in frames)
        {
            if (s.Step(frame, step) == StepStatus.Ready)
            {
                Assert.Equal(step, logits.AsSpan(j++ * cols, cols).ToArray());
            }
        }

        Assert.Equal(rows, j);
    }

    /// <summary>
    /// A .npy input longer than run's row block (256 rows) is streamed block by block: the logits equal stepping a
    /// session frame by frame, and a NaN in a later block names its row and writes nothing. float64 input too.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ALongInput_IsStreamedInBlocks_WithTheSameLogits(bool float64)
    {
        string model = WriteModel();
        float[][] frames = Frames(2 * 256 + 37, _config.InputFeatures, seed: 9);
        string input = float64 ? WriteFrames64(frames, "long64.npy") : WriteFrames(frames, "long.npy"), outputPath = Path("logits.npy");
        (int code, _, string err) = Run("--model", model, "--input", input, "--output", outputPath);
        Assert.True(code == 0, err);
        AssertLogitsOfSteppingASession(model, frames, outputPath, Execution.Continual);

        frames[2 * 256 + 5][3] = float.NaN;
        string nan = WriteFrames(frames, "long-nan.npy"), output2 = Path("nan-logits.npy");
        (code, _, err) = Run("--model", model, "--input", nan, "--output", output2);
        Assert.Equal(1, code);
        Assert.Equal($"error: {nan} row {2 * 256 + 5} column 3 is NaN; replace NaN/Inf frames before running", err.TrimEnd('\n'));
        Assert.False(File.Exists(output2));
    }

    private string WriteFrames64(float[][] frames, string name)
    {
        int rows = frames.Length, cols = frames[0].Length;
        string dict = $"{{'descr': '<f8', 'fortran_order': False, 'shape': ({rows}, {cols}), }}";
        int total = 10 + dict.Length + 1;
        string header = dict + new string(' ', (total + 63) / 64 * 64 - total) + "\n";
        var bytes = new byte[10 + header.Length + 8 * rows * cols];
        bytes[0] = 0x93;
        System.Text.Encoding.ASCII.GetBytes("NUMPY", bytes.AsSpan(1));
        bytes[6] = 1;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)header.Length);
        System.Text.Encoding.ASCII.GetBytes(header, bytes.AsSpan(10));
        int at = 10 + header.Length;
        foreach (float[] row in frames)
        {
            foreach (float v in row)
            {
                System.Buffers.Binary.BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(at), v);
                at += 8;
            }
        }

        string p = Path(name);
        File.WriteAllBytes(p, bytes);
        return p;
    }

    [Theory]
    [InlineData(3e38f)]
    [InlineData(-1e30f)]
    public void AHugeFiniteFrameValue_IsRejectedWithOneLine_AndNoOutputIsWritten(float value)
    {
        string model = WriteModel();
        float[][] frames = Frames(3 * _config.Window, _config.InputFeatures, seed: 6);
        frames[_config.Window + 1][2] = value;
        string input = WriteFrames(frames), output = Path("logits.npy");
        (int code, _, string err) = Run("--model", model, "--input", input, "--output", output);
        Assert.NotEqual(0, code);
        Assert.Single(err.TrimEnd('\n').Split('\n'));
        Assert.Contains($"row {_config.Window + 1} was rejected", err);
        Assert.Contains("scale the input down", err);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void Success_PrintsOneSummaryLineToStderr()
    {
        string model = WriteModel();
        string input = WriteFrames(Frames(25, _config.InputFeatures, seed: 2)), output = Path("logits.npy");
        (int code, _, string err) = Run("--model", model, "--input", input, "--output", output);
        Assert.Equal(0, code);
        Assert.Single(err.TrimEnd('\n').Split('\n'));
        Assert.StartsWith($"wrote {output}: logits [16, 3] from 25 frames (continual", err);
    }

    [Fact]
    public void KeyEqualsValueForm_IsAccepted()
    {
        string model = WriteModel();
        string input = WriteFrames(Frames(12, _config.InputFeatures, seed: 2)), output = Path("logits.npy");
        (int code, _, string err) = Run($"--model={model}", $"--input={input}", $"--output={output}", "--execution=recompute");
        Assert.True(code == 0, err);
        Npy.Read(output, out int rows, out _);
        Assert.Equal(3, rows);
    }

    [Fact]
    public void FewerFramesThanTheWindowGiveAnEmptyArray()
    {
        string model = WriteModel();
        string input = WriteFrames(Frames(_config.Window - 1, _config.InputFeatures, seed: 1));
        (int code, _, string err) = Run("--model", model, "--input", input, "--output", Path("out.npy"));
        Assert.Equal(0, code);
        Assert.Contains("fewer than the window", err);
        float[] logits = Npy.Read(Path("out.npy"), out int rows, out int cols);
        Assert.Equal(0, rows);
        Assert.Equal(_config.Classes.Count, cols);
        Assert.Empty(logits);
    }

    [Fact]
    public void OutputEqualToModelOrInput_IsRefused_AndNothingIsOverwritten()
    {
        string model = WriteModel();
        string input = WriteFrames(Frames(20, _config.InputFeatures, seed: 1));
        byte[] modelBytes = File.ReadAllBytes(model), inputBytes = File.ReadAllBytes(input);
        foreach ((string output, string which) in new[] { (model, "model"), (input, "input"), (System.IO.Path.Combine(_dir, ".", "model.eam"), "model") })
        {
            (int code, _, string err) = Run("--model", model, "--input", input, "--output", output);
            Assert.Equal(1, code); // as the converter
            Assert.StartsWith("error: ", err);
            Assert.Contains($"would overwrite the {which} file", err);
            Assert.Single(err.TrimEnd('\n').Split('\n'));
        }

        Assert.Equal(modelBytes, File.ReadAllBytes(model));
        Assert.Equal(inputBytes, File.ReadAllBytes(input));
    }

    [Fact]
    public void UnwritableOutput_NamesTheUsersPath_NotATempFile()
    {
        string model = WriteModel();
        string input = WriteFrames(Frames(20, _config.InputFeatures, seed: 1));
        string output = Path("no/such/dir/x.npy");
        (int code, _, string err) = Run("--model", model, "--input", input, "--output", output);
        Assert.Equal(1, code);
        Assert.Equal($"error: cannot write {output}: its folder does not exist; create it first", err.TrimEnd('\n'));
    }

    [Fact]
    public void BadInputsFailWithOneLineAndNoOutput()
    {
        string model = WriteModel();
        string good = WriteFrames(Frames(20, _config.InputFeatures, seed: 1));
        float[][] nan = Frames(20, _config.InputFeatures, seed: 1);
        nan[13][2] = float.NaN;
        string nanInput = WriteFrames(nan, "nan.npy");
        string wide = WriteFrames(Frames(20, _config.InputFeatures + 1, seed: 1), "wide.npy");
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
            (["--model", model, "--input", _dir, "--output", outPath], 1, "error:"),
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
            Assert.DoesNotContain("_", err.Replace(_dir, string.Empty, StringComparison.Ordinal)); // no bare resource keys
            Assert.False(File.Exists(outPath), $"{string.Join(' ', args)} left an output file");
        }
    }

    [Fact]
    public void HelpPrintsEveryOptionAndItsDefault()
    {
        (int code, string o, _) = Run("--help");
        Assert.Equal(0, code);
        Assert.StartsWith("usage: edge-attention run --model m.eam --input frames.npy --output logits.npy [--execution continual|recompute]", o);
        Assert.Contains("(default: continual)", o);
    }
}
