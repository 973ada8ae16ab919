namespace EdgeAttention.Host.Sinks;

/// <summary>A consumer of step outputs. Called on the inference thread; must not allocate.</summary>
internal interface ISink : IDisposable
{
    /// <summary>logits [C]; probabilities [C] = softmax(logits).</summary>
    void OnStep(in StepOutput output, ReadOnlySpan<float> logits, ReadOnlySpan<float> probabilities);
}
