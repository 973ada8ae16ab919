using EdgeAttention.Model;

namespace EdgeAttention.Host.Pipeline;

/// <summary>
/// What the streaming loop needs from a model: the Session adapter in production, small fakes in tests.
/// Step must not allocate.
/// </summary>
internal interface IStepModel
{
    int InputFeatures { get; }

    int Classes { get; }

    IReadOnlyList<string> ClassNames { get; }

    /// <summary>Window n: outputs exist from stream position n − 1 on.</summary>
    int Window { get; }

    /// <summary>Ready: logits written; Warmup: accepted, window not full; Rejected: refused (NaN/Inf), state untouched.</summary>
    StepStatus Step(ReadOnlySpan<float> frame, Span<float> logits);
}
