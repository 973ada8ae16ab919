namespace EdgeAttention.Host.Sinks;

/// <summary>What the inference loop reports after a step that produced logits (plain values, no references).</summary>
internal readonly struct StepOutput
{
    /// <summary>Stream position t of the newest frame (models/README.md §3: outputs exist for t ≥ n − 1).</summary>
    public long Step { get; init; }

    /// <summary>Seconds since the program started.</summary>
    public double TimeSeconds { get; init; }

    public int TopClass { get; init; }

    /// <summary>softmax(logits)[TopClass].</summary>
    public float Score { get; init; }

    /// <summary>Wall time of Session.Step for this frame, µs.</summary>
    public long LatencyMicros { get; init; }

    public long Frames { get; init; }

    public long Dropped { get; init; }

    public long Rejected { get; init; }

    public long Corrupted { get; init; }

    public long Missing { get; init; }
}
