using EdgeAttention.Format;
using EdgeAttention.FrontEnd;

namespace EdgeAttention.Model;

/// <summary>Receives one model step per front-end frame of an <see cref="AudioSession"/> (spans valid during the call only).</summary>
public interface IAudioStepSink
{
    /// <summary>
    /// Frame <paramref name="frame"/> (covering samples frame·H … frame·H + W − 1) went through the model:
    /// <paramref name="status"/> is the model's <see cref="StepStatus"/>; <paramref name="logits"/> holds C values when
    /// it is <see cref="StepStatus.Ready"/> (t ≥ n − 1) and is empty otherwise.
    /// </summary>
    void OnStep(long frame, StepStatus status, ReadOnlySpan<float> features, ReadOnlySpan<float> logits);
}

/// <summary>
/// A <see cref="Session"/> fed with PCM through the model's own front end (models/README.md §6): int16 samples in,
/// one model step per completed log-mel frame, exactly as if the frames had been given to <see cref="Session.Step"/>.
/// Everything is allocated here; <see cref="Push(ReadOnlySpan{short}, IAudioStepSink)"/> allocates nothing.
/// </summary>
public sealed class AudioSession : IDisposable
{
    private readonly float[] _logits;
    private readonly StepOnFrame _steps;

    /// <summary>Opens a session on <paramref name="model"/>; a model without a <c>frontend</c> is a one-line error.</summary>
    public AudioSession(ModelFile model, Execution execution = Execution.Continual)
    {
        ArgumentNullException.ThrowIfNull(model);
        FrontendConfig f = model.Config.Frontend
            ?? throw new ModelFormatException($"model '{model.Config.Name ?? "(unnamed)"}' has no audio front end (no 'frontend' in its config), so it cannot take audio; give it frames (.npy) or convert a model.json with a frontend block (models/README.md §6)");
        FrontEnd = new LogMelFrontEnd(f);
        Session = new Session(model, execution);
        _logits = new float[Session.Classes];
        _steps = new StepOnFrame(this);
    }

    /// <summary>The model session (frames, steps, logits).</summary>
    public Session Session { get; }

    /// <summary>The front end (config, frames emitted, samples consumed).</summary>
    public LogMelFrontEnd FrontEnd { get; }

    /// <summary>Sample rate the model expects (Hz).</summary>
    public int SampleRate => FrontEnd.Config.SampleRate;

    /// <summary>Feeds samples; every completed frame is one model step reported to <paramref name="sink"/>. Returns the number of steps.</summary>
    public int Push(ReadOnlySpan<short> samples, IAudioStepSink sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        _steps.Target = sink;
        try { return FrontEnd.Push(samples, _steps); }
        finally { _steps.Target = null; }
    }

    /// <summary><see cref="Push(ReadOnlySpan{short}, IAudioStepSink)"/> for float samples already scaled to [−1, 1) (int16 / 32768).</summary>
    public int Push(ReadOnlySpan<float> samples, IAudioStepSink sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        _steps.Target = sink;
        try { return FrontEnd.Push(samples, _steps); }
        finally { _steps.Target = null; }
    }

    /// <summary>Starts a new stream (front end and model).</summary>
    public void Reset()
    {
        FrontEnd.Reset();
        Session.Reset();
    }

    /// <summary>Ends the model session.</summary>
    public void Dispose() => Session.Dispose();

    private void Step(long frame, ReadOnlySpan<float> features, IAudioStepSink sink)
    {
        StepStatus status = Session.Step(features, _logits);
        sink.OnStep(frame, status, features, status == StepStatus.Ready ? _logits : default);
    }

    /// <summary>The front end's frame sink for one Push: each completed frame is one model step reported to Target.</summary>
    private sealed class StepOnFrame(AudioSession owner) : IFrameSink
    {
        public IAudioStepSink? Target;

        public void OnFrame(long index, ReadOnlySpan<float> features) => owner.Step(index, features, Target!);
    }
}
