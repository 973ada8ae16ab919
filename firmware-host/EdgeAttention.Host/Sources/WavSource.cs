using EdgeAttention.Format;

namespace EdgeAttention.Host.Sources;

/// <summary>
/// <c>wav:clip.wav[,realtime]</c>: a PCM16 WAV clip (at the model's sample rate, mixed down to mono) through the
/// front end. Without <c>realtime</c> it runs as fast as the model takes the frames (lossless); with it, one hop of
/// samples is released every H / sr seconds, like a microphone (the ring drops the oldest frame when inference
/// falls behind).
/// </summary>
internal sealed class WavSource : AudioFrameSource
{
    private readonly string _path;
    private readonly short[] _samples;
    private readonly bool _realtime;

    public WavSource(string path, short[] samples, FrontendConfig frontend, bool realtime) : base(frontend)
    {
        _path = path;
        _samples = samples;
        _realtime = realtime;
    }

    public override string Description => $"wav {_path} ({_samples.Length} samples at {Frontend.SampleRate} Hz{(_realtime ? ", real time" : "")})";

    protected override void Run(FrameRing ring)
    {
        int hop = Frontend.Hop;
        var pacer = new FramePacer(_realtime ? (double)Frontend.SampleRate / hop : 0);
        for (int i = 0; i < _samples.Length; i += hop)
        {
            if (!pacer.WaitNext(StopToken)) return;
            Emit(_samples.AsSpan(i, Math.Min(hop, _samples.Length - i)), ring, lossless: !_realtime);
        }
    }
}
