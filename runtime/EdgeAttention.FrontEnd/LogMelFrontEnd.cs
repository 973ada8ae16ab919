using System.Numerics;
using EdgeAttention.Format;
using EdgeAttention.Kernels;

namespace EdgeAttention.FrontEnd;

/// <summary>
/// Streaming log-mel front end (models/README.md §6): int16 PCM in, one frame of M = mels features out every H
/// samples once W have arrived. Frame k covers samples kH … kH + W − 1 and is produced as soon as its last sample
/// arrives (no centering, no padding). Per frame:
/// x[i] = s[kH + i]/32768 · w[i] (periodic Hann, i &lt; W; zero for W ≤ i &lt; N; float64 like the FFT);
/// P[j] = |DFT_N(x)[j]|², j = 0 … N/2 (<see cref="RealFft"/>, float64, rounded to float32);
/// E[b] = Σ_j fb[b, j] P[j] (sparse HTK-mel triangles, <see cref="MelFilterbank"/>);
/// feature[b] = ln(E[b] + log_floor).
/// <para>
/// Everything is built at construction (window, FFT tables, filterbank, a W-sample ring and the work buffers);
/// <see cref="Feed(ReadOnlySpan{short}, out bool)"/> and <see cref="Push(ReadOnlySpan{short}, IFrameSink)"/> allocate
/// nothing. Not thread-safe: one instance per stream.
/// </para>
/// </summary>
public sealed class LogMelFrontEnd
{
    private const float SampleScale = 1f / 32768f;

    private readonly KernelVariant variant;
    private readonly int w, h, n;
    private readonly float logFloor;
    private readonly double[] window;     // [W]
    private readonly double[] twiddles;   // [2N]
    private readonly int[] bitReverse;    // [N/2]
    private readonly float[] melWeights;  // non-zero filter weights, band runs back to back
    private readonly int[] melFirstBin;   // [M]
    private readonly int[] melOffsets;    // [M + 1]
    private readonly float[] ring;        // [W] last W samples (scaled); oldest at ringPos once full
    private readonly double[] frame;      // [N] windowed frame (float64, RealFft), zero-padded tail never written
    private readonly double[] re, im;     // [N/2] FFT work
    private readonly float[] power;       // [N/2 + 1]
    private readonly float[] energies;    // [M]
    private readonly float[] features;    // [M]
    private int ringPos;
    private int untilNext;                // samples still needed before the next frame completes
    private long frames;
    private long samples;

    /// <summary>Builds the front end of <paramref name="config"/> (validated here) with the dispatched kernels.</summary>
    public LogMelFrontEnd(FrontendConfig config) : this(config, KernelDispatch.Float32) { }

