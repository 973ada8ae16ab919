using EdgeAttention.Model;

namespace EdgeAttention.Host.Pipeline;

/// <summary>Adapts EdgeAttention.Model.Session to the streaming loop.</summary>
internal sealed class SessionModel : IStepModel
{
    private readonly Session _session;

    public SessionModel(Session session)
    {
        _session = session;
    }

    public int InputFeatures => _session.InputFeatures;

    public int Classes => _session.Classes;

    public IReadOnlyList<string> ClassNames => _session.Config.Classes;

    public int Window => _session.Config.Window;

    public StepStatus Step(ReadOnlySpan<float> frame, Span<float> logits) => _session.Step(frame, logits);
}
