using System.Globalization;

namespace EdgeAttention.Format;

/// <summary>
/// The value rules of every tensor of a model (FORMAT.md, "What the reader checks" 7), in one place: the .eam reader
/// enforces them, and the writer and the converter apply the same rules to their input so that a file is refused
/// before it is written, with the tensor's name. Each check returns <c>null</c> when the values are valid, else the
/// problem as a phrase that follows the tensor name ("element 3 is NaN, not a finite number").
/// </summary>
public static class TensorValues
{
    /// <summary>
    /// Largest magnitude of a float32 value (weights, biases, norms, embeddings, landmarks, input_norm): 1e6. Trained
    /// weights are many orders of magnitude smaller; a value beyond this is a broken export, and products of such
    /// values overflow float32 at run time (every step would then be rejected).
    /// </summary>
    public const float MaxAbsValue = 1e6f;

    /// <summary>Largest int8 per-row scale: <see cref="MaxAbsValue"/> / 127, so that |q · scale| ≤ <see cref="MaxAbsValue"/>.</summary>
    public const float MaxInt8Scale = MaxAbsValue / 127f;

    /// <summary>
    /// A float32 tensor's values: every value finite with |value| ≤ <see cref="MaxAbsValue"/>; for
    /// <c>input_norm.std</c> (<see cref="ModelTensors.InputNormStd"/>) every value &gt; 0 as well.
    /// </summary>
    public static string? CheckFloat32(string name, ReadOnlySpan<float> values)
    {
        ArgumentNullException.ThrowIfNull(name);
        for (int i = 0; i < values.Length; i++)
        {
            if (!(Math.Abs(values[i]) <= MaxAbsValue)) // false for NaN too
            {
                return float.IsFinite(values[i])
                    ? $"element {i} is {Text(values[i])}, larger in magnitude than the {Text(MaxAbsValue)} a model value may have"
                    : $"element {i} is {Text(values[i])}, not a finite number";
            }
        }

        if (name == ModelTensors.InputNormStd)
        {
            for (int i = 0; i < values.Length; i++)
            {
                if (!(values[i] > 0))
                    return $"element {i} is {Text(values[i])}; standard deviations must be > 0";
            }
        }

        return null;
    }

    /// <summary>An int8 weight: values in [−127, 127] (−128 is never produced by the quantizer); row scales finite, ≥ 0 and ≤ <see cref="MaxInt8Scale"/>.</summary>
    public static string? CheckInt8(ReadOnlySpan<sbyte> values, ReadOnlySpan<float> scales)
    {
        int bad = values.IndexOf(sbyte.MinValue);
        if (bad >= 0) return $"element {bad} is -128; int8 weights are in [-127, 127]";
        for (int r = 0; r < scales.Length; r++)
        {
            if (!(scales[r] >= 0 && scales[r] <= MaxInt8Scale))
                return $"scale of row {r} is {Text(scales[r])}, must be finite, >= 0 and <= {Text(MaxInt8Scale)} (|weight| <= {Text(MaxAbsValue)})";
        }

        return null;
    }

    private static string Text(float v) => v.ToString(CultureInfo.InvariantCulture);
}
