// .eam v1 — the flat model file read by the device. All integers little-endian, offsets from the start of
// the file, every region 64-byte aligned so that tensors are used in place (no copy) by SIMD kernels.
//
//  Header (64 bytes)
//   off size  field
//     0    8  magic 45 41 4D 4F 44 45 4C 1A ("EAMODEL\x1A")
//     8    4  format version u32 = 1
//    12    4  header bytes u32 = 64
//    16    8  file bytes u64 = the whole file, trailer included (≤ 2^31 − 1)
//    24    4  config bytes u32 J, 1 ≤ J ≤ 1 MiB
//    28    4  tensor count u32 N, 1 ≤ N ≤ 65536
//    32    8  table offset u64 T = align64(64 + J)
//    40    8  data offset u64 D0 = align64(T + 128·N)
//    48    8  data bytes u64 D, a multiple of 64
//    56    8  reserved, zero
//  Config  [64, 64 + J): canonical model.json (ModelConfig.ToJson, UTF-8), zero padding up to T.
//  Tensor table [T, T + 128·N): N entries of 128 bytes, zero padding up to D0:
//     0    2  name bytes u16, 1..80 (printable ASCII, unique)
//     2    1  dtype u8: 1 = float32, 2 = int8
//     3    1  rank u8: 1..4 (int8: exactly 2 = [rows, cols])
//     4   16  dims u32[4], outermost first; each ≥ 1; unused dims 0; product ≤ 2^28
//    20    4  reserved, zero
//    24    8  data offset u64: 64-aligned, inside [D0, D0 + D)
//    32    8  data bytes u64 = product(dims) × (4 float32 | 1 int8)
//    40    8  scales offset u64: int8 → 64-aligned, rows float32 per-row scales (W ≈ q · scale[row]); float32 → 0
//    48   80  name bytes, zero padded
//  Data [D0, D0 + D): each tensor's data, then (int8) its scales, each at the next 64-aligned offset, in table
//     order, non-overlapping, zero padding between; values by TensorValues: float32 finite with |v| ≤ 1e6
//     (input_norm.std > 0), int8 in [−127, 127], scales finite in [0, 1e6/127].
//  Trailer (8 bytes) at D0 + D = file bytes − 8:
//     0    4  CRC-32C (Castagnoli) of bytes [0, file bytes − 8)
//     4    4  end magic 45 41 4D 00 ("EAM\0")
//
// The reader checks every field above against the real file length (in 64-bit arithmetic, so no overflow),
// the checksum, the embedded config (ModelConfig.Parse), the tensor table against the config
// (ModelTensors.Expected), every padding byte and every value, before any tensor is handed out: it is the only
// validator (the runtime uses the tensors without checking them again). Any failure is a one-line ModelFormatException.
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace EdgeAttention.Format;

/// <summary>
/// A validated .eam model held in one 64-byte aligned native block; tensors are spans into that block
/// (no copy). Dispose frees the block unless a lease holds it (<see cref="Lease"/>; a runtime <c>Session</c> takes
/// one, so it keeps using the weights in place after the file is disposed; the block is freed when the last lease
/// is disposed).
/// Spans obtained through this object must not be used after Dispose; tensor access (GetFloat32, GetInt8, RawBytes)
/// and taking a lease throw <see cref="ObjectDisposedException"/> afterwards.
/// There is deliberately no finalizer: a span does not keep its ModelFile reachable, so a finalizer could free
/// the block under a span still in use (e.g. <c>ModelFile.FromBytes(b).GetFloat32(n)</c>). An undisposed model
/// therefore lives until the process ends — the usual case on a device, which loads its model once.
/// </summary>
public sealed unsafe class ModelFile : IDisposable
{
    private const string Fix = "re-run edge-attention-convert to produce a fresh .eam file";

    /// <summary>The .eam format version this runtime writes and reads; the programs' major version (Directory.Build.props).</summary>
    public const uint FormatVersion = EamLayout.Version;

