using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace EdgeAttention.Format.Tests;

/// <summary>Writes safetensors images byte by byte, independently of the library reader (F32/F16/BF16/F64/I64).</summary>
internal sealed class SafeTensorsBuilder
{
    private readonly List<(string Name, string DType, int[] Shape, byte[] Bytes)> _tensors = [];
    public Dictionary<string, string>? Metadata { get; set; }

    public SafeTensorsBuilder Add(string name, int[] shape, float[] values, string dtype = "F32")
    {
        byte[] bytes;
        switch (dtype)
        {
            case "F32":
                bytes = new byte[4 * values.Length];
                for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(4 * i), values[i]);
                break;
            case "F16":
                bytes = new byte[2 * values.Length];
                for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteHalfLittleEndian(bytes.AsSpan(2 * i), (Half)values[i]);
                break;
            case "BF16":
                bytes = new byte[2 * values.Length];
                for (int i = 0; i < values.Length; i++) // truncate to the top 16 bits
                    BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(2 * i), (ushort)(BitConverter.SingleToUInt32Bits(values[i]) >> 16));
                break;
            case "F64":
                bytes = new byte[8 * values.Length];
                for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(8 * i), values[i]);
                break;
            case "I64":
                bytes = new byte[8 * values.Length];
                for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(8 * i), (long)values[i]);
                break;
            default: throw new ArgumentException(dtype);
        }
        _tensors.Add((name, dtype, shape, bytes));
        return this;
    }

    public SafeTensorsBuilder AddF64(string name, int[] shape, double[] values)
    {
        var bytes = new byte[8 * values.Length];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(8 * i), values[i]);
        _tensors.Add((name, "F64", shape, bytes));
        return this;
    }

    public byte[] Build(bool reverseOrder = false)
    {
        var sb = new StringBuilder("{");
        long offset = 0;
        var parts = new List<string>();
        if (Metadata is not null)
            parts.Add("\"__metadata__\":{" + string.Join(",", Metadata.Select(kv => $"\"{kv.Key}\":\"{kv.Value}\"")) + "}");
        foreach (var t in _tensors)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture,
                $"\"{t.Name}\":{{\"dtype\":\"{t.DType}\",\"shape\":[{string.Join(",", t.Shape)}],\"data_offsets\":[{offset},{offset + t.Bytes.Length}]}}"));
            offset += t.Bytes.Length;
        }
        if (reverseOrder) parts.Reverse();
        sb.Append(string.Join(",", parts)).Append('}');
        // Pad the header with spaces to a multiple of 8 like the reference writer.
        while (Encoding.UTF8.GetByteCount(sb.ToString()) % 8 != 0) sb.Append(' ');
        return Raw(sb.ToString(), _tensors.SelectMany(t => t.Bytes).ToArray());
    }

    /// <summary>An image with an arbitrary header text and data buffer.</summary>
    public static byte[] Raw(string header, byte[] data)
    {
        byte[] h = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + h.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)h.Length);
        h.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + h.Length);
        return bytes;
    }

    /// <summary>All tensors of a config with given weights, optionally in another dtype.</summary>
    public static byte[] ForModel(Dictionary<string, float[]> weights, EdgeAttention.Format.ModelConfig c, string dtype = "F32", IEnumerable<(string, int[], float[])>? extras = null)
    {
        var b = new SafeTensorsBuilder();
        foreach (EdgeAttention.Format.ExpectedTensor e in EdgeAttention.Format.ModelTensors.Expected(c))
            if (weights.TryGetValue(e.Name, out float[]? v)) b.Add(e.Name, e.Shape, v, dtype);
        if (extras is not null) foreach ((string n, int[] s, float[] v) in extras) b.Add(n, s, v);
        return b.Build();
    }
}
