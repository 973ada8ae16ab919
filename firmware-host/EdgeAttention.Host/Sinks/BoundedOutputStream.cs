namespace EdgeAttention.Host.Sinks;

/// <summary>
/// A write-only Stream in front of a slow or blocking one (stdout): writes are copied into a fixed byte ring and
/// a background thread moves them to the inner stream, so the inference loop never waits on a pipe. When the ring
/// is full a write waits (lossless mode, offline replay) until <c>stop</c> is cancelled, or is dropped and counted
/// (live mode). An IOException on the inner stream (EPIPE: the reader went away) marks it broken, drops
/// everything after and calls <c>onBroken</c> once. Writes allocate nothing.
/// </summary>
internal sealed class BoundedOutputStream : Stream
{
    private readonly Stream _inner;
    private readonly byte[] _ring;
    private readonly bool _waitWhenFull;
    private readonly CancellationToken _stop;
    private readonly Action? _onBroken;
    private readonly object _gate = new();
    private readonly Thread _thread;
    private long _head; // bytes ever written into the ring (producer)
    private long _tail; // bytes ever written out to the inner stream (writer thread)
    private bool _closed;
    private volatile bool _broken;
    private long _droppedWrites;

    public BoundedOutputStream(Stream inner, int capacity, bool waitWhenFull, CancellationToken stop, Action? onBroken)
    {
        _inner = inner;
        _ring = new byte[capacity];
        _waitWhenFull = waitWhenFull;
        _stop = stop;
        _onBroken = onBroken;
        _thread = new Thread(WriterLoop) { IsBackground = true, Name = "edge-attention stdout" };
        _thread.Start();
    }

    /// <summary>Writes (lines) dropped: ring full in live mode, stop while waiting, or the inner stream broken.</summary>
    public long DroppedWrites => Interlocked.Read(ref _droppedWrites);

    /// <summary>The inner stream failed (EPIPE: nobody reads stdout any more).</summary>
    public bool Broken => _broken;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (buffer.Length > _ring.Length || _broken)
        {
            Interlocked.Increment(ref _droppedWrites);
            return;
        }

        lock (_gate)
        {
            while (_ring.Length - (_head - _tail) < buffer.Length)
            {
                if (!_waitWhenFull || _stop.IsCancellationRequested || _broken || _closed)
                {
                    Interlocked.Increment(ref _droppedWrites);
                    return;
                }

                Monitor.Wait(_gate, 50);
            }

            int at = (int)(_head % _ring.Length);
            int first = Math.Min(buffer.Length, _ring.Length - at);
            buffer.Slice(0, first).CopyTo(_ring.AsSpan(at));
            buffer.Slice(first).CopyTo(_ring);
            _head += buffer.Length;
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>
    /// Waits until everything written so far reached the inner stream or it broke; once stop is cancelled, waits
    /// 0.3 s more at most (the reader may never read again).
    /// </summary>
    public override void Flush()
    {
        while (!Drain(50))
        {
            if (_broken)
            {
                return;
            }

            if (_stop.IsCancellationRequested)
            {
                Drain(300);
                return;
            }
        }
    }

    /// <summary>Waits until everything written so far is out, the stream broke, or the timeout passed.</summary>
    public bool Drain(int timeoutMs)
    {
        long deadline = Environment.TickCount64 + timeoutMs;
        lock (_gate)
        {
            while (_tail < _head && !_broken)
            {
                long left = deadline - Environment.TickCount64;
                if (left <= 0)
                {
                    return false;
                }

                Monitor.Wait(_gate, (int)Math.Min(left, 50));
            }

            return !_broken;
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            lock (_gate)
            {
                _closed = true;
                Monitor.PulseAll(_gate);
            }

            // A writer stuck in write(2) on a pipe nobody reads stays behind: it is a background thread.
            _thread.Join(200);
        }

        base.Dispose(disposing);
    }

    private void WriterLoop()
    {
        while (true)
        {
            int at, count;
            lock (_gate)
            {
                while (_tail == _head && !_closed)
                {
                    Monitor.Wait(_gate);
                }

                if (_tail == _head)
                {
                    return; // closed and drained
                }

                at = (int)(_tail % _ring.Length);
                count = (int)Math.Min(_head - _tail, _ring.Length - at);
            }

            try
            {
                _inner.Write(_ring, at, count);
                _inner.Flush();
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or NotSupportedException)
            {
                lock (_gate)
                {
                    _broken = true;
                    _tail = _head;
                    Monitor.PulseAll(_gate);
                }

                _onBroken?.Invoke();
                return;
            }

            lock (_gate)
            {
                _tail += count;
                Monitor.PulseAll(_gate);
            }
        }
    }
}
