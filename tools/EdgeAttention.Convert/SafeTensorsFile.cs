using System.Buffers.Binary;
using System.Text.Json;
using EdgeAttention.Format;

namespace EdgeAttention.Convert;

/// <summary>One tensor of a safetensors file: dtype code as written ("F32", "BF16", ...), shape, absolute byte range.</summary>
public sealed class SafeTensorInfo
{
    internal SafeTensorInfo(string name, string dtype, int[] shape, long elements, long offset, long bytes)
    {
        Name = name; DType = dtype; Shape = shape; ElementCount = elements; Offset = offset; ByteLength = bytes;
    }

    public string Name { get; }
    public string DType { get; }
    public int[] Shape { get; }
    public long ElementCount { get; }
    /// <summary>Absolute byte offset in the file.</summary>
    public long Offset { get; }
    public long ByteLength { get; }
    /// <summary>True for the dtypes the converter turns into float32: F32, F16, BF16, F64.</summary>
    public bool IsFloat => DType is "F32" or "F16" or "BF16" or "F64";
    public string ShapeText => "[" + string.Join(", ", Shape) + "]";
}

/// <summary>
/// Reader of the safetensors format (huggingface/safetensors): u64 little-endian header length N, N bytes of JSON
/// {"name": {"dtype", "shape", "data_offsets": [begin, end]}, ..., "__metadata__": {string: string}}, then the
/// byte buffer; offsets are relative to the buffer. Validated per the spec: N bounded (100 MB) and inside the file,
/// the JSON an object of well-formed entries, byte counts = elements × dtype size, the offsets contiguous,
/// non-overlapping and covering the buffer exactly. Tensor bytes are read only on request.
/// </summary>
public sealed class SafeTensorsFile : IDisposable
{
    /// <summary>The reference implementation's limit on the header size.</summary>
    public const long MaxHeaderBytes = 100_000_000;

    private readonly Stream _stream;
    private readonly string _where;
    private readonly Dictionary<string, SafeTensorInfo> _byName;

    private SafeTensorsFile(Stream stream, string where, List<SafeTensorInfo> tensors, Dictionary<string, string> metadata)
    {
        _stream = stream;
        _where = where;
        Tensors = tensors;
        Metadata = metadata;
        _byName = new Dictionary<string, SafeTensorInfo>(StringComparer.Ordinal);
        foreach (SafeTensorInfo t in tensors) _byName.Add(t.Name, t);
    }

    /// <summary>Tensors in file (offset) order.</summary>
    public IReadOnlyList<SafeTensorInfo> Tensors { get; }
    public IReadOnlyDictionary<string, string> Metadata { get; }

    public bool Contains(string name) => _byName.ContainsKey(name);

    public SafeTensorInfo Info(string name) =>
        _byName.TryGetValue(name, out SafeTensorInfo? t) ? t : throw new ModelFormatException($"{_where}: no tensor '{name}'");

    public void Dispose() => _stream.Dispose();

    /// <summary>Opens and validates a safetensors file (header only; data read on request).</summary>
    public static SafeTensorsFile Open(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        FileChecks.RequireFile(path, 8, "safetensors weights file");
        FileStream fs;
        try
        {
            fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new ModelFormatException($"{path}: cannot open weights: {OneLine(e.Message)}", e);
        }
        try
        {
            return Open(fs, path);
        }
        catch (Exception e) when (e is IOException or NotSupportedException)
        {
            fs.Dispose();
            throw new ModelFormatException($"{path}: cannot read weights: {OneLine(e.Message)}", e);
        }
        catch
        {
            fs.Dispose();
            throw;
        }
    }

