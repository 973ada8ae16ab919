using EdgeAttention.Format;
using EdgeAttention.FrontEnd;

namespace EdgeAttention.Model.Tests;

/// <summary>AudioSession: PCM through the model's front end gives the same logits as its frames fed to a Session; zero allocation per hop.</summary>
public class AudioSessionTests
{
    internal static ModelConfig AudioConfig(int mels = 12, int n = 8)
    {
        ModelConfig b = TestModels.Config(f: mels, n: n, attention: AttentionKind.Nystrom, m: 3, mode: LandmarkMode.Continual);
        var c = new ModelConfig
        {
            Name = "audio-test", InputFeatures = b.InputFeatures, DModel = b.DModel, Heads = b.Heads, Window = b.Window, Layers = b.Layers,
            FfDim = b.FfDim, Activation = b.Activation, Norm = b.Norm, Positional = b.Positional, PositionalPeriod = b.PositionalPeriod,
            Attention = b.Attention, Landmarks = b.Landmarks, LandmarkMode = b.LandmarkMode, PinvIterations = b.PinvIterations,
            FinalNorm = b.FinalNorm, Classes = b.Classes,
            Frontend = new FrontendConfig { SampleRate = 8000, Window = 200, Hop = 80, Fft = 256, Mels = mels, FMin = 20, FMax = 3800 },
        };
        c.Validate();
        return c;
    }

    internal static short[] Audio(int seed, int count)
    {
        var r = new Random(seed);
        var s = new short[count];
        for (int i = 0; i < count; i++) s[i] = (short)(8000 * Math.Sin(i * 0.07 + 3 * Math.Sin(i * 0.001)) + r.Next(-500, 500));
        return s;
    }

    private sealed class Collect : IAudioStepSink
    {
        public readonly List<float[]> Logits = [];
        public int Warmup;
        public void OnStep(long frame, StepStatus status, ReadOnlySpan<float> features, ReadOnlySpan<float> logits)
        {
            if (status == StepStatus.Ready)
            {
                Logits.Add(logits.ToArray());
            }
            else if (status == StepStatus.Warmup) { Warmup++; Assert.True(logits.IsEmpty); }
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(80)]
    [InlineData(333)]
    public void SamplesGiveTheLogitsOfTheirFrames(int chunk)
    {
        ModelConfig c = AudioConfig();
        using ModelFile file = SyntheticModel.Create(c, 11);
        short[] s = Audio(1, 4000);

        float[] frames = new LogMelFrontEnd(c.Frontend!).Compute(s);
        int t = frames.Length / c.InputFeatures;
        using var plain = new Session(file);
        var expected = new List<float[]>();
        var logits = new float[c.ClassCount];
        for (int k = 0; k < t; k++)
            if (plain.Step(frames.AsSpan(k * c.InputFeatures, c.InputFeatures), logits) == StepStatus.Ready) expected.Add((float[])logits.Clone());

        using var audio = new AudioSession(file);
        var sink = new Collect();
        for (int i = 0; i < s.Length; i += chunk) audio.Push(s.AsSpan(i, Math.Min(chunk, s.Length - i)), sink);
        Assert.Equal(c.Window - 1, sink.Warmup);
        Assert.Equal(t - c.Window + 1, sink.Logits.Count);
        for (int j = 0; j < expected.Count; j++) Assert.Equal(expected[j], sink.Logits[j]);
    }

    [Fact]
    public void ModelWithoutFrontendIsAOneLineError()
    {
        using ModelFile file = SyntheticModel.Create(TestModels.Config(), 1);
        var e = Assert.Throws<ModelFormatException>(() => new AudioSession(file));
        Assert.Contains("no audio front end", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    private sealed class Discard : IAudioStepSink
    {
        public long Ready;
        public void OnStep(long frame, StepStatus status, ReadOnlySpan<float> features, ReadOnlySpan<float> logits) { if (status == StepStatus.Ready) Ready++; }
    }

    [Fact]
    public void AllocatesNothingPerHop()
    {
        ModelConfig c = AudioConfig();
        using ModelFile file = SyntheticModel.Create(c, 3);
        using var audio = new AudioSession(file);
        short[] s = Audio(2, 8000);
        var sink = new Discard();
        audio.Push(s, sink);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int round = 0; round < 3; round++)
            for (int i = 0; i + 80 <= s.Length; i += 80) audio.Push(s.AsSpan(i, 80), sink);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.True(sink.Ready > 200);
    }
}
