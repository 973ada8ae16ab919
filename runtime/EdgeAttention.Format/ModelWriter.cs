using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace EdgeAttention.Format;

/// <summary>
/// Writes .eam v1 files (layout at the top of ModelFile.cs). The tensors are checked against the config
/// (<see cref="ModelTensors.Expected"/>) and their values against the reader's rules (<see cref="TensorValues"/>) first,
/// so whatever is written also reads back.
/// </summary>
public static class ModelWriter
{
    private const string Fix = "fix the weights or the config";

    /// <summary>Writes a complete .eam image to <paramref name="output"/> (sequentially, CRC computed on the fly).</summary>
    public static void Write(Stream output, ModelConfig config, IReadOnlyList<TensorData> tensors)
    {
        ArgumentNullException.ThrowIfNull(output);
        Layout layout = Plan(config, tensors);
        var sink = new CrcSink(output);
        sink.Write(layout.Header);
        sink.Write(layout.ConfigJson);
        sink.Pad(layout.TableOffset);
        sink.Write(layout.Table);
        sink.Pad(layout.DataOffset);
        for (int i = 0; i < tensors.Count; i++)
        {
            TensorData t = tensors[i];
            sink.Pad(layout.Offsets[i].Data);
            if (t.Int8 is not null)
            {
                sink.Write(MemoryMarshal.AsBytes(t.Int8.AsSpan()));
                sink.Pad(layout.Offsets[i].Scales);
                WriteFloats(sink, t.Scales!);
            }
            else
            {
                WriteFloats(sink, t.Float32!);
            }
        }
        sink.Pad(layout.DataOffset + layout.DataBytes);
        Span<byte> trailer = stackalloc byte[EamLayout.TrailerBytes];
        BinaryPrimitives.WriteUInt32LittleEndian(trailer, sink.Crc);
        EamLayout.EndMagic.CopyTo(trailer[4..]);
        output.Write(trailer);
        if (sink.Position + EamLayout.TrailerBytes != layout.FileBytes)
            throw new InvalidOperationException("ModelWriter: layout and written size disagree.");
    }

    /// <summary>The .eam image as a byte array.</summary>
    public static byte[] ToBytes(ModelConfig config, IReadOnlyList<TensorData> tensors)
    {
        using var ms = new MemoryStream();
        Write(ms, config, tensors);
        return ms.ToArray();
    }

    /// <summary>Writes <paramref name="path"/> atomically: a temp file in the same folder, flushed, then renamed over it.</summary>
    public static void WriteFile(string path, ModelConfig config, IReadOnlyList<TensorData> tensors)
    {
        Plan(config, tensors); // validate before touching the file system
        AtomicFile.Write(path, s => Write(s, config, tensors));
    }

    private static void WriteFloats(CrcSink sink, float[] values)
    {
        if (BitConverter.IsLittleEndian)
        {
            sink.Write(MemoryMarshal.AsBytes(values.AsSpan()));
            return;
        }
        Span<byte> four = stackalloc byte[4];
        foreach (float v in values)
        {
            BinaryPrimitives.WriteSingleLittleEndian(four, v);
            sink.Write(four);
        }
    }

    private sealed class Layout
    {
        public required byte[] Header, ConfigJson, Table;
        public required long TableOffset, DataOffset, DataBytes, FileBytes;
        public required (long Data, long Scales)[] Offsets;
    }

    private static Layout Plan(ModelConfig config, IReadOnlyList<TensorData> tensors)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(tensors);
        config.Validate();
        byte[] json = config.ToJsonUtf8();
        if (json.Length > EamLayout.MaxConfigBytes)
            throw new ModelFormatException($"config JSON is {json.Length} bytes; at most {EamLayout.MaxConfigBytes} fit a .eam file");
        if (tensors.Count < 1 || tensors.Count > EamLayout.MaxTensors)
            throw new ModelFormatException($"{tensors.Count} tensors; a .eam file holds 1..{EamLayout.MaxTensors}");
        var table = new (string, TensorDType, int[])[tensors.Count];
        for (int i = 0; i < tensors.Count; i++)
        {
            TensorData t = tensors[i] ?? throw new ModelFormatException($"tensor {i} is null");
            CheckTensor(t);
            table[i] = (t.Name, t.DType, t.Shape);
        }
        ModelTensors.CheckTable(config, table, Fix);

        long tableOffset = EamLayout.Align(EamLayout.HeaderBytes + json.Length);
        long dataOffset = EamLayout.Align(tableOffset + (long)tensors.Count * EamLayout.EntryBytes);
        var offsets = new (long, long)[tensors.Count];
        var entries = new byte[tensors.Count * EamLayout.EntryBytes];
        long cursor = dataOffset;
        for (int i = 0; i < tensors.Count; i++)
        {
            TensorData t = tensors[i];
            long elements = Elements(t.Shape);
            long dataBytes = elements * EamLayout.ElementSize(t.DType);
            long data = EamLayout.Align(cursor);
            cursor = data + dataBytes;
            long scales = 0;
            if (t.DType == TensorDType.Int8)
            {
                scales = EamLayout.Align(cursor);
                cursor = scales + 4L * t.Shape[0];
            }
            offsets[i] = (data, scales);
            Span<byte> e = entries.AsSpan(i * EamLayout.EntryBytes, EamLayout.EntryBytes);
            byte[] name = Encoding.ASCII.GetBytes(t.Name);
            BinaryPrimitives.WriteUInt16LittleEndian(e[EamLayout.EntNameLength..], (ushort)name.Length);
            e[EamLayout.EntDType] = (byte)t.DType;
            e[EamLayout.EntRank] = (byte)t.Shape.Length;
            for (int k = 0; k < t.Shape.Length; k++)
                BinaryPrimitives.WriteUInt32LittleEndian(e[(EamLayout.EntDims + 4 * k)..], (uint)t.Shape[k]);
            BinaryPrimitives.WriteUInt64LittleEndian(e[EamLayout.EntDataOffset..], (ulong)data);
            BinaryPrimitives.WriteUInt64LittleEndian(e[EamLayout.EntDataBytes..], (ulong)dataBytes);
            BinaryPrimitives.WriteUInt64LittleEndian(e[EamLayout.EntScalesOffset..], (ulong)scales);
            name.CopyTo(e[EamLayout.EntName..]);
        }
        long dataEnd = EamLayout.Align(cursor);
        long fileBytes = dataEnd + EamLayout.TrailerBytes;
        if (fileBytes > EamLayout.MaxFileBytes)
            throw new ModelFormatException($"the model needs {fileBytes} bytes; a .eam file is at most 2 GiB: reduce the model or use --quantize int8");

