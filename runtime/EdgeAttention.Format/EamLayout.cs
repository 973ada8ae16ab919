namespace EdgeAttention.Format;

/// <summary>Constants of the .eam v1 byte layout (documented at the top of ModelFile.cs and in FORMAT.md).</summary>
internal static class EamLayout
{
    /// <summary>"EAMODEL" followed by 0x1A (stops `type`/`cat` on some systems, catches text-mode transfers).</summary>
    public static ReadOnlySpan<byte> Magic => [0x45, 0x41, 0x4D, 0x4F, 0x44, 0x45, 0x4C, 0x1A];
    /// <summary>"EAM" followed by 0x00: last 4 bytes of the file.</summary>
    public static ReadOnlySpan<byte> EndMagic => [0x45, 0x41, 0x4D, 0x00];

    public const uint Version = 1;
    public const int HeaderBytes = 64;
    public const int EntryBytes = 128;
    public const int TrailerBytes = 8;
    public const int Alignment = 64;
    public const int MaxNameBytes = 80;
    public const int MaxRank = 4;
    public const int MaxTensors = 1 << 16;
    public const int MaxConfigBytes = ModelConfig.MaxJsonBytes;
    /// <summary>Largest file the reader accepts (spans are int-indexed).</summary>
    public const long MaxFileBytes = int.MaxValue;

    // Header field offsets.
    public const int OffMagic = 0, OffVersion = 8, OffHeaderBytes = 12, OffFileBytes = 16, OffConfigBytes = 24,
        OffTensorCount = 28, OffTableOffset = 32, OffDataOffset = 40, OffDataBytes = 48, OffReserved = 56;

    // Table entry field offsets.
    public const int EntNameLength = 0, EntDType = 2, EntRank = 3, EntDims = 4, EntReserved = 20, EntDataOffset = 24,
        EntDataBytes = 32, EntScalesOffset = 40, EntName = 48;

    public static long Align(long x) => (x + (Alignment - 1)) & ~(long)(Alignment - 1);

    public static int ElementSize(TensorDType t) => t == TensorDType.Int8 ? 1 : 4;

    /// <summary>True for a tensor name the format stores: 1..80 bytes of printable ASCII.</summary>
    public static bool ValidName(ReadOnlySpan<byte> name)
    {
        if (name.Length < 1 || name.Length > MaxNameBytes) return false;
        foreach (byte b in name)
            if (b < 0x21 || b > 0x7E) return false;
        return true;
    }
}
