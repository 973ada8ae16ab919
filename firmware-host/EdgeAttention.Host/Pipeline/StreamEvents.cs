using System.Globalization;
using EdgeAttention.Host.Sources;

namespace EdgeAttention.Host.Pipeline;

/// <summary>
/// Live events of a live or framed stream (serial, gpio, stdin:framed) as JSON lines on stderr, e.g.
/// <c>{"event":"wrong_length","expected":40,"got":39,"count":401}</c>. A background thread polls the counters
/// every 200 ms (the step loop is not touched) and writes at most one line per kind per second, with totals:
/// <c>waiting</c> (window not full yet: frames, window; every 2 s), <c>port_lost</c> (disconnects),
/// <c>reconnected</c> (reconnects), <c>wrong_length</c> (expected vs got values, count), <c>corrupted</c> (frames
/// with a bad header or CRC, skipped by resynchronising on the next sync word; count = all corrupted frames, as in
/// the summary), <c>dropped</c> (overrun drops, count). Lines are formatted into a fixed buffer: a stream that
/// overruns for days allocates nothing here.
/// </summary>
internal sealed class StreamEvents : IDisposable
{
    private const long RateMs = 1000;
    private const long WaitingRateMs = 2000;

    private readonly TextWriter _stderr;
    private readonly StreamCounters _counters;
    private readonly Func<long> _outputs;
    private readonly int _window;
    private readonly int _expected;
    private readonly long[] _lastAt = new long[6];
    private readonly char[] _line = new char[256];
    private readonly CancellationTokenSource _stop = new();
    private long _disconnects;
    private long _reconnects;
    private long _wrongLength;
    private long _dropped;
    private long _badFrames;
    private Thread? _thread;

    public StreamEvents(TextWriter stderr, StreamCounters counters, Func<long> outputs, int window, int expectedValues)
    {
        _stderr = stderr;
        _counters = counters;
        _outputs = outputs;
        _window = window;
        _expected = expectedValues;
        Array.Fill(_lastAt, long.MinValue / 2);
    }

    public void Start()
    {
        _thread = new Thread(() =>
        {
            while (!_stop.Token.WaitHandle.WaitOne(200))
            {
                Poll(Environment.TickCount64);
            }
        })
        { IsBackground = true, Name = "edge-attention events" };
        _thread.Start();
    }

    /// <summary>Compares the counters with what was last reported; writes the events that are due at nowMs.</summary>
    internal void Poll(long nowMs)
    {
        var inv = CultureInfo.InvariantCulture;
        if (_outputs() == 0 && Due(0, nowMs, WaitingRateMs))
        {
            Emit(_line.AsSpan().TryWrite(inv, $"{{\"event\":\"waiting\",\"frames\":{_counters.Received},\"window\":{_window}}}", out int n), n);
        }

        long disconnects = _counters.Disconnects;
        if (disconnects > _disconnects && Due(1, nowMs, RateMs))
        {
            _disconnects = disconnects;
            Emit(_line.AsSpan().TryWrite(inv, $"{{\"event\":\"port_lost\",\"count\":{disconnects}}}", out int n), n);
        }

        long reconnects = _counters.Reconnects;
        if (reconnects > _reconnects && Due(2, nowMs, RateMs))
        {
            _reconnects = reconnects;
            Emit(_line.AsSpan().TryWrite(inv, $"{{\"event\":\"reconnected\",\"count\":{reconnects},\"missing\":{_counters.Missing}}}", out int n), n);
        }

        long corrupted = _counters.Corrupted; // before WrongLength: sources publish WrongLength first
        long wrong = _counters.WrongLength;
        if (wrong > _wrongLength && Due(3, nowMs, RateMs))
        {
            _wrongLength = wrong;
            Emit(_line.AsSpan().TryWrite(inv, $"{{\"event\":\"wrong_length\",\"expected\":{_expected},\"got\":{_counters.LastWrongValues},\"count\":{wrong}}}", out int n), n);
        }

        long badFrames = corrupted - wrong;
        if (badFrames > _badFrames && Due(5, nowMs, RateMs))
        {
            _badFrames = badFrames;
            Emit(_line.AsSpan().TryWrite(inv, $"{{\"event\":\"corrupted\",\"count\":{corrupted}}}", out int n), n);
        }

        long dropped = _counters.Dropped;
        if (dropped > _dropped && Due(4, nowMs, RateMs))
        {
            _dropped = dropped;
            Emit(_line.AsSpan().TryWrite(inv, $"{{\"event\":\"dropped\",\"count\":{dropped}}}", out int n), n);
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _thread?.Join(500);
        _stop.Dispose();
    }

    private bool Due(int kind, long nowMs, long rateMs)
    {
        if (nowMs - _lastAt[kind] < rateMs)
        {
            return false;
        }

        _lastAt[kind] = nowMs;
        return true;
    }

    /// <summary>Writes _line[0..length) as one line (formatted in place: an event allocates nothing).</summary>
    private void Emit(bool formatted, int length)
    {
        try
        {
            if (formatted)
            {
                _stderr.WriteLine(_line, 0, length);
            }
        }
        catch (IOException)
        {
            // stderr gone: events are advisory
        }
    }
}