    /// <summary>Validates a safetensors image in a seekable stream (the file takes ownership of the stream).</summary>
    public static SafeTensorsFile Open(Stream stream, string where)
    {
        long length = stream.Length;
        if (length < 8) throw Bad(where, $"{length} bytes is too short for a safetensors file (8-byte header length missing)");
        Span<byte> n8 = stackalloc byte[8];
        stream.Position = 0;
        ReadExact(stream, n8, where);
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(n8);
        if (n < 2) throw Bad(where, $"header length {n} is too small");
        if (n > MaxHeaderBytes) throw Bad(where, $"header length {n} exceeds the {MaxHeaderBytes}-byte limit (not a safetensors file?)");
        if (n > (ulong)(length - 8)) throw Bad(where, $"header length {n} runs past the end of the {length}-byte file (truncated?)");
        var header = new byte[n];
        ReadExact(stream, header, where);
        if (header[0] != (byte)'{') throw Bad(where, "header does not start with '{'");
        if (!System.Text.Unicode.Utf8.IsValid(header)) throw Bad(where, "header is not valid UTF-8");
        long bufferStart = 8 + (long)n, bufferBytes = length - bufferStart;

        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(header, new JsonDocumentOptions { MaxDepth = 4 });
        }
        catch (JsonException e)
        {
            throw Bad(where, $"header is not valid JSON ({OneLine(e.Message)})");
        }
        var tensors = new List<SafeTensorInfo>();
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var names = new HashSet<string>(StringComparer.Ordinal);
        var ranges = new List<(long Begin, long End, string Name)>();
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object) throw Bad(where, "header is not a JSON object");
            foreach (JsonProperty p in doc.RootElement.EnumerateObject())
            {
                string name = p.Name;
                if (!names.Add(name)) throw Bad(where, $"'{Clip(name)}' appears twice in the header");
                if (name == "__metadata__")
                {
                    if (p.Value.ValueKind != JsonValueKind.Object) throw Bad(where, "__metadata__ is not an object");
                    foreach (JsonProperty m in p.Value.EnumerateObject())
                    {
                        if (m.Value.ValueKind != JsonValueKind.String) throw Bad(where, $"__metadata__ value '{Clip(m.Name)}' is not a string");
                        metadata[m.Name] = m.Value.GetString()!;
                    }
                    continue;
                }
                (string dtype, int[] shape, long elements, long begin, long end) = Entry(p.Value, name, where, bufferBytes);
                tensors.Add(new SafeTensorInfo(name, dtype, shape, elements, bufferStart + begin, end - begin));
                ranges.Add((begin, end, name));
            }
        }
        // data_offsets must tile the buffer: sorted by begin, each begin == previous end, from 0 to the buffer end.
        ranges.Sort((a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End.CompareTo(b.End));
        long cursor = 0;
        foreach ((long begin, long end, string name) in ranges)
        {
            if (begin < cursor) throw Bad(where, $"tensor '{Clip(name)}' overlaps the previous tensor (data_offsets [{begin}, {end}])");
            if (begin > cursor) throw Bad(where, $"hole in the data buffer before tensor '{Clip(name)}' (bytes {cursor}..{begin} unused)");
            cursor = end;
        }
        if (cursor != bufferBytes) throw Bad(where, $"the tensors cover {cursor} bytes of the {bufferBytes}-byte data buffer (truncated or padded file)");
        tensors.Sort((a, b) => a.Offset.CompareTo(b.Offset));
        return new SafeTensorsFile(stream, where, tensors, metadata);
    }

    private static (string DType, int[] Shape, long Elements, long Begin, long End) Entry(JsonElement e, string name, string where, long bufferBytes)
    {
        string n = Clip(name);
        if (e.ValueKind != JsonValueKind.Object) throw Bad(where, $"tensor '{n}': entry is not an object");
        string? dtype = null;
        int[]? shape = null;
        long[]? offsets = null;
        foreach (JsonProperty p in e.EnumerateObject())
        {
            switch (p.Name)
            {
                case "dtype" when dtype is null:
                    if (p.Value.ValueKind != JsonValueKind.String) throw Bad(where, $"tensor '{n}': dtype is not a string");
                    dtype = p.Value.GetString()!;
                    break;
                case "shape" when shape is null:
                    shape = Ints(p.Value, n, "shape", where, 8).Select(v => v > int.MaxValue ? throw Bad(where, $"tensor '{n}': dimension {v} is too large") : (int)v).ToArray();
                    break;
                case "data_offsets" when offsets is null:
                    offsets = Ints(p.Value, n, "data_offsets", where, 2);
                    if (offsets.Length != 2) throw Bad(where, $"tensor '{n}': data_offsets must be [begin, end]");
                    break;
                default:
                    throw Bad(where, $"tensor '{n}': unexpected or repeated key '{Clip(p.Name)}'");
            }
        }
        if (dtype is null || shape is null || offsets is null) throw Bad(where, $"tensor '{n}': entry needs dtype, shape and data_offsets");
        int size = DTypeSize(dtype);
        if (size == 0) throw Bad(where, $"tensor '{n}': unknown dtype '{Clip(dtype)}'");
        long begin = offsets[0], end = offsets[1];
        if (begin > end) throw Bad(where, $"tensor '{n}': data_offsets [{begin}, {end}] are reversed");
        if (end > bufferBytes) throw Bad(where, $"tensor '{n}': data_offsets end {end} is past the {bufferBytes}-byte data buffer (truncated file?)");
        // Element count with overflow guard: every partial product is ≤ the buffer size (or the tensor is empty).
        long elements = 1;
        bool empty = false;
        foreach (int d in shape) if (d == 0) empty = true;
        if (empty)
        {
            elements = 0;
        }
        else
        {
            foreach (int d in shape)
            {
                if (elements > bufferBytes / d) throw Bad(where, $"tensor '{n}': shape [{string.Join(", ", shape)}] is larger than the file");
                elements *= d;
            }
        }

        if (elements * size != end - begin)
            throw Bad(where, $"tensor '{n}': {end - begin} bytes stored but {dtype} [{string.Join(", ", shape)}] needs {elements * size}");
        return (dtype, shape, elements, begin, end);
    }

    private static long[] Ints(JsonElement e, string n, string field, string where, int maxCount)
    {
        if (e.ValueKind != JsonValueKind.Array) throw Bad(where, $"tensor '{n}': {field} is not an array");
        if (e.GetArrayLength() > maxCount) throw Bad(where, $"tensor '{n}': {field} has more than {maxCount} entries");
        var r = new long[e.GetArrayLength()];
        int i = 0;
        foreach (JsonElement v in e.EnumerateArray())
        {
            if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt64(out long x) || x < 0)
                throw Bad(where, $"tensor '{n}': {field} must hold non-negative integers");
            r[i++] = x;
        }
        return r;
    }

    /// <summary>Bytes per element of a safetensors dtype; 0 if unknown.</summary>
    public static int DTypeSize(string dtype) => dtype switch
    {
        "BOOL" or "U8" or "I8" or "F8_E4M3" or "F8_E5M2" => 1,
        "I16" or "U16" or "F16" or "BF16" => 2,
        "I32" or "U32" or "F32" => 4,
        "I64" or "U64" or "F64" => 8,
        _ => 0,
    };

    /// <summary>Reads a tensor converted to float32 (F32, F16, BF16, F64). F64 values beyond float32 range become ±∞.</summary>
    public float[] ReadFloat32(string name)
    {
        SafeTensorInfo t = Info(name);
        if (!t.IsFloat)
            throw new ModelFormatException($"{_where}: tensor '{name}' has dtype {t.DType}; only F32, F16, BF16 and F64 are accepted (save it with .float())");
        if (t.ElementCount > Array.MaxLength) throw new ModelFormatException($"{_where}: tensor '{name}' is too large");
        var result = new float[t.ElementCount];
        var raw = new byte[Math.Min(t.ByteLength, 1 << 20)];
        _stream.Position = t.Offset;
        long done = 0; // elements converted
        int size = DTypeSize(t.DType);
        while (done < t.ElementCount)
        {
            int count = (int)Math.Min(raw.Length / size, t.ElementCount - done);
            Span<byte> chunk = raw.AsSpan(0, count * size);
            ReadExact(_stream, chunk, _where);
            Span<float> dst = result.AsSpan((int)done, count);
            switch (t.DType)
            {
                case "F32":
                    for (int i = 0; i < count; i++) dst[i] = BinaryPrimitives.ReadSingleLittleEndian(chunk[(4 * i)..]);
                    break;
                case "F16":
                    for (int i = 0; i < count; i++) dst[i] = (float)BinaryPrimitives.ReadHalfLittleEndian(chunk[(2 * i)..]);
                    break;
                case "BF16":
                    // bfloat16 is the top half of a float32.
                    for (int i = 0; i < count; i++) dst[i] = BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(chunk[(2 * i)..]) << 16);
                    break;
                default: // F64
                    for (int i = 0; i < count; i++) dst[i] = (float)BinaryPrimitives.ReadDoubleLittleEndian(chunk[(8 * i)..]);
                    break;
            }
            done += count;
        }
        return result;
    }

    private static void ReadExact(Stream s, Span<byte> buffer, string where)
    {
        try
        {
            s.ReadExactly(buffer);
        }
        catch (EndOfStreamException)
        {
            throw Bad(where, "file ended early (truncated)");
        }
    }

    private static ModelFormatException Bad(string where, string problem) =>
        new($"{where}: {problem}; re-export the weights with safetensors.torch.save_file");

    private static string Clip(string s) => OneLine(s.Length <= 80 ? s : s[..80] + "...");

    private static string OneLine(string s) => s.Replace('\r', ' ').Replace('\n', ' ');
}
