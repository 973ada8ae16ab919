namespace EdgeAttention.Host.Sources;

/// <summary>
/// Counters of one stream, written by the reader thread and read by the inference loop (plain 64-bit fields read
/// with Volatile/Interlocked; the values are reports, not synchronisation).
/// </summary>
internal sealed class StreamCounters
{
    private long _received;
    private long _dropped;
    private long _rejected;
    private long _corrupted;
    private long _missing;
    private long _reconnects;
    private long _disconnects;
    private long _wrongLength;
    private int _lastWrongValues;

    /// <summary>Frames accepted into the ring.</summary>
    public long Received => Volatile.Read(ref _received);

    /// <summary>Oldest frames overwritten because inference fell behind (overrun policy: drop oldest).</summary>
    public long Dropped => Volatile.Read(ref _dropped);

    /// <summary>Frames refused because a value was NaN or ±Inf.</summary>
    public long Rejected => Volatile.Read(ref _rejected);

    /// <summary>Frames with a bad header or CRC, or the wrong length (serial).</summary>
    public long Corrupted => Volatile.Read(ref _corrupted);

    /// <summary>Frames never received, from gaps in the sequence numbers (serial).</summary>
    public long Missing => Volatile.Read(ref _missing);

    /// <summary>Times the device was reopened after it went away.</summary>
    public long Reconnects => Volatile.Read(ref _reconnects);

    /// <summary>Times the device went away (read error, unplugged).</summary>
    public long Disconnects => Volatile.Read(ref _disconnects);

    /// <summary>Frames (part of <see cref="Corrupted"/>) that announced the wrong number of values (serial).</summary>
    public long WrongLength => Volatile.Read(ref _wrongLength);

    /// <summary>Value count of the last wrong-length frame.</summary>
    public int LastWrongValues => Volatile.Read(ref _lastWrongValues);

    public void AddDisconnect() => Interlocked.Increment(ref _disconnects);

    /// <summary>Publishes the serial decoder's wrong-length total and the last count it saw.</summary>
    public void SetWrongLength(long count, int lastValues)
    {
        Volatile.Write(ref _lastWrongValues, lastValues);
        Volatile.Write(ref _wrongLength, count);
    }

    public void AddReceived() => Interlocked.Increment(ref _received);

    public void AddDropped() => Interlocked.Increment(ref _dropped);

    public void AddRejected() => Interlocked.Increment(ref _rejected);

    public void AddReconnect() => Interlocked.Increment(ref _reconnects);

    /// <summary>Publishes the serial decoder's totals (corrupted and missing are owned by the decoder).</summary>
    public void SetLinkTotals(long corrupted, long missing)
    {
        Volatile.Write(ref _corrupted, corrupted);
        Volatile.Write(ref _missing, missing);
    }
}
