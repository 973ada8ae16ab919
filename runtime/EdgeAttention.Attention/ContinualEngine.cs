namespace EdgeAttention.Attention;

/// <summary>One continual attention algorithm (all heads of one layer) behind <see cref="ContinualAttention"/>.</summary>
internal abstract class ContinualEngine
{
    /// <summary>q, k, v [d] (checked by the caller); output [d] or [n·d] (retroactive). False during warm-up.</summary>
    public abstract bool Step(ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v, Span<float> output);

    public abstract void Reset();

    /// <summary>
    /// Cache hints for the next <see cref="Step"/>: starts loading the state it will read at scattered addresses
    /// (e.g. the leaving ring slot of every head). Never changes a result; the default does nothing.
    /// </summary>
    public virtual void Prefetch()
    {
    }

    public abstract long TokensSeen { get; }

    /// <summary>Steady-state multiply-adds per step from the engine's loop structure (amortised periodic work included).</summary>
    public abstract long MultiplyAddsPerStep { get; }

    /// <summary>Rows rebuilt from the ring buffers because of cancellation (data dependent, diagnostic).</summary>
    public long CancellationRebuilds { get; protected set; }
}
