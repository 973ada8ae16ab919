using EdgeAttention.Format;
using EdgeAttention.FrontEnd;
using EdgeAttention.Kernels;

namespace EdgeAttention.FrontEnd.Tests;

/// <summary>LogMelFrontEnd against the float64 evaluation of §6 (≤ 1e-3 absolute), streaming behaviour, zero allocation per hop.</summary>
public class LogMelFrontEndTests
{
    public const double Tolerance = 1e-3;

    public static readonly FrontendConfig Kws = new()
    {
        SampleRate = 16000, Window = 400, Hop = 160, Fft = 512, Mels = 40, FMin = 20, FMax = 7600, LogFloor = 1e-6,
    };

    public static TheoryData<KernelVariant> Variants()
    {
        var d = new TheoryData<KernelVariant>();
        foreach (KernelVariant v in KernelDispatch.AvailableFloat32) d.Add(v);
        return d;
    }

    private static double MaxAbsDiff(ReadOnlySpan<float> a, ReadOnlySpan<double> b)
    {
        Assert.Equal(b.Length, a.Length);
        double m = 0;
        for (int i = 0; i < a.Length; i++) m = Math.Max(m, Math.Abs(a[i] - b[i]));
        return m;
    }

    private static void AssertClose(FrontendConfig c, KernelVariant v, short[] s, string what)
    {
        float[] actual = new LogMelFrontEnd(c, v).Compute(s);
        double[] expected = Reference.LogMel(c, s);
        double d = MaxAbsDiff(actual, expected);
        Assert.True(d <= Tolerance, $"{what} ({KernelDispatch.Name(v)}): max |Δ| = {d:E3} > {Tolerance}");
    }

    [Theory, MemberData(nameof(Variants))]
    public void MatchesFloat64OnTypicalSignals(KernelVariant v)
    {
        const int s = 8000;
        AssertClose(Kws, v, Signals.SpeechLike(1, 16000, s), "speech-like");
        AssertClose(Kws, v, Signals.Noise(2, s, 0.3), "white noise");
        AssertClose(Kws, v, Signals.Noise(3, s, 1e-4), "near-silent noise");
        AssertClose(Kws, v, new short[s], "silence");
    }

    [Theory, MemberData(nameof(Variants))]
    public void MatchesFloat64OnFullScaleTonesAndChirp(KernelVariant v)
    {
        const int s = 4000;
        AssertClose(Kws, v, Signals.Tone(1000, 16000, s, 1.0), "1 kHz full-scale tone");
        AssertClose(Kws, v, Signals.Tone(97.3, 16000, s, 0.9), "97.3 Hz tone");
        AssertClose(Kws, v, Signals.Tone(7000, 16000, s, 1.0), "7 kHz tone");
        AssertClose(Kws, v, Signals.Chirp(16000, s, 1.0), "chirp");
        short[] square = new short[s];
        for (int i = 0; i < s; i++) square[i] = (i / 40 % 2 == 0) ? short.MaxValue : short.MinValue;
        AssertClose(Kws, v, square, "full-scale square wave");
    }

    [Theory]
    [InlineData(8000, 200, 80, 256, 23, 0, 4000, 1e-6)]
    [InlineData(16000, 512, 512, 512, 64, 0, 8000, 1e-10)]
    [InlineData(22050, 551, 220, 1024, 80, 30, 11025, 1e-6)]
    [InlineData(1000, 1, 1, 1, 1, 0, 500, 1e-3)]
    [InlineData(1000, 3, 2, 4, 2, 0, 500, 1e-6)]
    [InlineData(16000, 400, 160, 2048, 128, 0, 8000, 1e-6)]
    public void MatchesFloat64OnOtherConfigs(int sr, int w, int h, int n, int mels, double fmin, double fmax, double floor)
    {
        var c = new FrontendConfig { SampleRate = sr, Window = w, Hop = h, Fft = n, Mels = mels, FMin = fmin, FMax = fmax, LogFloor = floor };
        foreach (KernelVariant v in KernelDispatch.AvailableFloat32)
        {
            AssertClose(c, v, Signals.SpeechLike(5, sr, Math.Max(3 * w + 17, 2000)), $"speech-like {sr}/{w}/{h}/{n}/{mels}");
            AssertClose(c, v, Signals.Noise(6, Math.Max(3 * w + 5, 1000), 0.5), $"noise {sr}/{w}/{h}/{n}/{mels}");
        }
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(399, 0)]
    [InlineData(400, 1)]
    [InlineData(559, 1)]
    [InlineData(560, 2)]
    [InlineData(16000, 98)]
    public void FrameCountFollowsTheFormula(int samples, int frames)
    {
        var fe = new LogMelFrontEnd(Kws);
        Assert.Equal(frames * 40, fe.Compute(new short[samples]).Length);
        Assert.Equal(frames, fe.FramesEmitted);
    }