    private byte* _base;
    private readonly long _length;
    // Lifetime: _refs counts the owner's reference (1 until Dispose) plus one per lease; the block is freed when it
    // reaches 0, exactly once. _disposed is set once by Dispose. Both change only through Interlocked.
    private int _refs = 1;
    private int _disposed;
    private readonly Dictionary<string, TensorInfo> _byName;
    private readonly TensorInfo[] _tensors;

    private ModelFile(byte* block, long length, ModelConfig config, TensorInfo[] tensors, uint checksum)
    {
        _base = block;
        _length = length;
        Config = config;
        _tensors = tensors;
        Checksum = checksum;
        _byName = new Dictionary<string, TensorInfo>(tensors.Length, StringComparer.Ordinal);
        foreach (TensorInfo t in tensors) _byName.Add(t.Name, t);
    }

    public ModelConfig Config { get; }
    /// <summary>Tensors in file order.</summary>
    public IReadOnlyList<TensorInfo> Tensors => _tensors;
    public long FileBytes => _length;
    /// <summary>The stored CRC-32C (already verified).</summary>
    public uint Checksum { get; }
    /// <summary>Total parameters (elements of all tensors).</summary>
    public long ParameterCount { get { long n = 0; foreach (TensorInfo t in _tensors) n += t.ElementCount; return n; } }

    public bool Contains(string name) => _byName.ContainsKey(name);

    public TensorInfo Info(string name) =>
        _byName.TryGetValue(name, out TensorInfo? t) ? t : throw new ModelFormatException($"model has no tensor '{name}'; {Fix}");

    /// <summary>The float32 tensor in place (row-major, 64-byte aligned). Throws if absent or int8.</summary>
    public ReadOnlySpan<float> GetFloat32(string name)
    {
        TensorInfo t = Info(name);
        if (t.DType != TensorDType.Float32)
            throw new ModelFormatException($"tensor '{name}' is {t.DType}, not Float32; use GetInt8 or convert without --quantize");
        byte* p = Pointer();
        return new ReadOnlySpan<float>(p + t.DataOffset, (int)t.ElementCount);
    }

    /// <summary>The int8 tensor in place: Data [rows, cols] and Scales [rows]. Throws if absent or float32.</summary>
    public Int8Tensor GetInt8(string name)
    {
        TensorInfo t = Info(name);
        if (t.DType != TensorDType.Int8)
            throw new ModelFormatException($"tensor '{name}' is {t.DType}, not Int8; use GetFloat32");
        byte* p = Pointer();
        int rows = t.Shape[0], cols = t.Shape[1];
        return new Int8Tensor(new ReadOnlySpan<sbyte>(p + t.DataOffset, (int)t.ElementCount), new ReadOnlySpan<float>(p + t.ScalesOffset, rows), rows, cols);
    }

    /// <summary>The whole file as bytes (in place).</summary>
    public ReadOnlySpan<byte> RawBytes => new(Pointer(), (int)_length);

