namespace EdgeAttention.Format;

/// <summary>Element type of a tensor stored in a .eam file (the byte value is the on-disk code).</summary>
public enum TensorDType : byte
{
    /// <summary>IEEE-754 binary32, little-endian, 4 bytes per element.</summary>
    Float32 = 1,
    /// <summary>Signed 8-bit, 1 byte per element, rank 2 [rows, cols] with one float32 scale per row.</summary>
    Int8 = 2,
}

/// <summary>One entry of a .eam tensor table, after validation.</summary>
public sealed class TensorInfo
{
    internal TensorInfo(string name, TensorDType dtype, int[] shape, long elementCount, long dataOffset, long dataBytes, long scalesOffset)
    {
        Name = name; DType = dtype; Shape = shape; ElementCount = elementCount;
        DataOffset = dataOffset; DataBytes = dataBytes; ScalesOffset = scalesOffset;
    }

    public string Name { get; }
    public TensorDType DType { get; }
    /// <summary>Dimensions, outermost first (row-major). Do not modify.</summary>
    public int[] Shape { get; }
    /// <summary>Product of <see cref="Shape"/>.</summary>
    public long ElementCount { get; }
    /// <summary>Byte offset of the element data from the start of the file (64-byte aligned).</summary>
    public long DataOffset { get; }
    /// <summary>Bytes of element data (ElementCount × element size).</summary>
    public long DataBytes { get; }
    /// <summary>Int8 only: byte offset of the Shape[0] float32 per-row scales (64-byte aligned); 0 for float32.</summary>
    public long ScalesOffset { get; }
    /// <summary>Bytes the tensor occupies in the file (data plus int8 scales, without padding).</summary>
    public long StoredBytes => DataBytes + (DType == TensorDType.Int8 ? 4L * Shape[0] : 0);

    public override string ToString() => $"{Name} {DType} [{string.Join(", ", Shape)}]";
}

/// <summary>An int8 weight in place: Data row-major [rows, cols], Scales [rows]; W[r, c] ≈ Data[r, c] · Scales[r].</summary>
public readonly ref struct Int8Tensor
{
    public Int8Tensor(ReadOnlySpan<sbyte> data, ReadOnlySpan<float> scales, int rows, int cols)
    {
        Data = data; Scales = scales; Rows = rows; Cols = cols;
    }

    public ReadOnlySpan<sbyte> Data { get; }
    public ReadOnlySpan<float> Scales { get; }
    public int Rows { get; }
    public int Cols { get; }
}

/// <summary>
/// A tensor to write into a .eam file: either Float32 (any rank) or Int8 (rank 2) with Scales [Shape[0]].
/// </summary>
public sealed class TensorData
{
    public required string Name { get; init; }
    public required int[] Shape { get; init; }
    public float[]? Float32 { get; init; }
    public sbyte[]? Int8 { get; init; }
    public float[]? Scales { get; init; }

    public TensorDType DType => Int8 is not null ? TensorDType.Int8 : TensorDType.Float32;

    public static TensorData FromFloat32(string name, int[] shape, float[] data) => new() { Name = name, Shape = shape, Float32 = data };

    public static TensorData FromInt8(string name, int rows, int cols, sbyte[] data, float[] scales) =>
        new() { Name = name, Shape = [rows, cols], Int8 = data, Scales = scales };
}
