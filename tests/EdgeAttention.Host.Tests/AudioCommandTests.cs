using System.Text;
using EdgeAttention.Format;
using EdgeAttention.FrontEnd;
using EdgeAttention.Host.Commands;
using EdgeAttention.Model;

namespace EdgeAttention.Host.Tests;

/// <summary>`features`, `run --input clip.wav` and `listen` in process (models/README.md §5, §6), with their one-line errors.</summary>
public sealed class AudioCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ea-audio-").FullName;

    private static readonly FrontendConfig Front = new() { SampleRate = 8000, Window = 200, Hop = 80, Fft = 256, Mels = 10, FMin = 20, FMax = 3800 };

    private static ModelConfig Config(FrontendConfig? f) => new()
    {
        Name = "audio-test", InputFeatures = 10, DModel = 16, Heads = 2, Window = 6, Layers = 1, FfDim = 24,
        Positional = PositionalKind.Recycling, PositionalPeriod = 6, Attention = AttentionKind.Softmax, FinalNorm = true,
        Classes = ["silence", "unknown", "yes", "no"], Frontend = f,
    };

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string P(string name) => Path.Combine(_dir, name);

    private string Model(FrontendConfig? f = null, string name = "m.eam")
    {
        string p = P(name);
        File.WriteAllBytes(p, SyntheticModel.CreateBytes(Config(f), seed: 3));
        return p;
    }

    private static short[] Clip(int count)
    {
        var s = new short[count];
        for (int i = 0; i < count; i++) s[i] = (short)(6000 * Math.Sin(i * 0.05) * Math.Sin(i * 0.0007));
        return s;
    }

    private string Wav(short[] samples, int rate = 8000, string name = "clip.wav")
    {
        string p = P(name);
        File.WriteAllBytes(p, Format.Wav.ToBytes(samples, rate));
        return p;
    }

    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = Program.Run(args, 0, o, e);
        return (code, o.ToString(), e.ToString());
    }

    [Fact]
    public void FeaturesWritesTheFrontEndFrames()
    {
        string m = Model(Front);
        short[] clip = Clip(3000);
        (int code, _, string err) = Run("features", "--model", m, "--input", Wav(clip), "--output", P("f.npy"));
        Assert.True(code == 0, err);
        float[] f = Npy.Read(P("f.npy"), out int rows, out int cols);
        Assert.Equal((int)Front.FrameCount(clip.Length), rows);
        Assert.Equal(10, cols);
        Assert.Equal(new LogMelFrontEnd(Front).Compute(clip), f);
    }

    [Fact]
    public void RunOnAWavEqualsRunOnItsFrames()
    {
        string m = Model(Front);
        string wav = Wav(Clip(4000));
        Assert.Equal(0, Run("features", "--model", m, "--input", wav, "--output", P("f.npy")).Code);
        Assert.Equal(0, Run("run", "--model", m, "--input", wav, "--output", P("a.npy")).Code);
        Assert.Equal(0, Run("run", "--model", m, "--input", P("f.npy"), "--output", P("b.npy")).Code);
        Assert.Equal(File.ReadAllBytes(P("b.npy")), File.ReadAllBytes(P("a.npy")));
    }

    [Fact]
    public void AudioErrorsAreOneLine()
    {
        string plain = Model(null, "plain.eam"), m = Model(Front);
        (int code, _, string err) = Run("run", "--model", plain, "--input", Wav(Clip(1000)), "--output", P("x.npy"));
        Assert.Equal(1, code);
        Assert.Contains("no audio front end", err);
        (code, _, err) = Run("features", "--model", m, "--input", Wav(Clip(1000), 16000, "fast.wav"), "--output", P("x.npy"));
        Assert.Equal(1, code);
        Assert.Contains("sox", err);
        Assert.Contains("-r 8000", err);
        File.WriteAllText(P("text.wav"), "not audio at all");
        (code, _, err) = Run("features", "--model", m, "--input", P("text.wav"), "--output", P("x.npy"));
        Assert.Equal(1, code);
        Assert.Contains("not a RIFF/WAVE", err);
        foreach (string e in new[] { err })
            Assert.Single(e.TrimEnd('\n').Split('\n'));
        Assert.False(File.Exists(P("x.npy")));
    }

    private static (int Code, string Out, string Err) Listen(Stream stdin, params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        var program = new EdgeAttention.Cli.CliProgram("edge-attention", "test", typeof(Program).Assembly).Add(ListenCommand.Create(stdin));
        int code = program.Run(["listen", .. args], o, e);
        return (code, o.ToString(), e.ToString());
    }

    [Fact]
    public void ListenFromWavAndFromPcmGiveTheSameDetections()
    {
        string m = Model(Front);
        short[] clip = Clip(8000);
        string wav = Wav(clip);
        (int code, string text, string err) = Listen(Stream.Null, "--model", m, "--input", wav, "--threshold", "0.2", "--refractory-ms", "100", "--json");
        Assert.True(code == 0, err);
        Assert.Contains("\"summary\"", err);
        var pcm = new MemoryStream();
        foreach (short s in clip) { pcm.WriteByte((byte)s); pcm.WriteByte((byte)(s >> 8)); }
        pcm.Position = 0;
        (int code2, string text2, string err2) = Listen(pcm, "--model", m, "--source", "pcm:-,rate=8000", "--threshold", "0.2", "--refractory-ms", "100", "--json");
        Assert.True(code2 == 0, err2);
        Assert.Equal(text, text2);
        // Every line is one JSON object naming a keyword (never silence/unknown).
        foreach (string line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            Assert.StartsWith("{\"time_s\":", line);
            Assert.DoesNotContain("\"silence\"", line);
            Assert.DoesNotContain("\"unknown\"", line);
        }
    }

    [Fact]
    public void ListenUsageErrors()
    {
        string m = Model(Front);
        Assert.Equal(2, Listen(Stream.Null, "--model", m).Code);
        (int code, _, string err) = Listen(Stream.Null, "--model", m, "--source", "stdin,features=10");
        Assert.Equal(2, code);
        Assert.Contains("audio sources only", err);
        (code, _, err) = Listen(Stream.Null, "--model", m, "--source", "pcm:-,rate=16000");
        Assert.Contains("8000 Hz", err);
        (code, _, err) = Listen(new MemoryStream([1, 2, 3]), "--model", m, "--source", "pcm:-");
        Assert.Equal(1, code);
        Assert.Contains("16-bit sample", err);
    }
}
