namespace EdgeAttention.Host.Pipeline;

/// <summary>
/// Keeps the last <c>capacity</c> step latencies (µs) in a fixed array; percentiles are computed on demand
/// (off the per-step path: they sort a copy).
/// </summary>
internal sealed class LatencyRecorder
{
    private readonly long[] _samples;
    private long _count;
    private long _max;

    public LatencyRecorder(int capacity = 1 << 16)
    {
        _samples = new long[capacity];
    }

    public long Count => _count;

    public long Max => _max;

    public void Add(long micros)
    {
        _samples[_count % _samples.Length] = micros;
        _count++;
        if (micros > _max)
        {
            _max = micros;
        }
    }

    /// <summary>Nearest-rank percentile (p in 0..100) over the kept samples; 0 when empty.</summary>
    public double Percentile(double p)
    {
        int n = (int)Math.Min(_count, _samples.Length);
        if (n == 0)
        {
            return 0;
        }

        var copy = _samples.AsSpan(0, n).ToArray();
        Array.Sort(copy);
        int rank = (int)Math.Ceiling(p / 100.0 * n) - 1;
        return copy[Math.Clamp(rank, 0, n - 1)];
    }
}
