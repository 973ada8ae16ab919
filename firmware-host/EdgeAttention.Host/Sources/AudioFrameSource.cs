using EdgeAttention.Format;
using EdgeAttention.FrontEnd;

namespace EdgeAttention.Host.Sources;

/// <summary>
/// Base of the audio sources (wav:, pcm:): int16 samples read on the source thread go through the model's front end
/// (models/README.md §6) and every completed log-mel frame goes into the frame ring, so the rest of the pipeline sees
/// ordinary frames of <c>mels</c> values. Frame k is stream time (kH + W) / sr seconds (its last sample).
/// </summary>
internal abstract class AudioFrameSource : ThreadedSource
{
    private readonly LogMelFrontEnd _frontEnd;

    protected AudioFrameSource(FrontendConfig frontend)
    {
        _frontEnd = new LogMelFrontEnd(frontend);
    }

    public override int Features => _frontEnd.Mels;

    public FrontendConfig Frontend => _frontEnd.Config;

    public override void Open()
    {
    }

    /// <summary>Feeds samples; writes each completed frame to the ring (waiting for space when <paramref name="lossless"/>).</summary>
    protected void Emit(ReadOnlySpan<short> samples, FrameRing ring, bool lossless)
    {
        while (!samples.IsEmpty)
        {
            samples = samples[_frontEnd.Feed(samples, out bool ready)..];
            if (ready) ring.Write(_frontEnd.Frame, waitForSpace: lossless);
        }
    }
}
