using System.Buffers.Binary;
using EdgeAttention.Format;

namespace EdgeAttention.Host.Sources;

/// <summary>
/// <c>pcm:-[,rate=16000]</c>: raw signed 16-bit little-endian mono samples (no header) from standard input, e.g.
/// <c>arecord -D plughw:1,0 -f S16_LE -r 16000 -c 1 -t raw | edge-attention listen --source pcm:-</c>. The rate must be
/// the model's front-end rate (arecord resamples through the plughw device). Reads one hop at a time; end of input
/// ends the stream (a dangling odd byte is an error). Lossless: when the model falls behind, the pipe fills and the
/// recorder reports an overrun, which is the honest signal that the board is too slow.
/// </summary>
internal sealed class PcmSource : AudioFrameSource
{
    private readonly Stream _input;
    private readonly byte[] _bytes;
    private readonly short[] _samples;

    public PcmSource(Stream input, FrontendConfig frontend) : base(frontend)
    {
        _input = input;
        _samples = new short[frontend.Hop];
        _bytes = new byte[2 * frontend.Hop];
    }

    public override string Description => $"pcm stdin (S16_LE mono at {Frontend.SampleRate} Hz)";

    protected override void Run(FrameRing ring)
    {
        int carry = 0;
        while (!StopToken.IsCancellationRequested)
        {
            int n = _input.Read(_bytes, carry, _bytes.Length - carry);
            if (n <= 0)
            {
                if (carry != 0)
                {
                    throw new InvalidDataException("input ended in the middle of a 16-bit sample: send whole S16_LE samples (arecord -f S16_LE)");
                }

                return;
            }

            int total = carry + n, count = total / 2;
            for (int i = 0; i < count; i++) _samples[i] = BinaryPrimitives.ReadInt16LittleEndian(_bytes.AsSpan(2 * i));
            carry = total - 2 * count;
            if (carry != 0) _bytes[0] = _bytes[total - 1];
            Emit(_samples.AsSpan(0, count), ring, lossless: true);
        }
    }
}
