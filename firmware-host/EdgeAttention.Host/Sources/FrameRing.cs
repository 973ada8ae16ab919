using System.Diagnostics;

namespace EdgeAttention.Host.Sources;

/// <summary>
/// A fixed ring of <c>capacity</c> frames of <c>features</c> floats between one reader thread (the source) and the
/// inference loop. All memory is allocated here; Write/Read copy into/out of it and never allocate.
/// Overrun policy: when the ring is full a live source overwrites the OLDEST frame (counted in
/// <see cref="StreamCounters.Dropped"/>), so memory never grows and inference always sees the newest data;
/// a file source may instead wait for space (lossless replay). Frames with NaN or ±Inf are refused and counted
/// (<see cref="StreamCounters.Rejected"/>): they never reach the model state.
/// </summary>
internal sealed class FrameRing
{
    private readonly object _gate = new();
    private readonly float[] _data;
    private readonly long[] _arrivalTicks;
    private readonly int _capacity;
    private int _head;   // index of the oldest frame
    private int _count;  // frames held
    private bool _completed;
    private string? _error;

    public FrameRing(int capacity, int features, StreamCounters? counters = null)
    {
        if (capacity < 1 || features < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(capacity), "a frame ring needs capacity ≥ 1 and features ≥ 1");
        }

        _capacity = capacity;
        Features = features;
        _data = new float[checked(capacity * features)];
        _arrivalTicks = new long[capacity];
        Counters = counters ?? new StreamCounters();
    }

    public int Features { get; }

    public int Capacity => _capacity;

    public StreamCounters Counters { get; }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _count;
            }
        }
    }

    /// <summary>Set when the source ended with an error (the stream command reports it).</summary>
    public string? Error
    {
        get
        {
            lock (_gate)
            {
                return _error;
            }
        }
    }

    /// <summary>
    /// Adds a frame (frame.Length must be <see cref="Features"/>). Returns false when it was rejected (non-finite
    /// values) or the ring was completed. When full: drops the oldest frame, or with waitForSpace blocks until
    /// the consumer makes room.
    /// </summary>
    public bool Write(ReadOnlySpan<float> frame, bool waitForSpace = false)
    {
        if (frame.Length != Features)
        {
            throw new ArgumentException($"frame has {frame.Length} values, the ring holds frames of {Features}");
        }

        if (!AllFinite(frame))
        {
            Counters.AddRejected();
            return false;
        }

        long now = Stopwatch.GetTimestamp();
        lock (_gate)
        {
            while (waitForSpace && _count == _capacity && !_completed)
            {
                Monitor.Wait(_gate);
            }

            if (_completed)
            {
                return false;
            }

            if (_count == _capacity)
            {
                _head = (_head + 1) % _capacity;
                _count--;
                Counters.AddDropped();
            }

            int slot = (_head + _count) % _capacity;
            frame.CopyTo(_data.AsSpan(slot * Features, Features));
            _arrivalTicks[slot] = now;
            _count++;
            Counters.AddReceived();
            Monitor.PulseAll(_gate);
            return true;
        }
    }

    /// <summary>
    /// Takes the oldest frame into <paramref name="frame"/>. Waits up to timeoutMs (−1: forever) for one.
    /// Returns <see cref="RingRead.Frame"/>, <see cref="RingRead.Timeout"/> or <see cref="RingRead.Completed"/>
    /// (source finished and the ring is drained).
    /// </summary>
    public RingRead Read(Span<float> frame, out long arrivalTicks, int timeoutMs = -1)
    {
        lock (_gate)
        {
            while (_count == 0)
            {
                if (_completed)
                {
                    arrivalTicks = 0;
                    return RingRead.Completed;
                }

                if (!Monitor.Wait(_gate, timeoutMs) && _count == 0)
                {
                    arrivalTicks = 0;
                    return _completed ? RingRead.Completed : RingRead.Timeout;
                }
            }

            _data.AsSpan(_head * Features, Features).CopyTo(frame);
            arrivalTicks = _arrivalTicks[_head];
            _head = (_head + 1) % _capacity;
            _count--;
            Monitor.PulseAll(_gate);
            return RingRead.Frame;
        }
    }

    /// <summary>No more frames will come (end of file, or a fatal source error). Wakes every waiter.</summary>
    public void Complete(string? error = null)
    {
        lock (_gate)
        {
            _completed = true;
            _error ??= error;
            Monitor.PulseAll(_gate);
        }
    }

    public bool IsCompleted
    {
        get
        {
            lock (_gate)
            {
                return _completed;
            }
        }
    }

    internal static bool AllFinite(ReadOnlySpan<float> values) => EdgeAttention.Kernels.Finite.All(values);
}

internal enum RingRead
{
    Frame,
    Timeout,
    Completed,
}
