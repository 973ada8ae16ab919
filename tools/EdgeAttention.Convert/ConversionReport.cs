using EdgeAttention.Format;

namespace EdgeAttention.Convert;

/// <summary>One tensor written to the .eam: its stored dtype and the safetensors dtype it came from.</summary>
public sealed record ConvertedTensor(string Name, TensorDType DType, int[] Shape, string SourceDType)
{
    public long ElementCount
    {
        get { long n = 1; foreach (int s in Shape) n *= s; return n; }
    }
}

/// <summary>Error of one int8-quantized weight W [rows, cols] vs its dequantization Ŵ[r, c] = q[r, c] · s[r]:
/// MaxAbs = max |W − Ŵ|, RelativeRms = ‖W − Ŵ‖₂ / ‖W‖₂ (0 for an all-zero weight).</summary>
public sealed record QuantizationError(string Name, double MaxAbs, double RelativeRms);

/// <summary>What <see cref="ModelConverter.Convert"/> did.</summary>
public sealed class ConversionReport
{
    public required ModelConfig Config { get; init; }
    public required string OutputPath { get; init; }
    public required long OutputBytes { get; init; }
    public required bool Quantized { get; init; }
    /// <summary>Tensors written, in file order.</summary>
    public required IReadOnlyList<ConvertedTensor> Tensors { get; init; }
    /// <summary>Names of tensors in the weights file that the config does not use (reported, not written).</summary>
    public required IReadOnlyList<string> ExtrasIgnored { get; init; }
    /// <summary>One entry per quantized Linear weight (empty without --quantize int8).</summary>
    public required IReadOnlyList<QuantizationError> QuantizationErrors { get; init; }

    public long ParameterCount
    {
        get { long n = 0; foreach (ConvertedTensor t in Tensors) n += t.ElementCount; return n; }
    }
}