    /// <summary>Builds the front end with an explicit kernel variant (tests, benchmarks).</summary>
    public LogMelFrontEnd(FrontendConfig config, KernelVariant variant)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        if (!KernelDispatch.IsAvailableFloat32(variant))
            throw new ArgumentException($"LogMelFrontEnd: kernel variant '{KernelDispatch.Name(variant)}' is not available here.", nameof(variant));
        Config = config;
        this.variant = variant;
        w = config.Window; h = config.Hop; n = config.Fft;
        logFloor = (float)config.LogFloor;
        window = MelFilterbankTables.HannWindow(w);
        twiddles = new double[RealFft.TwiddleLength(n)];
        bitReverse = new int[RealFft.BitReverseLength(n)];
        RealFft.BuildTables(n, twiddles, bitReverse);
        (melWeights, melFirstBin, melOffsets) = MelFilterbankTables.Sparse(config.SampleRate, n, config.Mels, config.FMin, config.FMax);
        ring = new float[w];
        frame = new double[n];
        re = new double[n / 2];
        im = new double[n / 2];
        power = new float[n / 2 + 1];
        energies = new float[config.Mels];
        features = new float[config.Mels];
        Reset();
    }

    /// <summary>The front end's config.</summary>
    public FrontendConfig Config { get; }

    /// <summary>Features per frame (M = mels).</summary>
    public int Mels => features.Length;

    /// <summary>Frames produced since the start (or the last <see cref="Reset"/>).</summary>
    public long FramesEmitted => frames;

    /// <summary>Samples consumed since the start (or the last <see cref="Reset"/>).</summary>
    public long SamplesConsumed => samples;

    /// <summary>The newest frame's M features (valid after <see cref="Feed(ReadOnlySpan{short}, out bool)"/> reported one; overwritten by the next).</summary>
    public ReadOnlySpan<float> Frame => features;

    /// <summary>Starts a new stream: forgets buffered samples and counts.</summary>
    public void Reset()
    {
        Array.Clear(ring);
        ringPos = 0;
        untilNext = w;
        frames = 0;
        samples = 0;
    }

    /// <summary>
    /// Consumes samples up to and including the last sample of the next frame (or all of them if that frame is not
    /// complete); returns how many were consumed. When <paramref name="frameReady"/> is true, <see cref="Frame"/> holds
    /// the new frame. Loop: <c>while (!s.IsEmpty) { s = s[fe.Feed(s, out bool ready)..]; if (ready) Use(fe.Frame); }</c>
    /// </summary>
    public int Feed(ReadOnlySpan<short> input, out bool frameReady) => FeedScaled(input, SampleScale, out frameReady);

    /// <summary><see cref="Feed(ReadOnlySpan{short}, out bool)"/> for float samples already scaled to [−1, 1) (int16 / 32768).</summary>
    public int Feed(ReadOnlySpan<float> input, out bool frameReady) => FeedScaled(input, 1f, out frameReady);

    /// <summary>Consumes all samples, handing every completed frame to <paramref name="sink"/>; returns the number of frames.</summary>
    public int Push(ReadOnlySpan<short> input, IFrameSink sink) => PushScaled(input, SampleScale, sink);

    /// <summary><see cref="Push(ReadOnlySpan{short}, IFrameSink)"/> for float samples in [−1, 1).</summary>
    public int Push(ReadOnlySpan<float> input, IFrameSink sink) => PushScaled(input, 1f, sink);

    /// <summary>All frames of a whole clip, row-major [T, M] with T = ⌊(S − W)/H⌋ + 1 (0 when S &lt; W); resets first.</summary>
    public float[] Compute(ReadOnlySpan<short> clip)
    {
        Reset();
        long t = Config.FrameCount(clip.Length);
        var result = new float[checked(t * Mels)];
        int row = 0;
        while (!clip.IsEmpty)
        {
            clip = clip[Feed(clip, out bool ready)..];
            if (ready) features.CopyTo(result.AsSpan(row++ * Mels));
        }
        return result;
    }

    // ring ← scale · input[0 … take) (take = min(samples to the next frame, input length)); scale is 1/32768 for
    // int16 and 1 for float samples (x · 1 = x exactly, so both overloads keep their values).
    private int FeedScaled<T>(ReadOnlySpan<T> input, float scale, out bool frameReady)
        where T : INumberBase<T>
    {
        int take = Math.Min(untilNext, input.Length);
        for (int i = 0; i < take; i++)
        {
            ring[ringPos] = float.CreateTruncating(input[i]) * scale;
            if (++ringPos == w) ringPos = 0;
        }
        return Consumed(take, out frameReady);
    }

    private int PushScaled<T>(ReadOnlySpan<T> input, float scale, IFrameSink sink)
        where T : INumberBase<T>
    {
        ArgumentNullException.ThrowIfNull(sink);
        int count = 0;
        while (!input.IsEmpty)
        {
            input = input[FeedScaled(input, scale, out bool ready)..];
            if (ready) { sink.OnFrame(frames - 1, features); count++; }
        }
        return count;
    }

    private int Consumed(int take, out bool frameReady)
    {
        samples += take;
        untilNext -= take;
        frameReady = untilNext == 0;
        if (frameReady)
        {
            ComputeFrame();
            untilNext = h;
            frames++;
        }
        return take;
    }

    /// <summary>The four steps of §6 on the ring (oldest sample at ringPos, the ring holds exactly the frame's W samples).</summary>
    private void ComputeFrame()
    {
        int tail = w - ringPos;
        Span<double> x = frame;
        for (int i = 0; i < tail; i++) x[i] = ring[ringPos + i] * window[i];
        for (int i = tail; i < w; i++) x[i] = ring[i - tail] * window[i];
        RealFft.PowerSpectrum(variant, frame, twiddles, bitReverse, re, im, power);
        MelFilterbank.Apply(variant, power, melWeights, melFirstBin, melOffsets, energies);
        for (int b = 0; b < features.Length; b++) features[b] = MathF.Log(energies[b] + logFloor);
    }
}
