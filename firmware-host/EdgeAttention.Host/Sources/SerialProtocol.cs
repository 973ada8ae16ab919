using System.Buffers.Binary;

namespace EdgeAttention.Host.Sources;

/// <summary>
/// The serial frame protocol v1 (documented in firmware-host/PROTOCOL.md). All fields little-endian.
/// <code>
/// offset size field
///   0     2   sync word 0xA5 0x5A
///   2     1   version = 1
///   3     1   kind: 1 = frame of float32 values, 2 = frame of int16 values × scale, 0x81 = reply (host → sensor)
///   4     4   sequence number, uint32, +1 per frame, wraps
///   8     2   payload length in bytes, uint16 (≤ 4096, a multiple of the value size)
///  10     4   scale, float32 (int16 frames: value = raw × scale; float32 frames and replies: 1.0)
///  14     N   payload
///  14+N   4   CRC-32 (zlib) over bytes 2 .. 14+N−1 (everything after the sync word), uint32
/// </code>
/// Reply payload: uint16 top class, uint16 class count C, float32 score, C × float32 logits.
/// </summary>
internal static class SerialProtocol
{
    public const byte Sync0 = 0xA5;
    public const byte Sync1 = 0x5A;
    public const byte Version = 1;
    public const byte KindFloat32 = 1;
    public const byte KindInt16 = 2;
    public const byte KindReply = 0x81;
    public const int HeaderBytes = 14;
    public const int CrcBytes = 4;
    public const int MaxPayloadBytes = 4096;
    public const int MaxFrameBytes = HeaderBytes + MaxPayloadBytes + CrcBytes;
    public const int MaxValues = MaxPayloadBytes / 4 * 2; // int16 frames carry up to 2048 values

    public static int FrameBytes(int payloadBytes) => HeaderBytes + payloadBytes + CrcBytes;

    public static int EncodeFloat32(Span<byte> dest, uint sequence, ReadOnlySpan<float> values)
    {
        int payload = checked(values.Length * 4);
        var p = Begin(dest, KindFloat32, sequence, payload, 1f);
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(p.Slice(i * 4), values[i]);
        }

        return Finish(dest, payload);
    }

    public static int EncodeInt16(Span<byte> dest, uint sequence, ReadOnlySpan<short> values, float scale)
    {
        int payload = checked(values.Length * 2);
        var p = Begin(dest, KindInt16, sequence, payload, scale);
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(p.Slice(i * 2), values[i]);
        }

        return Finish(dest, payload);
    }

    public static int EncodeReply(Span<byte> dest, uint sequence, int topClass, float score, ReadOnlySpan<float> logits)
    {
        int payload = checked(8 + logits.Length * 4);
        var p = Begin(dest, KindReply, sequence, payload, 1f);
        BinaryPrimitives.WriteUInt16LittleEndian(p, (ushort)topClass);
        BinaryPrimitives.WriteUInt16LittleEndian(p.Slice(2), (ushort)logits.Length);
        BinaryPrimitives.WriteSingleLittleEndian(p.Slice(4), score);
        for (int i = 0; i < logits.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(p.Slice(8 + i * 4), logits[i]);
        }

        return Finish(dest, payload);
    }

    private static Span<byte> Begin(Span<byte> dest, byte kind, uint sequence, int payloadBytes, float scale)
    {
        if (payloadBytes > MaxPayloadBytes)
        {
            throw new ArgumentException($"payload of {payloadBytes} bytes exceeds the protocol limit of {MaxPayloadBytes}");
        }

        if (dest.Length < FrameBytes(payloadBytes))
        {
            throw new ArgumentException("destination too small for the frame");
        }

        dest[0] = Sync0;
        dest[1] = Sync1;
        dest[2] = Version;
        dest[3] = kind;
        BinaryPrimitives.WriteUInt32LittleEndian(dest.Slice(4), sequence);
        BinaryPrimitives.WriteUInt16LittleEndian(dest.Slice(8), (ushort)payloadBytes);
        BinaryPrimitives.WriteSingleLittleEndian(dest.Slice(10), scale);
        return dest.Slice(HeaderBytes, payloadBytes);
    }

    private static int Finish(Span<byte> dest, int payloadBytes)
    {
        int end = HeaderBytes + payloadBytes;
        BinaryPrimitives.WriteUInt32LittleEndian(dest.Slice(end), Crc32.Compute(dest.Slice(2, end - 2)));
        return end + CrcBytes;
    }
}
