using System.Buffers.Binary;

namespace EdgeAttention.Host.Sources;

/// <summary>
/// Raw little-endian float32 frames of <c>features</c> values (4·F bytes each, no header) from a stream,
/// normally standard input: `python3 make_frames.py | edge-attention stream --source stdin ...`.
/// Unpaced input is lossless (the reader waits for ring space); with a rate it is replayed live.
/// End of input ends the stream; a partial last frame is reported as an error. There is no framing: a frame
/// short by one value shifts every later frame by one value, silently, and only the end of input tells
/// (<see cref="Warning"/>, printed by `stream` for a bare `stdin`); <see cref="FramedStdinSource"/> is the safe form.
/// </summary>
internal sealed class StdinSource : ThreadedSource
{
    /// <summary>What `stream --source stdin` prints to stderr (not for an explicit `stdin:raw`).</summary>
    public const string Warning =
        "warning: raw stdin has no framing: one short or long frame shifts every later frame and shows only as an error at the end of input; " +
        "send PROTOCOL.md frames with --source stdin:framed (bad frames are counted and skipped), or pass stdin:raw to silence this";

    private readonly Stream _input;
    private readonly byte[] _bytes;
    private readonly float[] _frame;
    private readonly double _rate;

    public StdinSource(Stream input, int features, double rate)
    {
        _input = input;
        _frame = new float[features];
        _bytes = new byte[features * 4];
        _rate = rate;
    }

    public override string Description => $"stdin ({_frame.Length} float32 per frame)";

    public override int Features => _frame.Length;

    public override void Open()
    {
    }

    protected override void Run(FrameRing ring)
    {
        var pacer = new FramePacer(_rate);
        while (true)
        {
            int got = 0;
            while (got < _bytes.Length)
            {
                int n = _input.Read(_bytes, got, _bytes.Length - got);
                if (n <= 0)
                {
                    if (got != 0)
                    {
                        throw new InvalidDataException($"input ended {got} bytes into a frame of {_bytes.Length} bytes: send whole frames of {_frame.Length} little-endian float32 values");
                    }

                    return;
                }

                got += n;
            }

            for (int i = 0; i < _frame.Length; i++)
            {
                _frame[i] = BinaryPrimitives.ReadSingleLittleEndian(_bytes.AsSpan(i * 4));
            }

            if (!pacer.WaitNext(StopToken))
            {
                return;
            }

            ring.Write(_frame, waitForSpace: !pacer.Paced);
        }
    }
}
