using System.Text;
using EdgeAttention.Host.Sources;

namespace EdgeAttention.Host.Tests;

public class SerialProtocolTests
{
    private const int F = 5;

    private static float[] Values(int seed)
    {
        var v = new float[F];
        for (int i = 0; i < F; i++)
        {
            v[i] = seed * 10 + i + 0.25f;
        }

        return v;
    }

    private static byte[] Frame(uint seq, float[] values)
    {
        var b = new byte[SerialProtocol.MaxFrameBytes];
        int n = SerialProtocol.EncodeFloat32(b, seq, values);
        return b.AsSpan(0, n).ToArray();
    }

    private static List<float[]> DecodeAll(SerialFrameDecoder d, ReadOnlySpan<byte> bytes, int chunk = int.MaxValue)
    {
        var frames = new List<float[]>();
        var buffer = new float[F];
        int i = 0;
        while (i < bytes.Length)
        {
            int take = Math.Min(chunk, bytes.Length - i);
            int fitted = d.Append(bytes.Slice(i, take));
            i += fitted;
            while (d.TryDecode(buffer))
            {
                frames.Add((float[])buffer.Clone());
            }
        }

        return frames;
    }

    [Fact]
    public void Crc32_MatchesTheZlibCheckValue()
    {
        Assert.Equal(0xCBF43926u, Crc32.Compute(Encoding.ASCII.GetBytes("123456789")));
    }

    [Fact]
    public void Float32Frame_HasTheDocumentedLayout()
    {
        var bytes = Frame(0x01020304, Values(1));
        Assert.Equal(14 + 4 * F + 4, bytes.Length);
        Assert.Equal(new byte[] { 0xA5, 0x5A, 1, 1, 4, 3, 2, 1, 4 * F, 0 }, bytes[..10]);
        Assert.Equal(1f, BitConverter.ToSingle(bytes, 10));
        Assert.Equal(Crc32.Compute(bytes.AsSpan(2, 14 + 4 * F - 2)), BitConverter.ToUInt32(bytes, 14 + 4 * F));
    }

    [Fact]
    public void RoundTrip_Float32_ByteByByte()
    {
        var d = new SerialFrameDecoder(F);
        var stream = new List<byte>();
        for (uint s = 0; s < 10; s++)
        {
            stream.AddRange(Frame(s, Values((int)s)));
        }

        var frames = DecodeAll(d, stream.ToArray(), chunk: 1);
        Assert.Equal(10, frames.Count);
        for (int s = 0; s < 10; s++)
        {
            Assert.Equal(Values(s), frames[s]);
        }

        Assert.Equal(0, d.Corrupted);
        Assert.Equal(0, d.Missing);
        Assert.Equal(0, d.GarbageBytes);
    }

    [Fact]
    public void RoundTrip_Int16_AppliesTheScale()
    {
        var d = new SerialFrameDecoder(F);
        var b = new byte[64];
        short[] raw = [-32768, -1, 0, 1, 32767];
        int n = SerialProtocol.EncodeInt16(b, 7, raw, 0.5f);
        var frames = DecodeAll(d, b.AsSpan(0, n));
        Assert.Single(frames);
        Assert.Equal(new[] { -16384f, -0.5f, 0f, 0.5f, 16383.5f }, frames[0]);
    }

    [Fact]
    public void Garbage_BeforeAndBetweenFrames_IsSkippedAndCounted()
    {
        var d = new SerialFrameDecoder(F);
        var garbage = new byte[] { 0x00, 0xA5, 0x13, 0xA5, 0xA5, 0x7F, 0xFF };
        var stream = new List<byte>(garbage);
        stream.AddRange(Frame(0, Values(0)));
        stream.AddRange(garbage);
        stream.AddRange(Frame(1, Values(1)));
        var frames = DecodeAll(d, stream.ToArray(), chunk: 3);
        Assert.Equal(2, frames.Count);
        Assert.Equal(Values(1), frames[1]);
        Assert.Equal(2 * garbage.Length, d.GarbageBytes);
        Assert.Equal(0, d.Missing);
    }

    [Fact]
    public void BadCrc_IsCountedAsCorrupted_AndTheNextFrameStillDecodes()
    {
        var d = new SerialFrameDecoder(F);
        var bad = Frame(1, Values(1));
        bad[20] ^= 0x40; // flip a payload bit
        var stream = new List<byte>();
        stream.AddRange(Frame(0, Values(0)));
        stream.AddRange(bad);
        stream.AddRange(Frame(2, Values(2)));
        var frames = DecodeAll(d, stream.ToArray());
        Assert.Equal(2, frames.Count);
        Assert.Equal(Values(0), frames[0]);
        Assert.Equal(Values(2), frames[1]);
        Assert.Equal(1, d.Corrupted);
        Assert.Equal(1, d.Missing); // sequence 1 never arrived intact
    }

