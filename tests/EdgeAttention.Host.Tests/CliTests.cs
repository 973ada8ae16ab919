using System.Text;
using System.Text.Json;
using EdgeAttention.Format;
using EdgeAttention.Host.Commands;

namespace EdgeAttention.Host.Tests;

public class CliTests
{
    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = Program.Run(args, 0, o, e);
        return (code, o.ToString(), e.ToString());
    }

    private static void AssertOneLineError(string err, string contains)
    {
        Assert.StartsWith("error: ", err);
        Assert.Contains(contains, err);
        Assert.Single(err.TrimEnd('\n').Split('\n'));
        Assert.DoesNotContain(" at ", err.Replace("at 115200", string.Empty, StringComparison.Ordinal));
    }

    [Fact]
    public void VersionAndHelp()
    {
        var v = Run("--version");
        Assert.Equal(0, v.Code);
        Assert.StartsWith($"edge-attention {Program.Version}", v.Out.Trim());
        Assert.Single(v.Out.TrimEnd('\n').Split('\n'));
        var h = Run("--help");
        Assert.Equal(0, h.Code);
        Assert.Contains("edge-attention stream", h.Out);
        Assert.Contains("selftest", h.Out);
        var streamHelp = new MemoryStream();
        Assert.Equal(0, StreamCommand.Execute(["--help"], streamHelp, TextWriter.Null, Stream.Null, null, 0, CancellationToken.None));
        Assert.Contains("serial:/dev/ttyUSB0", Encoding.UTF8.GetString(streamHelp.ToArray()));
        foreach (var command in new[] { "selftest", "info", "bench", "generate" })
        {
            var c = Run(command, "--help");
            Assert.Equal(0, c.Code);
            Assert.StartsWith($"usage: edge-attention {command}", c.Out);
        }

        var none = Run();
        Assert.Equal(2, none.Code);
        Assert.Contains("usage:", none.Err);
    }

    [Theory]
    [InlineData(2, "unknown command 'fly'", "fly")]
    [InlineData(2, "--model is required", "stream", "--source", "stdin")]
    [InlineData(2, "--source is required", "stream", "--model", "m.eam")]
    [InlineData(2, "unknown argument '--bogus'", "stream", "--bogus")]
    [InlineData(2, "--model needs a value", "stream", "--model")]
    [InlineData(2, "unknown source 'bogus:x'", "stream", "--model", "m.eam", "--source", "bogus:x")]
    [InlineData(2, "--max-frames must be an integer", "stream", "--model", "m.eam", "--source", "stdin", "--max-frames", "lots")]
    [InlineData(1, "model file /nonexistent/m.eam not found", "stream", "--model", "/nonexistent/m.eam", "--source", "stdin")]
    [InlineData(2, "--frames must be an integer", "selftest", "--frames", "-3")]
    [InlineData(1, "model file nope.eam not found", "info", "--model", "nope.eam")]
    [InlineData(2, "--preset must be gtzan or selftest", "bench", "--preset", "huge")]
    public void BadArguments_GiveOneLineErrors_AndNonZeroExit(int code, string message, params string[] args)
    {
        var r = Run(args);
        Assert.Equal(code, r.Code);
        AssertOneLineError(r.Err, message);
    }

    [Fact]
    public void EveryCommandsHelp_ExplainsEveryOptionAndItsDefault()
    {
        var program = Program.Create(0);
        Assert.Equal(["run", "stream", "selftest", "info", "bench", "generate", "features", "listen"], program.Commands.Select(c => c.Name));
        foreach (var command in program.Commands)
        {
            var o = new StringWriter();
            Assert.Equal(0, program.Run([command.Name, "--help"], o, TextWriter.Null));
            string help = o.ToString();
            foreach (var option in command.Options)
            {
                string row = help.Split('\n').Single(l => l.StartsWith($"  {option.Name} ", StringComparison.Ordinal));
                Assert.Contains(option.Help, row);
                if (option.Default is not null)
                {
                    Assert.Contains($"(default: {option.Default})", row);
                }
            }
        }
    }

    [Theory]
    [InlineData("run")]
    [InlineData("stream")]
    [InlineData("selftest")]
    [InlineData("info")]
    [InlineData("bench")]
    [InlineData("generate")]
    public void UnknownOption_NamesIt_SuggestsHelp_ExitsTwo(string command)
    {
        var r = Run(command, "--colour", "blue");
        Assert.Equal(2, r.Code);
        AssertOneLineError(r.Err, $"unknown argument '--colour' for '{command}'; see 'edge-attention {command} --help'");
    }

    [Fact]
    public void KeyEqualsValue_WorksLikeKeySpaceValue()
    {
        using var m = new TestModel();
        var spaced = Run("bench", "--model", m.Path, "--steps", "20", "--json");
        var joined = Run("bench", $"--model={m.Path}", "--steps=20", "--json");
        Assert.True(joined.Code == 0, joined.Err);
        Assert.Equal(spaced.Code, joined.Code);
        Assert.Equal(20, JsonDocument.Parse(joined.Out).RootElement.GetProperty("steps").GetInt32());
        AssertOneLineError(Run("bench", "--json=yes").Err, "--json takes no value");
        AssertOneLineError(Run("bench", "--steps=").Err, "--steps needs a non-empty value");
        AssertOneLineError(Run("bench", "--steps", "3", "--steps", "4").Err, "--steps given twice");
    }

    [Fact]
    public void BenchOfAGeneratedModel_TimesFloat32AndInt8SideBySide()
    {
        var text = Run("bench", "--preset", "selftest", "--steps", "30");
        Assert.True(text.Code == 0, text.Err);
        string[] lines = text.Out.TrimEnd('\n').Split('\n');
        Assert.StartsWith("kernels: float32 ", lines[1]);
        Assert.Contains(", int8 ", lines[1]);
        Assert.StartsWith("float32 continual: 30 steps", lines[2]);
        Assert.StartsWith("int8 continual: 30 steps", lines[3]);
        Assert.StartsWith("int8 vs float32: ", lines[4]);

        var json = JsonDocument.Parse(Run("bench", "--preset", "selftest", "--steps", "30", "--json").Out).RootElement;
        Assert.False(json.GetProperty("float32").GetProperty("int8").GetBoolean());
        Assert.True(json.GetProperty("int8").GetProperty("int8").GetBoolean());
        Assert.Equal(0, json.GetProperty("int8").GetProperty("allocated_bytes_per_step").GetDouble());
        Assert.True(json.GetProperty("int8_speedup_p50").GetDouble() > 0);

        var int8Only = Run("bench", "--preset", "selftest", "--steps", "30", "--int8");
        Assert.DoesNotContain("float32 continual", int8Only.Out);
        Assert.Contains("int8 continual: 30 steps", int8Only.Out);
    }

    [Fact]
    public void MissingFrameFile_IsAnInputError_ExitOne()
    {
        using var m = new TestModel();
        var r = Run("stream", "--model", m.Path, "--source", "file:/nonexistent/frames.npy");
        Assert.Equal(1, r.Code);
        AssertOneLineError(r.Err, "frame file /nonexistent/frames.npy not found");
    }

    [Theory]
    [InlineData("info")]
    [InlineData("bench")]
    [InlineData("selftest")]
    [InlineData("stream")]
    public void CorruptModel_NamesItsPathOnce(string command)
    {
        using var m = new TestModel();
        File.WriteAllBytes(m.Path, new byte[200]);
        var r = command == "stream" ? Run(command, "--model", m.Path, "--source", "stdin") : Run(command, "--model", m.Path);
        Assert.Equal(1, r.Code);
        AssertOneLineError(r.Err, m.Path);
        Assert.Equal(1, r.Err.Split(m.Path).Length - 1);
    }

    [Fact]
    public void DeviceProblems_NameTheFix()
    {
        using var m = new TestModel();
        var serial = Run("stream", "--model", m.Path, "--source", "serial:/dev/ttyNOPE0,baud=115200");
        Assert.Equal(3, serial.Code);
        AssertOneLineError(serial.Err, "serial port /dev/ttyNOPE0 not found");

        var spi = Run("stream", "--model", m.Path, "--source", "gpio:mcp3008,spi=9.9,ready=17");
        Assert.Equal(3, spi.Code);
        AssertOneLineError(spi.Err, "/dev/spidev9.9 not found");

        var noReady = Run("stream", "--model", m.Path, "--source", "gpio:mcp3008,spi=0.0");
        Assert.Equal(2, noReady.Code);
        AssertOneLineError(noReady.Err, "needs ready=N");

        var unknownOption = Run("stream", "--model", m.Path, "--source", "stdin,speed=3");
        Assert.Equal(2, unknownOption.Code);
        AssertOneLineError(unknownOption.Err, "source option 'speed' is not known");

        var features = Run("stream", "--model", m.Path, "--source", "stdin,features=7");
        Assert.Equal(2, features.Code);
        AssertOneLineError(features.Err, "the model takes 3");

        var alert = Run("stream", "--model", m.Path, "--source", "stdin", "--alert-pin", "27");
        Assert.Equal(2, alert.Code);
        AssertOneLineError(alert.Err, "--alert-pin and --alert-class go together");

        var reply = Run("stream", "--model", m.Path, "--source", "stdin", "--reply");
        Assert.Equal(2, reply.Code);
        AssertOneLineError(reply.Err, "--reply needs a serial source");
    }

    [Fact]
    public void CorruptModelFile_IsAOneLineError()
    {
        using var m = new TestModel();
        File.WriteAllBytes(m.Path, Encoding.ASCII.GetBytes("not a model at all, just text"));
        var r = Run("info", "--model", m.Path);
        Assert.Equal(1, r.Code);
        Assert.StartsWith("error: ", r.Err);
        Assert.Single(r.Err.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public void StreamFromAFile_WritesOneJsonLinePerStep_MatchingTheSession()
    {
        using var m = new TestModel(window: 6);
        const int T = 40;
        var frames = m.Frames(T);
        string npy = Path.Combine(m.Directory, "frames.npy");
        Npy.Write(npy, frames, T, m.Config.InputFeatures);
        var stdout = new MemoryStream();
        var stderr = new StringWriter();
        int code = StreamCommand.Execute(["--model", m.Path, "--source", $"file:{npy}"], stdout, stderr, Stream.Null, null, 0, CancellationToken.None);
        Assert.True(code == 0, stderr.ToString());

        var lines = Encoding.UTF8.GetString(stdout.ToArray()).TrimEnd('\n').Split('\n');
        var expected = m.Expected(frames);
        Assert.Equal(T - 6 + 1, lines.Length);
        Assert.Equal(expected.Count, lines.Length);
        for (int j = 0; j < lines.Length; j++)
        {
            using var doc = JsonDocument.Parse(lines[j]);
            var r = doc.RootElement;
            Assert.Equal(5 + j, r.GetProperty("step").GetInt64());
            Assert.Equal(expected[j].Top, r.GetProperty("index").GetInt32());
            Assert.InRange(Math.Abs(expected[j].Score - r.GetProperty("score").GetDouble()), 0, 2e-6); // printed with 6 decimals
            Assert.Equal(m.Config.Classes[expected[j].Top], r.GetProperty("class").GetString());
            Assert.Equal(0, r.GetProperty("dropped").GetInt64());
        }

        using var summary = JsonDocument.Parse(stderr.ToString());
        Assert.Equal(T, summary.RootElement.GetProperty("summary").GetProperty("frames").GetInt64());
    }

    [Fact]
    public void StreamFromStdin_RawFloat32Frames_RejectsNaNFrames()
    {
        using var m = new TestModel(window: 4);
        const int T = 12;
        var frames = m.Frames(T);
        frames[7 * 3 + 1] = float.NaN; // frame 7 is bad
        var input = new MemoryStream(MemoryMarshalBytes(frames));
        var stdout = new MemoryStream();
        var stderr = new StringWriter();
        int code = StreamCommand.Execute(["--model", m.Path, "--source", "stdin,features=3"], stdout, stderr, input, null, 0, CancellationToken.None);
        Assert.True(code == 0, stderr.ToString());
        var lines = Encoding.UTF8.GetString(stdout.ToArray()).TrimEnd('\n').Split('\n');
        Assert.Equal(T - 1 - 4 + 1, lines.Length); // 11 good frames
        using var last = JsonDocument.Parse(lines[^1]);
        Assert.Equal(1, last.RootElement.GetProperty("rejected").GetInt64());
        Assert.Equal(T - 2, last.RootElement.GetProperty("step").GetInt64()); // positions count accepted frames
    }

    [Fact]
    public void StdinEndingMidFrame_IsReported()
    {
        using var m = new TestModel(window: 2);
        var bytes = MemoryMarshalBytes(m.Frames(3));
        var input = new MemoryStream(bytes.AsSpan(0, bytes.Length - 2).ToArray());
        var stderr = new StringWriter();
        int code = StreamCommand.Execute(["--model", m.Path, "--source", "stdin"], new MemoryStream(), stderr, input, null, 0, CancellationToken.None);
        Assert.Equal(1, code);
        Assert.Contains("error: stdin", stderr.ToString());
        Assert.Contains("ended 10 bytes into a frame", stderr.ToString());
    }

    [Fact]
    public void SelfTest_PassesOnThisMachine_AndReportsTheVariants()
    {
        var r = Run("selftest");
        Assert.True(r.Code == 0, r.Out + r.Err);
        Assert.Contains("int8 variant: ", r.Out);
        Assert.Contains("selftest: PASS", r.Out);

        var j = Run("selftest", "--json");
        Assert.Equal(0, j.Code);
        using var doc = JsonDocument.Parse(j.Out);
        Assert.True(doc.RootElement.GetProperty("pass").GetBoolean());
        Assert.Equal(5, doc.RootElement.GetProperty("models").GetArrayLength());   // float32, int8, int8 pre-norm × 3 landmark modes
    }

    [Fact]
    public void SelfTestInfoAndBench_WithAGivenModel()
    {
        using var m = new TestModel();
        var s = Run("selftest", "--model", m.Path, "--frames", "30");
        Assert.True(s.Code == 0, s.Out + s.Err);
        var i = Run("info", "--model", m.Path);
        Assert.Equal(0, i.Code);
        Assert.Contains("classes (3): silence, yes, no", i.Out);
        var ij = Run("info", "--model", m.Path, "--json");
        Assert.True(ij.Code == 0, ij.Err);
        using (var info = JsonDocument.Parse(ij.Out))
        {
            Assert.Equal(3, info.RootElement.GetProperty("model").GetProperty("classes").GetArrayLength());
            Assert.Equal(Program.Version, info.RootElement.GetProperty("version").GetString());
            Assert.False(string.IsNullOrEmpty(info.RootElement.GetProperty("int8_variant").GetString()));
        }

        var b = Run("bench", "--model", m.Path, "--steps", "50", "--json");
        Assert.True(b.Code == 0, b.Err);
        using var doc = JsonDocument.Parse(b.Out);
        Assert.Equal(50, doc.RootElement.GetProperty("steps").GetInt32());
    }

    [Fact]
    public void Generate_WritesAModelThatInfoAndSelfTestAccept()
    {
        var dir = Directory.CreateTempSubdirectory("ea-gen-");
        try
        {
            string path = Path.Combine(dir.FullName, "g.eam");
            var g = Run("generate", "--output", path, "--int8");
            Assert.True(g.Code == 0, g.Err);
            Assert.True(File.Exists(path));
            Assert.Single(Directory.GetFiles(dir.FullName)); // no temp file left
            var i = Run("info", "--model", path);
            Assert.Equal(0, i.Code);
            Assert.Contains("window 24", i.Out);
            string nowhere = Path.Combine(dir.FullName, "no", "such", "m.eam");
            var bad = Run("generate", "--output", nowhere);
            Assert.Equal(1, bad.Code);
            AssertOneLineError(bad.Err, $"cannot write {nowhere}: its folder does not exist; create it first");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static byte[] MemoryMarshalBytes(float[] values)
    {
        var bytes = new byte[values.Length * 4];
        Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
        return bytes;
    }
}