        var header = new byte[EamLayout.HeaderBytes];
        EamLayout.Magic.CopyTo(header);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(EamLayout.OffVersion), EamLayout.Version);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(EamLayout.OffHeaderBytes), EamLayout.HeaderBytes);
        BinaryPrimitives.WriteUInt64LittleEndian(header.AsSpan(EamLayout.OffFileBytes), (ulong)fileBytes);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(EamLayout.OffConfigBytes), (uint)json.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(EamLayout.OffTensorCount), (uint)tensors.Count);
        BinaryPrimitives.WriteUInt64LittleEndian(header.AsSpan(EamLayout.OffTableOffset), (ulong)tableOffset);
        BinaryPrimitives.WriteUInt64LittleEndian(header.AsSpan(EamLayout.OffDataOffset), (ulong)dataOffset);
        BinaryPrimitives.WriteUInt64LittleEndian(header.AsSpan(EamLayout.OffDataBytes), (ulong)(dataEnd - dataOffset));
        return new Layout
        {
            Header = header, ConfigJson = json, Table = entries, TableOffset = tableOffset, DataOffset = dataOffset,
            DataBytes = dataEnd - dataOffset, FileBytes = fileBytes, Offsets = offsets,
        };
    }

    private static long Elements(int[] shape)
    {
        long n = 1;
        foreach (int s in shape) n *= s;
        return n;
    }

    private static void CheckTensor(TensorData t)
    {
        string name = t.Name ?? throw new ModelFormatException("a tensor has no name");
        if (name.Length < 1 || name.Length > EamLayout.MaxNameBytes || name.Any(ch => ch < 0x21 || ch > 0x7E))
            throw new ModelFormatException($"tensor name '{ModelConfig.OneLine(name)}' must be 1..{EamLayout.MaxNameBytes} printable ASCII characters");
        if (t.Shape is null || t.Shape.Length < 1 || t.Shape.Length > EamLayout.MaxRank)
            throw new ModelFormatException($"tensor '{name}': rank must be 1..{EamLayout.MaxRank}");
        long elements = 1;
        foreach (int s in t.Shape)
        {
            if (s < 1) throw new ModelFormatException($"tensor '{name}': dimensions must be >= 1 (shape [{string.Join(", ", t.Shape)}])");
            elements *= s;
            if (elements > ModelConfig.MaxTensorElements) throw new ModelFormatException($"tensor '{name}': more than {ModelConfig.MaxTensorElements} elements");
        }
        if ((t.Float32 is null) == (t.Int8 is null))
            throw new ModelFormatException($"tensor '{name}': exactly one of Float32 or Int8 data must be given");
        if (t.Float32 is not null)
        {
            if (t.Float32.Length != elements)
                throw new ModelFormatException($"tensor '{name}': {t.Float32.Length} values for shape [{string.Join(", ", t.Shape)}] ({elements} elements)");
            if (t.Scales is not null) throw new ModelFormatException($"tensor '{name}': a float32 tensor has no scales");
            string? problem = TensorValues.CheckFloat32(name, t.Float32);
            if (problem is not null) throw new ModelFormatException($"tensor '{name}' {problem}; {Fix}");
        }
        else
        {
            if (t.Shape.Length != 2) throw new ModelFormatException($"tensor '{name}': an int8 tensor must have rank 2 [rows, cols]");
            if (t.Int8!.Length != elements)
                throw new ModelFormatException($"tensor '{name}': {t.Int8.Length} int8 values for shape [{string.Join(", ", t.Shape)}]");
            if (t.Scales is null || t.Scales.Length != t.Shape[0])
                throw new ModelFormatException($"tensor '{name}': an int8 tensor needs {t.Shape[0]} per-row scales");
            string? problem = TensorValues.CheckInt8(t.Int8, t.Scales);
            if (problem is not null) throw new ModelFormatException($"tensor '{name}' {problem}; {Fix}");
        }
    }

    /// <summary>Forwards writes to a stream, keeping the running CRC-32C and position.</summary>
    private sealed class CrcSink(Stream output)
    {
        private static readonly byte[] Zeros = new byte[4096];
        public uint Crc { get; private set; }
        public long Position { get; private set; }

        public void Write(ReadOnlySpan<byte> bytes)
        {
            output.Write(bytes);
            Crc = Crc32C.Append(Crc, bytes);
            Position += bytes.Length;
        }

        public void Pad(long to)
        {
            if (to < Position) throw new InvalidOperationException("ModelWriter: layout went backwards.");
            while (Position < to) Write(Zeros.AsSpan(0, (int)Math.Min(Zeros.Length, to - Position)));
        }
    }
}
