namespace EdgeAttention.Host.Pipeline;

/// <summary>Outcome of one model step (mirrors EdgeAttention.Model.StepStatus).</summary>
internal enum StepResult
{
    /// <summary>Frame accepted; the window is not full yet, no logits.</summary>
    Warmup,

    /// <summary>Logits written.</summary>
    Ready,

    /// <summary>Frame refused (NaN/Inf or wrong length); state untouched.</summary>
    Rejected,
}

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

    StepResult Step(ReadOnlySpan<float> frame, Span<float> logits);
}
