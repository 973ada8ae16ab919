namespace EdgeAttention.Host.Sources;

/// <summary>
/// Frames in the serial protocol (<see cref="SerialProtocol"/>, PROTOCOL.md: sync word, header, payload, CRC-32)
/// from a stream, normally standard input: `--source stdin:framed`. Unlike raw stdin, a damaged, short or
/// wrong-length frame costs only that frame: the decoder counts it (corrupted, wrong_length with the value count it
/// announced, missing from the sequence numbers), resynchronises on the next sync word, and every later frame stays
/// aligned. Unpaced input is lossless (the reader waits for ring space); with a rate it is replayed live. End of
/// input ends the stream; a frame cut off by it counts as corrupted. Reads go straight into the decoder's fixed
/// buffer: nothing allocates per frame.
/// </summary>
internal sealed class FramedStdinSource : ThreadedSource
{
    private readonly Stream _input;
    private readonly SerialFrameDecoder _decoder;
    private readonly float[] _frame;
    private readonly double _rate;
    private FramePacer _pacer;

    public FramedStdinSource(Stream input, int features, double rate)
    {
        _input = input;
        _decoder = new SerialFrameDecoder(features);
        _frame = new float[features];
        _rate = rate;
        _pacer = new FramePacer(rate);
    }

    public override string Description => $"stdin framed ({_frame.Length} values per frame, PROTOCOL.md)";

    public override int Features => _frame.Length;

    public SerialFrameDecoder Decoder => _decoder;

    public override void Open()
    {
    }

    protected override void Run(FrameRing ring)
    {
        _pacer = new FramePacer(_rate);
        while (Pump(ring))
        {
        }
    }

    /// <summary>
    /// One read into the decoder, every complete frame into the ring, counters published. False at end of input
    /// (a cut-off frame is then counted as corrupted) or when stopped. Allocates nothing.
    /// </summary>
    internal bool Pump(FrameRing ring)
    {
        int n = _input.Read(_decoder.GetFreeSpace());
        if (n <= 0)
        {
            _decoder.DiscardPartialFrame();
            Publish(ring);
            return false;
        }

        _decoder.Commit(n);
        while (_decoder.TryDecode(_frame))
        {
            if (!_pacer.WaitNext(StopToken))
            {
                Publish(ring);
                return false;
            }

            Publish(ring); // before the frame: its JSON line carries every count up to it
            ring.Write(_frame, waitForSpace: !_pacer.Paced);
        }

        Publish(ring);
        return !StopToken.IsCancellationRequested;
    }

    private void Publish(FrameRing ring)
    {
        ring.Counters.SetWrongLength(_decoder.WrongLength, _decoder.LastWrongValues);
        ring.Counters.SetLinkTotals(_decoder.Corrupted, _decoder.Missing);
    }
}
