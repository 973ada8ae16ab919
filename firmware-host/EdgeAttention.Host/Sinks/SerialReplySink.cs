using EdgeAttention.Host.Sources;

namespace EdgeAttention.Host.Sinks;

/// <summary>
/// Sends a reply frame (kind 0x81, see PROTOCOL.md) back on the reply channel (the serial port) after every step: sequence = step
/// (low 32 bits), payload = top class, class count, score, logits. Replies are encoded into one of a few
/// preallocated slots and written by a background thread, so a peer that never reads (port write timeout) cannot
/// stall the inference loop: when every slot is taken the reply is dropped and counted (<see cref="Dropped"/>).
/// </summary>
internal sealed class SerialReplySink : ISink
{
    /// <summary>Replies that may wait for the port (about 0.25 s of steps at 64 steps/s).</summary>
    public const int Slots = 16;

    private readonly IReplyChannel _port;
    private readonly byte[][] _slots;
    private readonly int[] _lengths;
    private readonly object _gate = new();
    private readonly Thread _thread;
    private long _queued; // replies ever queued (producer)
    private long _sent; // replies ever handed to the port (writer thread)
    private long _dropped;
    private bool _closed;

    public SerialReplySink(IReplyChannel port, int classes)
    {
        _port = port;
        _slots = new byte[Slots][];
        _lengths = new int[Slots];
        for (int i = 0; i < Slots; i++)
        {
            _slots[i] = new byte[SerialProtocol.FrameBytes(8 + classes * 4)];
        }

        _thread = new Thread(WriterLoop) { IsBackground = true, Name = "edge-attention replies" };
        _thread.Start();
    }

    /// <summary>Replies dropped because the port had not taken the earlier ones yet.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    public void OnStep(in StepOutput o, ReadOnlySpan<float> logits, ReadOnlySpan<float> probabilities)
    {
        lock (_gate)
        {
            if (_queued - _sent >= Slots || _closed)
            {
                Interlocked.Increment(ref _dropped);
                return;
            }

            int slot = (int)(_queued % Slots);
            _lengths[slot] = SerialProtocol.EncodeReply(_slots[slot], unchecked((uint)o.Step), o.TopClass, o.Score, logits);
            _queued++;
            Monitor.Pulse(_gate);
        }
    }

    /// <summary>Lets queued replies go out for up to 0.5 s, then stops the writer (a stuck port is left behind).</summary>
    public void Dispose()
    {
        long deadline = Environment.TickCount64 + 500;
        lock (_gate)
        {
            while (_sent < _queued && Environment.TickCount64 < deadline)
            {
                Monitor.Wait(_gate, 50);
            }

            _closed = true;
            Monitor.PulseAll(_gate);
        }

        _thread.Join(200);
    }

    private void WriterLoop()
    {
        while (true)
        {
            int slot;
            lock (_gate)
            {
                while (_sent == _queued && !_closed)
                {
                    Monitor.Wait(_gate);
                }

                if (_sent == _queued)
                {
                    return;
                }

                slot = (int)(_sent % Slots);
            }

            // The slot is not reused until _sent moves past it, so it is written outside the lock.
            _port.WriteReply(_slots[slot], _lengths[slot]);
            lock (_gate)
            {
                _sent++;
                Monitor.PulseAll(_gate);
            }
        }
    }
}
