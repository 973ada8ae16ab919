using System.IO.Ports;
using EdgeAttention.Host.Cli;
using EdgeAttention.Host.Platform;

namespace EdgeAttention.Host.Sources;

/// <summary>
/// Frames from a serial port (<see cref="SerialTty"/>: raw 8N1 through poll/read on the tty) in the
/// <see cref="SerialProtocol"/> format. The reader thread reads raw bytes straight into the decoder's fixed buffer,
/// decodes complete frames into one preallocated frame and copies them into the ring; after Open nothing on that
/// path allocates, so the managed heap stays flat at any frame rate. When the port disappears (USB adapter
/// unplugged, EIO, hang-up) it is closed and reopened with exponential backoff 100 ms → 5 s; the reconnects are
/// counted. (SerialPort is only asked for the names of the ports when the path does not exist.)
/// Replies (<see cref="Sinks.SerialReplySink"/>) are written through <see cref="WriteReply"/>.
/// </summary>
internal sealed class SerialSource : ThreadedSource, IReplyChannel
{
    private const int ReadTimeoutMs = 100;
    private const int WriteTimeoutMs = 500;
    private static readonly TimeSpan MinBackoff = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);

    private readonly object _portGate = new();
    private readonly SerialFrameDecoder _decoder;
    private readonly float[] _frame;
    private readonly string _path;
    private readonly int _baud;
    private volatile SerialTty? _port;
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
        catch (SerialOpenException e)
        {
            throw new HostException(OpenError(_path, _baud, e), 3);
        }
    }

    /// <summary>The one-line message (with the fix) for a port that exists but would not open.</summary>
    internal static string OpenError(string path, int baud, SerialOpenException e) => e switch
    {
        { Step: SerialOpenStep.Configure, Errno: SerialTty.Native.ENOTTY or SerialTty.Native.EINVAL } =>
            $"{path} is not a serial device (not a terminal); pass the adapter's device, e.g. --source serial:/dev/ttyUSB0 (see 'ls /dev/ttyUSB* /dev/ttyACM*')",
        { Errno: SerialTty.Native.EACCES or SerialTty.Native.EPERM } =>
            $"permission denied opening {path}: add the user to the dialout group (sudo usermod -aG dialout $USER) and log in again",
        { Step: SerialOpenStep.Lock } or { Errno: SerialTty.Native.EBUSY } =>
            $"serial port {path} is in use by another program; stop it (see 'fuser {path}') and try again",
        _ => $"cannot open serial port {path} at {baud} baud: {e.Message}",
    };

    /// <summary>
    /// Writes a reply frame (on the reply writer thread, never the inference loop); dropped and counted while the
    /// port is reconnecting or when the write fails or times out (500 ms). The port lock is not held during the
    /// write, so a peer that does not read never stalls the reader thread either.
    /// </summary>
    public void WriteReply(byte[] buffer, int count)
    {
        SerialTty? port;
        lock (_portGate)
        {
            port = _port;
        }

        if (port is null || !port.Write(buffer.AsSpan(0, count), WriteTimeoutMs))
        {
            // Port away (the reader reconnects) or the peer did not take the reply in time.
            Interlocked.Increment(ref _repliesDropped);
        }
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
            if (_port is null)
            {
                Reconnect(ring);
                continue;
            }

            Pump(ring);
        }
    }

    /// <summary>
    /// One turn of the reader loop (reader thread; tests call it directly): waits up to 100 ms for bytes, reads them
    /// straight into the decoder's buffer, moves every complete frame into the ring and publishes the link
    /// counters; closes the port and counts a disconnect when the device is gone. Allocates nothing.
    /// </summary>
    internal void Pump(FrameRing ring)
    {
        var port = _port;
        if (port is null)
        {
            return;
        }

        int n = port.Read(_decoder.GetFreeSpace(), ReadTimeoutMs);
        if (n < 0)
        {
            ClosePort();
            ring.Counters.AddDisconnect();
            return;
        }

        if (n == 0)
        {
            return;
        }

        _decoder.Commit(n);
        while (_decoder.TryDecode(_frame))
        {
            Publish(ring); // before the frame: its JSON line carries every count up to it
            ring.Write(_frame);
        }

        Publish(ring);
    }

    private void Publish(FrameRing ring)
    {
        ring.Counters.SetWrongLength(_decoder.WrongLength, _decoder.LastWrongValues);
        ring.Counters.SetLinkTotals(_decoder.Corrupted, _decoder.Missing);
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
            catch (SerialOpenException)
            {
                // still gone or busy: keep backing off
            }

            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxBackoff.Ticks));
        }
    }

    private void OpenPort()
    {
        var port = SerialTty.Open(_path, _baud);
        lock (_portGate)
        {
            _port = port;
        }
    }

    private void ClosePort()
    {
        SerialTty? port;
        lock (_portGate)
        {
            port = _port;
            _port = null;
        }

        // A reply write in progress keeps the descriptor open until it returns (SafeHandle reference count).
        port?.Dispose();
    }
}