    private byte* Pointer()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return _base;
    }

    /// <summary>
    /// Disposes the model: its members throw from now on. The native block is freed now when no lease holds it,
    /// otherwise when the last lease is released. Idempotent.
    /// </summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0) Release();
    }

    /// <summary>
    /// Takes a lease on the native block: it stays allocated (every span and pointer into it stays valid) until the
    /// lease is disposed, even if this file is disposed meanwhile. A <c>Session</c> holds one for its lifetime so it
    /// can use the weights in place. Throws <see cref="ObjectDisposedException"/> on a disposed file. Thread-safe.
    /// </summary>
    public ModelFileLease Lease()
    {
        AddRef();
        return new ModelFileLease(this);
    }

    private void AddRef()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        while (true)
        {
            int r = Volatile.Read(ref _refs);
            // r == 0: freed by a Dispose that raced with the check above.
            ObjectDisposedException.ThrowIf(r <= 0, this);
            if (Interlocked.CompareExchange(ref _refs, r + 1, r) == r) return;
        }
    }

    /// <summary>Drops one reference (a lease's, or the owner's from Dispose); frees the block at zero.</summary>
    internal void Release()
    {
        int r = Interlocked.Decrement(ref _refs);
        if (r < 0) throw new InvalidOperationException("ModelFile lease released more often than taken.");
        if (r == 0)
        {
            NativeMemory.AlignedFree(_base);
            _base = null;
        }
    }

    /// <summary>True once the native block has been freed: the file is disposed and no lease is left.</summary>
    public bool IsFreed => Volatile.Read(ref _refs) <= 0;

    /// <summary>Reads and validates a .eam file. Errors are one-line <see cref="ModelFormatException"/>s naming the file.</summary>
    public static ModelFile Open(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        FileChecks.RequireFile(path, EamLayout.HeaderBytes + EamLayout.TrailerBytes, ".eam model");
        FileStream fs;
        try
        {
            fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new ModelFormatException($"{path}: cannot open model: {ModelConfig.OneLine(e.Message)}", e);
        }
        using (fs)
        {
            long length;
            try
            {
                length = fs.Length;
            }
            catch (Exception e) when (e is IOException or NotSupportedException)
            {
                throw new ModelFormatException($"{path}: not a regular file ({ModelConfig.OneLine(e.Message)}); give the path of a .eam file", e);
            }
            // The length is checked before anything is allocated: at most the (real) file size, at most 2 GiB.
            CheckLength(length, path);
            byte* block = (byte*)NativeMemory.AlignedAlloc((nuint)length, EamLayout.Alignment);
            try
            {
                long done = 0;
                while (done < length)
                {
                    int chunk = (int)Math.Min(1 << 24, length - done);
                    int got = fs.Read(new Span<byte>(block + done, chunk));
                    if (got <= 0) throw new ModelFormatException($"{path}: file shrank while reading ({done} of {length} bytes); {Fix}");
                    done += got;
                }
                return Validate(block, length, path);
            }
            catch (IOException e)
            {
                NativeMemory.AlignedFree(block);
                throw new ModelFormatException($"{path}: read error: {ModelConfig.OneLine(e.Message)}", e);
            }
            catch
            {
                NativeMemory.AlignedFree(block);
                throw;
            }
        }
    }

    /// <summary>Validates an in-memory .eam image (copied into an aligned native block).</summary>
    public static ModelFile FromBytes(byte[] bytes) => FromBytes((ReadOnlySpan<byte>)bytes);

    /// <summary>Validates an in-memory .eam image (copied into an aligned native block).</summary>
    public static ModelFile FromBytes(ReadOnlySpan<byte> bytes)
    {
        CheckLength(bytes.Length, "model");
        byte* block = (byte*)NativeMemory.AlignedAlloc((nuint)Math.Max(1, bytes.Length), EamLayout.Alignment);
        try
        {
            bytes.CopyTo(new Span<byte>(block, bytes.Length));
            return Validate(block, bytes.Length, "model");
        }
        catch
        {
            NativeMemory.AlignedFree(block);
            throw;
        }
    }

    private static void CheckLength(long length, string where)
    {
        if (length < EamLayout.HeaderBytes + EamLayout.TrailerBytes)
            throw new ModelFormatException($"{where}: {length} bytes is too short for a .eam model (truncated file?); {Fix}");
        if (length > EamLayout.MaxFileBytes)
            throw new ModelFormatException($"{where}: {length} bytes is larger than the 2 GiB a .eam model may have; reduce the model or quantize it");
    }

    private static ModelFile Validate(byte* block, long length, string where)
    {
        ReadOnlySpan<byte> file = new(block, (int)length);
        try
        {
            (ModelConfig config, TensorInfo[] tensors, uint crc) = Parse(file);
            return new ModelFile(block, length, config, tensors, crc);
        }
        catch (ModelFormatException e)
        {
            throw new ModelFormatException($"{where}: {e.Message}", e);
        }
    }

    private static ModelFormatException Bad(string problem) => new($"{problem}; {Fix}");

    /// <summary>Parses and checks a whole .eam image. Pure function of the bytes.</summary>
    internal static (ModelConfig Config, TensorInfo[] Tensors, uint Crc) Parse(ReadOnlySpan<byte> file)
    {
        long length = file.Length;
        if (length < EamLayout.HeaderBytes + EamLayout.TrailerBytes)
            throw Bad($"{length} bytes is too short for a .eam model (truncated file?)");
        if (!file[..8].SequenceEqual(EamLayout.Magic))
            throw new ModelFormatException("not a .eam model (bad magic bytes); convert model.json + weights with edge-attention-convert");
        uint version = BinaryPrimitives.ReadUInt32LittleEndian(file[EamLayout.OffVersion..]);
        if (version != EamLayout.Version)
            throw new ModelFormatException($".eam format version {version} is not supported (this runtime reads version {EamLayout.Version}); re-run edge-attention-convert from this release");
        uint headerBytes = BinaryPrimitives.ReadUInt32LittleEndian(file[EamLayout.OffHeaderBytes..]);
        if (headerBytes != EamLayout.HeaderBytes)
            throw Bad($"header size field is {headerBytes}, expected {EamLayout.HeaderBytes}");
        ulong fileBytes = BinaryPrimitives.ReadUInt64LittleEndian(file[EamLayout.OffFileBytes..]);
        if (fileBytes != (ulong)length)
        {
            throw Bad(fileBytes > (ulong)length
                ? $"file is truncated: the header says {fileBytes} bytes but only {length} are present"
                : $"file has {length} bytes but the header says {fileBytes} (trailing garbage or corrupted header)");
        }

        if (!file[^4..].SequenceEqual(EamLayout.EndMagic))
            throw Bad("end marker missing (truncated or corrupted file)");
        uint stored = BinaryPrimitives.ReadUInt32LittleEndian(file[(int)(length - 8)..]);
        uint actual = Crc32C.Compute(file[..(int)(length - 8)]);
        if (stored != actual)
            throw Bad($"checksum mismatch (stored 0x{stored:X8}, computed 0x{actual:X8}): the file is corrupted");

        uint configBytes = BinaryPrimitives.ReadUInt32LittleEndian(file[EamLayout.OffConfigBytes..]);
        uint count = BinaryPrimitives.ReadUInt32LittleEndian(file[EamLayout.OffTensorCount..]);
        ulong tableOffset = BinaryPrimitives.ReadUInt64LittleEndian(file[EamLayout.OffTableOffset..]);
        ulong dataOffset = BinaryPrimitives.ReadUInt64LittleEndian(file[EamLayout.OffDataOffset..]);
        ulong dataBytes = BinaryPrimitives.ReadUInt64LittleEndian(file[EamLayout.OffDataBytes..]);
        ulong reserved = BinaryPrimitives.ReadUInt64LittleEndian(file[EamLayout.OffReserved..]);
        if (reserved != 0) throw Bad("reserved header field is not zero");
        if (configBytes < 2 || configBytes > EamLayout.MaxConfigBytes)
            throw Bad($"config size {configBytes} is out of range (2..{EamLayout.MaxConfigBytes})");
        if (count < 1 || count > EamLayout.MaxTensors)
            throw Bad($"tensor count {count} is out of range (1..{EamLayout.MaxTensors})");
        // All of these are < 2^32 + small, so long arithmetic cannot overflow.
        long expectTable = EamLayout.Align(EamLayout.HeaderBytes + (long)configBytes);
        if (tableOffset != (ulong)expectTable)
            throw Bad($"tensor table offset {tableOffset} is wrong (expected {expectTable})");
        long expectData = EamLayout.Align(expectTable + (long)count * EamLayout.EntryBytes);
        if (dataOffset != (ulong)expectData)
            throw Bad($"data offset {dataOffset} is wrong (expected {expectData}, 64-byte aligned after {count} table entries)");
        if (dataBytes % EamLayout.Alignment != 0)
            throw Bad($"data size {dataBytes} is not a multiple of {EamLayout.Alignment}");
        if (dataBytes > (ulong)length || (ulong)expectData + dataBytes + EamLayout.TrailerBytes != (ulong)length)
            throw Bad($"data size {dataBytes} does not fit the file length {length} (data at {expectData}, 8-byte trailer)");
        long dataEnd = expectData + (long)dataBytes;

        ModelConfig config;
        try
        {
            config = ModelConfig.Parse(file.Slice(EamLayout.HeaderBytes, (int)configBytes));
        }
        catch (ModelFormatException e)
        {
            throw Bad($"embedded config is invalid ({e.Message})");
        }

        var tensors = new TensorInfo[count];
        var table = new (string, TensorDType, int[])[count];
        long cursor = expectData; // every tensor starts at or after the previous one's end: no overlap
        for (int i = 0; i < count; i++)
        {
            ReadOnlySpan<byte> e = file.Slice((int)(expectTable + (long)i * EamLayout.EntryBytes), EamLayout.EntryBytes);
            int nameLength = BinaryPrimitives.ReadUInt16LittleEndian(e[EamLayout.EntNameLength..]);
            if (nameLength < 1 || nameLength > EamLayout.MaxNameBytes)
                throw Bad($"tensor entry {i}: name length {nameLength} is out of range (1..{EamLayout.MaxNameBytes})");
            ReadOnlySpan<byte> nameBytes = e.Slice(EamLayout.EntName, nameLength);
            if (!EamLayout.ValidName(nameBytes))
                throw Bad($"tensor entry {i}: name is not printable ASCII");
            foreach (byte b in e[(EamLayout.EntName + nameLength)..])
                if (b != 0) throw Bad($"tensor entry {i}: name padding is not zero");
            string name = Encoding.ASCII.GetString(nameBytes);
            byte dt = e[EamLayout.EntDType];
            if (dt != (byte)TensorDType.Float32 && dt != (byte)TensorDType.Int8)
                throw Bad($"tensor '{name}': unknown dtype code {dt}");
            var dtype = (TensorDType)dt;
            int rank = e[EamLayout.EntRank];
            if (rank < 1 || rank > EamLayout.MaxRank)
                throw Bad($"tensor '{name}': rank {rank} is out of range (1..{EamLayout.MaxRank})");
            if (dtype == TensorDType.Int8 && rank != 2)
                throw Bad($"tensor '{name}': an int8 tensor must have rank 2, not {rank}");
            var shape = new int[rank];
            long elements = 1;
            for (int k = 0; k < EamLayout.MaxRank; k++)
            {
                uint dim = BinaryPrimitives.ReadUInt32LittleEndian(e[(EamLayout.EntDims + 4 * k)..]);
                if (k >= rank)
                {
                    if (dim != 0) throw Bad($"tensor '{name}': unused dimension {k} is not zero");
                    continue;
                }
                if (dim < 1 || dim > ModelConfig.MaxTensorElements)
                    throw Bad($"tensor '{name}': dimension {k} is {dim}, out of range (1..{ModelConfig.MaxTensorElements})");
                shape[k] = (int)dim;
                elements *= dim; // ≤ 2^28 before, ≤ 2^28 factor → < 2^56: no overflow
                if (elements > ModelConfig.MaxTensorElements)
                    throw Bad($"tensor '{name}': element count exceeds {ModelConfig.MaxTensorElements}");
            }
            if (BinaryPrimitives.ReadUInt32LittleEndian(e[EamLayout.EntReserved..]) != 0)
                throw Bad($"tensor '{name}': reserved field is not zero");
            ulong off = BinaryPrimitives.ReadUInt64LittleEndian(e[EamLayout.EntDataOffset..]);
            ulong bytes = BinaryPrimitives.ReadUInt64LittleEndian(e[EamLayout.EntDataBytes..]);
            ulong scales = BinaryPrimitives.ReadUInt64LittleEndian(e[EamLayout.EntScalesOffset..]);
            long expectBytes = elements * EamLayout.ElementSize(dtype);
            if (bytes != (ulong)expectBytes)
                throw Bad($"tensor '{name}': data size {bytes} does not match its shape ({expectBytes} bytes)");
            CheckRange(name, "data", off, bytes, ref cursor, dataEnd);
            long scalesOffset = 0;
            if (dtype == TensorDType.Int8)
            {
                CheckRange(name, "scales", scales, 4UL * (ulong)shape[0], ref cursor, dataEnd);
                scalesOffset = (long)scales;
            }
            else if (scales != 0)
            {
                throw Bad($"tensor '{name}': a float32 tensor must have scales offset 0, not {scales}");
            }

            tensors[i] = new TensorInfo(name, dtype, shape, elements, (long)off, expectBytes, scalesOffset);
            table[i] = (name, dtype, shape);
        }

        try
        {
            ModelTensors.CheckTable(config, table, Fix);
        }
        catch (ModelFormatException e)
        {
            throw new ModelFormatException($"tensor table does not match the config: {e.Message}");
        }
        // Padding after the structure is known to match the config, so a wrong size is reported as such.
        CheckPadding(file, EamLayout.HeaderBytes + (long)configBytes, expectTable, "after the config", null);
        CheckPadding(file, expectTable + (long)count * EamLayout.EntryBytes, expectData, "after the tensor table", null);
        cursor = expectData;
        foreach (TensorInfo t in tensors)
        {
            CheckPadding(file, cursor, t.DataOffset, "before the data of tensor", t.Name);
            cursor = t.DataOffset + t.DataBytes;
            if (t.DType == TensorDType.Int8)
            {
                CheckPadding(file, cursor, t.ScalesOffset, "before the scales of tensor", t.Name);
                cursor = t.ScalesOffset + 4L * t.Shape[0];
            }
        }
        CheckPadding(file, cursor, dataEnd, "after the last tensor", null);
        foreach (TensorInfo t in tensors) CheckValues(file, t);
        return (config, tensors, stored);
    }

    private static void CheckRange(string name, string what, ulong offset, ulong bytes, ref long cursor, long dataEnd)
    {
        if (offset % EamLayout.Alignment != 0)
            throw Bad($"tensor '{name}': {what} offset {offset} is not {EamLayout.Alignment}-byte aligned");
        if (offset < (ulong)cursor)
            throw Bad($"tensor '{name}': {what} offset {offset} overlaps the previous region or lies before the data section (next free offset {cursor})");
        if (offset > (ulong)dataEnd || bytes > (ulong)dataEnd - offset)
            throw Bad($"tensor '{name}': {what} [{offset}, +{bytes}) extends past the data section end {dataEnd}");
        cursor = (long)(offset + bytes);
    }

    /// <summary>The value rules of <see cref="TensorValues"/>: finite, bounded, std &gt; 0, int8 in [−127, 127], scales bounded.</summary>
    private static void CheckValues(ReadOnlySpan<byte> file, TensorInfo t)
    {
        string? problem = t.DType == TensorDType.Float32
            ? TensorValues.CheckFloat32(t.Name, MemoryMarshal.Cast<byte, float>(file.Slice((int)t.DataOffset, (int)t.DataBytes)))
            : TensorValues.CheckInt8(MemoryMarshal.Cast<byte, sbyte>(file.Slice((int)t.DataOffset, (int)t.DataBytes)),
                MemoryMarshal.Cast<byte, float>(file.Slice((int)t.ScalesOffset, 4 * t.Shape[0])));
        if (problem is not null)
            throw new ModelFormatException($"tensor '{t.Name}' {problem}; fix the weights and re-run edge-attention-convert");
    }

    /// <summary>Padding bytes [from, to) must be zero (FORMAT.md: padding bytes are zero).</summary>
    private static void CheckPadding(ReadOnlySpan<byte> file, long from, long to, string where, string? tensor)
    {
        int bad = file.Slice((int)from, (int)(to - from)).IndexOfAnyExcept((byte)0);
        if (bad >= 0) throw Bad($"padding byte at offset {from + bad} ({where}{(tensor is null ? "" : $" '{tensor}'")}) is not zero");
    }
}
