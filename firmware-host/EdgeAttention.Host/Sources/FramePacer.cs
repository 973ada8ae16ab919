using System.Diagnostics;

namespace EdgeAttention.Host.Sources;

/// <summary>
/// Paces a replay at a fixed frame rate against the monotonic clock (frame i is due at start + i / rate, so
/// timing errors do not accumulate). Rate 0 means "as fast as the consumer takes them".
/// </summary>
internal struct FramePacer
{
    private readonly double _ticksPerFrame;
    private long _start;
    private long _index;

    public FramePacer(double rate)
    {
        _ticksPerFrame = rate > 0 ? Stopwatch.Frequency / rate : 0;
        _start = 0;
        _index = 0;
    }

    public readonly bool Paced => _ticksPerFrame > 0;

    /// <summary>Waits until the next frame is due (returns at once when unpaced). False when cancelled.</summary>
    public bool WaitNext(CancellationToken token)
    {
        if (!Paced)
        {
            return !token.IsCancellationRequested;
        }

        if (_index == 0)
        {
            _start = Stopwatch.GetTimestamp();
        }

        long due = _start + (long)(_index++ * _ticksPerFrame);
        while (true)
        {
            if (token.IsCancellationRequested)
            {
                return false;
            }

            long remaining = due - Stopwatch.GetTimestamp();
            if (remaining <= 0)
            {
                return true;
            }

            double ms = remaining * 1000.0 / Stopwatch.Frequency;
            if (ms > 2)
            {
                Thread.Sleep((int)(ms - 1));
            }
            else
            {
                Thread.SpinWait(50);
            }
        }
    }
}
