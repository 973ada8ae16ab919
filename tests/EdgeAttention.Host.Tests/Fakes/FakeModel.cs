using EdgeAttention.Host.Pipeline;
using EdgeAttention.Model;

namespace EdgeAttention.Host.Tests.Fakes;

/// <summary>
/// A model for loop tests: warm-up for the first Window − 1 frames, then logits[c] = frame[0] · (c + 1) − c
/// (so the top class follows frame[0]). Records whether a non-finite value ever reached it.
/// </summary>
internal sealed class FakeModel : IStepModel
{
    private long _seen;

    public FakeModel(int features, string[] classes, int window)
    {
        InputFeatures = features;
        ClassNames = classes;
        Window = window;
    }

    public int InputFeatures { get; }

    public int Classes => ClassNames.Count;

    public IReadOnlyList<string> ClassNames { get; }

    public int Window { get; }

    public bool SawNonFinite { get; private set; }

    public long Seen => _seen;

    public StepStatus Step(ReadOnlySpan<float> frame, Span<float> logits)
    {
        foreach (float v in frame)
        {
            SawNonFinite |= !float.IsFinite(v);
        }

        if (++_seen < Window)
        {
            return StepStatus.Warmup;
        }

        for (int c = 0; c < logits.Length; c++)
        {
            logits[c] = frame[0] * (c + 1) - c;
        }

        return StepStatus.Ready;
    }
}
