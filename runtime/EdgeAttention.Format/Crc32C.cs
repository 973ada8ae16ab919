using System.Buffers.Binary;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace EdgeAttention.Format;

/// <summary>
/// CRC-32C (Castagnoli; reflected polynomial 0x82F63B78, initial value and final xor 0xFFFFFFFF; check value
/// of "123456789" = 0xE3069283). Own implementation: a slicing-by-8 table reference, and the CPU's CRC32C
/// instructions (arm64 CRC32CX, x64 SSE4.2 crc32) when present — both give the same result (tested).
/// </summary>
public static class Crc32C
{
    private const uint Polynomial = 0x82F63B78u;
    private static readonly uint[] Table = BuildTable();

    /// <summary>CRC-32C of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => Append(0, data);

    /// <summary>Continues a CRC: Append(Compute(a), b) == Compute(a ++ b).</summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        uint state = ~crc;
        if (Crc32.Arm64.IsSupported)
        {
            while (data.Length >= 8) { state = Crc32.Arm64.ComputeCrc32C(state, BinaryPrimitives.ReadUInt64LittleEndian(data)); data = data[8..]; }
            foreach (byte b in data) state = Crc32.ComputeCrc32C(state, b);
            return ~state;
        }
        if (Sse42.X64.IsSupported)
        {
            while (data.Length >= 8) { state = (uint)Sse42.X64.Crc32(state, BinaryPrimitives.ReadUInt64LittleEndian(data)); data = data[8..]; }
            foreach (byte b in data) state = Sse42.Crc32(state, b);
            return ~state;
        }
        return ~SoftwareState(state, data);
    }

    /// <summary>Table-only reference (used by tests to check the hardware path).</summary>
    public static uint ComputeSoftware(ReadOnlySpan<byte> data) => ~SoftwareState(0xFFFFFFFFu, data);

    private static uint SoftwareState(uint state, ReadOnlySpan<byte> data)
    {
        uint[] t = Table;
        // Slicing-by-8: table k holds the CRC of a byte followed by k zero bytes.
        while (data.Length >= 8)
        {
            uint lo = BinaryPrimitives.ReadUInt32LittleEndian(data) ^ state;
            uint hi = BinaryPrimitives.ReadUInt32LittleEndian(data[4..]);
            state = t[7 * 256 + (lo & 0xFF)] ^ t[6 * 256 + ((lo >> 8) & 0xFF)] ^ t[5 * 256 + ((lo >> 16) & 0xFF)] ^ t[4 * 256 + (lo >> 24)]
                  ^ t[3 * 256 + (hi & 0xFF)] ^ t[2 * 256 + ((hi >> 8) & 0xFF)] ^ t[1 * 256 + ((hi >> 16) & 0xFF)] ^ t[hi >> 24];
            data = data[8..];
        }
        foreach (byte b in data) state = t[(state ^ b) & 0xFF] ^ (state >> 8);
        return state;
    }

    private static uint[] BuildTable()
    {
        var t = new uint[8 * 256];
        for (uint i = 0; i < 256; i++)
        {
            uint c = i;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? (c >> 1) ^ Polynomial : c >> 1;
            t[i] = c;
        }
        for (int s = 1; s < 8; s++)
        {
            for (int i = 0; i < 256; i++)
                t[s * 256 + i] = t[(s - 1) * 256 + i] >> 8 ^ t[t[(s - 1) * 256 + i] & 0xFF];
        }

        return t;
    }
}
