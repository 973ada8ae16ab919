namespace EdgeAttention.FrontEnd;

/// <summary>Receives the frames of a <see cref="LogMelFrontEnd"/> as they complete (the span is valid during the call only).</summary>
public interface IFrameSink
{
    /// <summary>Frame <paramref name="index"/> (0-based; it covers samples index·H … index·H + W − 1): M log-mel features.</summary>
    void OnFrame(long index, ReadOnlySpan<float> features);
}
