using System.IO.Ports;
using EdgeAttention.Host.Cli;

namespace EdgeAttention.Host.Sources;

/// <summary>
/// Frames from a serial port (System.IO.Ports) in the <see cref="SerialProtocol"/> format. The reader thread reads
/// raw bytes straight into the decoder's fixed buffer, decodes complete frames into one preallocated frame and
/// copies them into the ring. (SerialPort.Read allocates a little per call by design; that stays on this thread,
/// off the per-step path of the inference loop.) When the port disappears (USB adapter unplugged, EIO) it is
/// closed and reopened with exponential backoff 100 ms → 5 s; the reconnects are counted.
/// Replies (<see cref="Sinks.SerialReplySink"/>) are written through <see cref="WriteReply"/>.
/// </summary>
internal sealed class SerialSource : ThreadedSource, IReplyChannel
{
    private const int ReadTimeoutMs = 100;
    private static readonly TimeSpan MinBackoff = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);

    private readonly object _portGate = new();
    private readonly SerialFrameDecoder _decoder;
    private readonly float[] _frame;
    private readonly string _path;
    private readonly int _baud;
    private SerialPort? _port;
    private long _repliesDropped;

    public SerialSource(string path, int baud, int features)
    {
        _path = path;
        _baud = baud;
        _decoder = new SerialFrameDecoder(features);
        _frame = new float[features];
    }

    public override string Description => $"serial {_path} @ {_baud}";

    public override int Features => _frame.Length;

    public SerialFrameDecoder Decoder => _decoder;

    public override IReplyChannel? Replies => this;

    /// <summary>Replies the port did not take (reconnecting, write error or write timeout).</summary>
    public long RepliesDropped => Interlocked.Read(ref _repliesDropped);

    public override void Open()
    {
        if (!File.Exists(_path))
        {
            var ports = SerialPort.GetPortNames();
            string available = ports.Length == 0 ? "none found" : string.Join(", ", ports);
            throw new HostException($"serial port {_path} not found (available: {available}); plug the device in or pass --source serial:<path>", 3);
        }

        try
        {
            OpenPort();
        }
        catch (UnauthorizedAccessException)
        {
            // System.IO.Ports reports a path that is not a terminal (regular file, /dev/null, FIFO) the same way as
            // a permission problem; root has every permission, so for root it can only be the former.
            if (Environment.IsPrivilegedProcess)
            {
                throw new HostException($"{_path} is not a serial device (not a terminal); pass the adapter's device, e.g. --source serial:/dev/ttyUSB0 (see 'ls /dev/ttyUSB* /dev/ttyACM*')", 3);
            }

            throw new HostException($"permission denied opening {_path}, or it is not a serial device: for a device, add the user to the dialout group (sudo usermod -aG dialout $USER) and log in again", 3);
        }
        catch (Exception e) when (e is IOException or ArgumentException or InvalidOperationException)
        {
            throw new HostException($"cannot open serial port {_path} at {_baud} baud: {e.Message}", 3);
        }
    }

    /// <summary>
    /// Writes a reply frame (on the reply writer thread, never the inference loop); dropped and counted while the
    /// port is reconnecting or when the write fails or times out. The port lock is not held during the write, so a
    /// peer that does not read never stalls the reader thread either.
    /// </summary>
    public void WriteReply(byte[] buffer, int count)
    {
        SerialPort? port;
        lock (_portGate)
        {
            port = _port;
        }

        try
        {
            if (port is { IsOpen: true })
            {
                port.Write(buffer, 0, count);
                return;
            }
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or TimeoutException)
        {
            // The reader thread notices the broken port and reconnects.
        }

        Interlocked.Increment(ref _repliesDropped);
    }

    public override void Dispose()
    {
        base.Dispose();
        ClosePort();
    }

    protected override void Run(FrameRing ring)
    {
        var token = StopToken;
        while (!token.IsCancellationRequested)
        {
            SerialPort? port;
            lock (_portGate)
            {
                port = _port;
            }

            if (port is null)
            {
                Reconnect(ring);
                continue;
            }

            int n;
            try
            {
                var free = _decoder.GetFreeSegment();
                n = port.Read(free.Array!, free.Offset, free.Count);
            }
            catch (TimeoutException)
            {
                continue;
            }
            catch (Exception e) when (e is IOException or InvalidOperationException or UnauthorizedAccessException)
            {
                ClosePort();
                ring.Counters.AddDisconnect();
                continue;
            }

            if (n <= 0)
            {
                continue;
            }

            _decoder.Commit(n);
            while (_decoder.TryDecode(_frame))
            {
                ring.Write(_frame);
            }

            ring.Counters.SetLinkTotals(_decoder.Corrupted, _decoder.Missing);
            ring.Counters.SetWrongLength(_decoder.WrongLength, _decoder.LastWrongValues);
        }
    }

    private void Reconnect(FrameRing ring)
    {
        var token = StopToken;
        var delay = MinBackoff;
        while (!token.IsCancellationRequested)
        {
            if (token.WaitHandle.WaitOne(delay))
            {
                return;
            }

            try
            {
                if (File.Exists(_path))
                {
                    OpenPort();
                    _decoder.Reset();
                    ring.Counters.AddReconnect();
                    return;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or ArgumentException)
            {
                // still gone or busy: keep backing off
            }

            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxBackoff.Ticks));
        }
    }

    private void OpenPort()
    {
        var port = new SerialPort(_path, _baud, Parity.None, 8, StopBits.One)
        {
            Handshake = Handshake.None,
            ReadTimeout = ReadTimeoutMs,
            WriteTimeout = 500,
            ReadBufferSize = 64 * 1024,
        };
        try
        {
            port.Open();
        }
        catch
        {
            port.Dispose();
            throw;
        }

        lock (_portGate)
        {
            _port = port;
        }
    }

    private void ClosePort()
    {
        SerialPort? port;
        lock (_portGate)
        {
            port = _port;
            _port = null;
        }

        if (port is not null)
        {
            try
            {
                port.Dispose();
            }
            catch (IOException)
            {
                // the device is already gone
            }
        }
    }
}