    [Fact]
    public void DamagedHeader_WrongVersionKindOrLength_IsCorrupted_WithoutWaitingForAPayload()
    {
        var d = new SerialFrameDecoder(F);
        var wrongVersion = Frame(0, Values(0));
        wrongVersion[2] = 9;
        var wrongLength = Frame(0, Values(0));
        wrongLength[8] = 200; // claims 200 payload bytes: must not stall the stream
        var stream = new List<byte>();
        stream.AddRange(wrongVersion);
        stream.AddRange(wrongLength);
        stream.AddRange(Frame(1, Values(1)));
        var frames = DecodeAll(d, stream.ToArray());
        Assert.Single(frames);
        Assert.Equal(Values(1), frames[0]);
        Assert.Equal(2, d.Corrupted);
    }

    [Fact]
    public void FramesOfAnotherFeatureCount_AreCorrupted()
    {
        var d = new SerialFrameDecoder(F);
        var b = new byte[128];
        int n = SerialProtocol.EncodeFloat32(b, 0, new float[F + 1]);
        Assert.Empty(DecodeAll(d, b.AsSpan(0, n)));
        Assert.Equal(1, d.Corrupted);
    }

    [Fact]
    public void SequenceGaps_CountMissingFrames_AcrossTheWrap()
    {
        var d = new SerialFrameDecoder(F);
        var stream = new List<byte>();
        foreach (uint s in new uint[] { uint.MaxValue - 2, uint.MaxValue - 1, 1, 2, 6 })
        {
            stream.AddRange(Frame(s, Values(0)));
        }

        var frames = DecodeAll(d, stream.ToArray());
        Assert.Equal(5, frames.Count);
        Assert.Equal(2 + 3, d.Missing); // uint.MaxValue and 0 lost at the wrap; 3, 4, 5 lost later
        Assert.Equal(0, d.SequenceRestarts);
    }

    [Fact]
    public void SequenceGoingBackwards_IsARestart_NotMillionsOfMissingFrames()
    {
        var d = new SerialFrameDecoder(F);
        var stream = new List<byte>();
        foreach (uint s in new uint[] { 1000, 1001, 0, 1 })
        {
            stream.AddRange(Frame(s, Values(0)));
        }

        DecodeAll(d, stream.ToArray());
        Assert.Equal(0, d.Missing);
        Assert.Equal(1, d.SequenceRestarts);
    }

    [Fact]
    public void Reply_CarriesTopClassScoreAndLogits()
    {
        var b = new byte[128];
        int n = SerialProtocol.EncodeReply(b, 42, 2, 0.75f, new[] { 1f, 2f, 3f });
        Assert.Equal(14 + 8 + 12 + 4, n);
        Assert.Equal(SerialProtocol.KindReply, b[3]);
        Assert.Equal(42u, BitConverter.ToUInt32(b, 4));
        Assert.Equal(2, BitConverter.ToUInt16(b, 14));
        Assert.Equal(3, BitConverter.ToUInt16(b, 16));
        Assert.Equal(0.75f, BitConverter.ToSingle(b, 18));
        Assert.Equal(3f, BitConverter.ToSingle(b, 30));
        Assert.Equal(Crc32.Compute(b.AsSpan(2, n - 6)), BitConverter.ToUInt32(b, n - 4));
    }

    [Fact]
    public void Decoding_AllocatesNothingPerFrame()
    {
        var d = new SerialFrameDecoder(F);
        var stream = new List<byte>();
        for (uint s = 0; s < 200; s++)
        {
            stream.AddRange(Frame(s, Values(1)));
            if (s % 7 == 0)
            {
                stream.AddRange(new byte[] { 0xA5, 0x00, 0x42 });
            }
        }

        var bytes = stream.ToArray();
        var values = new float[F];
        DecodeOnce(d, bytes.AsSpan(0, 100), values); // warm up
        long before = GC.GetAllocatedBytesForCurrentThread();
        int frames = DecodeOnce(d, bytes.AsSpan(100), values);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(frames >= 198);
        Assert.Equal(0, allocated);
    }

    private static int DecodeOnce(SerialFrameDecoder d, ReadOnlySpan<byte> bytes, Span<float> values)
    {
        int frames = 0;
        while (!bytes.IsEmpty)
        {
            int n = d.Append(bytes.Slice(0, Math.Min(61, bytes.Length)));
            bytes = bytes.Slice(n);
            while (d.TryDecode(values))
            {
                frames++;
            }
        }

        return frames;
    }
}