    private sealed class Collect : IFrameSink
    {
        public readonly List<float> Values = [];
        public readonly List<long> Indices = [];
        public void OnFrame(long index, ReadOnlySpan<float> features) { Indices.Add(index); Values.AddRange(features.ToArray()); }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(160)]
    [InlineData(401)]
    [InlineData(5000)]
    public void ChunkingDoesNotChangeTheFrames(int chunk)
    {
        short[] s = Signals.SpeechLike(9, 16000, 6000);
        float[] whole = new LogMelFrontEnd(Kws).Compute(s);
        var fe = new LogMelFrontEnd(Kws);
        var sink = new Collect();
        for (int i = 0; i < s.Length; i += chunk) fe.Push(s.AsSpan(i, Math.Min(chunk, s.Length - i)), sink);
        Assert.Equal(whole, sink.Values.ToArray());
        Assert.Equal(Enumerable.Range(0, whole.Length / 40).Select(i => (long)i), sink.Indices);
        // Float input (int16 / 32768) gives the same frames.
        var ff = new LogMelFrontEnd(Kws);
        var fsink = new Collect();
        float[] f = Array.ConvertAll(s, x => x / 32768f);
        for (int i = 0; i < f.Length; i += chunk) ff.Push(f.AsSpan(i, Math.Min(chunk, f.Length - i)), fsink);
        Assert.Equal(whole, fsink.Values.ToArray());
    }

    [Fact]
    public void ResetStartsANewStream()
    {
        short[] s = Signals.Noise(4, 3000, 0.5);
        var fe = new LogMelFrontEnd(Kws);
        float[] first = fe.Compute(s);
        fe.Feed(Signals.Noise(5, 123, 0.5), out _);
        fe.Reset();
        Assert.Equal(0, fe.SamplesConsumed);
        Assert.Equal(first, fe.Compute(s));
    }

    private sealed class Discard : IFrameSink
    {
        public long Count;
        public void OnFrame(long index, ReadOnlySpan<float> features) => Count++;
    }

    [Theory, MemberData(nameof(Variants))]
    public void AllocatesNothingPerHop(KernelVariant v)
    {
        var fe = new LogMelFrontEnd(Kws, v);
        short[] s = Signals.SpeechLike(3, 16000, 16000);
        var sink = new Discard();
        fe.Push(s, sink);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int round = 0; round < 5; round++)
        {
            for (int i = 0; i + 160 <= s.Length; i += 160) fe.Push(s.AsSpan(i, 160), sink);
            ReadOnlySpan<short> rest = s;
            while (!rest.IsEmpty) rest = rest[fe.Feed(rest, out _)..];
        }
        long delta = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(sink.Count > 500);
        Assert.Equal(0, delta);
    }

    [Fact]
    public void BadConfigIsRejectedAtConstruction()
    {
        var c = new FrontendConfig { SampleRate = 16000, Window = 400, Hop = 160, Fft = 300, Mels = 40, FMin = 20, FMax = 7600 };
        Assert.Contains("frontend.fft", Assert.Throws<ModelFormatException>(() => new LogMelFrontEnd(c)).Message);
    }
}
