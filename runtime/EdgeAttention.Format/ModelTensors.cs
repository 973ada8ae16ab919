namespace EdgeAttention.Format;

/// <summary>One tensor a model of a given config must (or may) have, models/README.md §2.</summary>
public sealed class ExpectedTensor
{
    internal ExpectedTensor(string name, int[] shape, bool isLinearWeight, bool optional)
    {
        Name = name; Shape = shape; IsLinearWeight = isLinearWeight; Optional = optional;
        long n = 1;
        foreach (int s in shape) n *= s; // dimensions are ≤ 2^20 and rank ≤ 3 → no long overflow
        ElementCount = n;
    }

    public string Name { get; }
    /// <summary>Required shape, outermost first. Do not modify.</summary>
    public int[] Shape { get; }
    /// <summary>A Linear weight [out, in]: quantized to per-row int8 by <c>--quantize int8</c>.</summary>
    public bool IsLinearWeight { get; }
    /// <summary>May be absent (input_norm.mean / input_norm.std).</summary>
    public bool Optional { get; }
    public long ElementCount { get; }

    public string ShapeText => "[" + string.Join(", ", Shape) + "]";
}

/// <summary>
/// The single place that knows which tensors a config needs and their shapes (models/README.md §2).
/// Used by the converter (presence/shape checks, which weights to quantize), by the .eam reader
/// and writer (table checks) and by the runtime model.
/// </summary>
public static class ModelTensors
{
    public const string InputNormMean = "input_norm.mean";
    public const string InputNormStd = "input_norm.std";
    public const string InputProjWeight = "input_proj.weight";
    public const string InputProjBias = "input_proj.bias";
    public const string PosEmbedding = "pos_embedding.weight";
    public const string FinalNormWeight = "final_norm.weight";
    public const string FinalNormBias = "final_norm.bias";
    public const string ClassifierWeight = "classifier.weight";
    public const string ClassifierBias = "classifier.bias";

    /// <summary>Name of a per-layer tensor, e.g. Layer(0, "self_attn.in_proj_weight") → "layers.0.self_attn.in_proj_weight".</summary>
    public static string Layer(int layer, string suffix) => $"layers.{layer}.{suffix}";

    public const string InProjWeight = "self_attn.in_proj_weight";
    public const string InProjBias = "self_attn.in_proj_bias";
    public const string OutProjWeight = "self_attn.out_proj.weight";
    public const string OutProjBias = "self_attn.out_proj.bias";
    public const string LandmarksQ = "self_attn.landmarks_q";
    public const string LandmarksK = "self_attn.landmarks_k";
    public const string Linear1Weight = "linear1.weight";
    public const string Linear1Bias = "linear1.bias";
    public const string Linear2Weight = "linear2.weight";
    public const string Linear2Bias = "linear2.bias";
    public const string Norm1Weight = "norm1.weight";
    public const string Norm1Bias = "norm1.bias";
    public const string Norm2Weight = "norm2.weight";
    public const string Norm2Bias = "norm2.bias";

    /// <summary>
    /// Every tensor of a model with config <paramref name="c"/>, in file order, with its shape
    /// (F = input_features, d = d_model, h = heads, d_h = d/h, m = landmarks, P = period, C = classes):
    /// input_norm.mean/std [F] (optional), input_proj [d, F] + [d], pos_embedding [P, d] (recycling),
    /// per layer: in_proj [3d, d] + [3d], out_proj [d, d] + [d], landmarks_q/k [h, m, d_h] (fixed landmarks),
    /// linear1 [ff, d] + [ff], linear2 [d, ff] + [d], norm1/norm2 [d] + [d];
    /// final_norm [d] + [d] (final_norm true), classifier [C, d] + [C].
    /// The config's plain fields must be in range (call after parsing, or from Validate).
    /// </summary>
    public static IReadOnlyList<ExpectedTensor> Expected(ModelConfig c)
    {
        ArgumentNullException.ThrowIfNull(c);
        int f = c.InputFeatures, d = c.DModel, ff = c.FfDim, classes = c.Classes.Count;
        var list = new List<ExpectedTensor>(16 + 16 * Math.Max(0, c.Layers))
        {
            new(InputNormMean, [f], false, true),
            new(InputNormStd, [f], false, true),
            new(InputProjWeight, [d, f], true, false),
            new(InputProjBias, [d], false, false),
        };
        if (c.Positional == PositionalKind.Recycling)
            list.Add(new(PosEmbedding, [c.PositionalPeriod, d], false, false));
        for (int i = 0; i < c.Layers; i++)
        {
            list.Add(new(Layer(i, InProjWeight), [3 * d, d], true, false));
            list.Add(new(Layer(i, InProjBias), [3 * d], false, false));
            list.Add(new(Layer(i, OutProjWeight), [d, d], true, false));
            list.Add(new(Layer(i, OutProjBias), [d], false, false));
            if (c.Attention == AttentionKind.Nystrom && c.LandmarkMode == LandmarkMode.Fixed)
            {
                list.Add(new(Layer(i, LandmarksQ), [c.Heads, c.Landmarks, c.HeadDim], false, false));
                list.Add(new(Layer(i, LandmarksK), [c.Heads, c.Landmarks, c.HeadDim], false, false));
            }
            list.Add(new(Layer(i, Linear1Weight), [ff, d], true, false));
            list.Add(new(Layer(i, Linear1Bias), [ff], false, false));
            list.Add(new(Layer(i, Linear2Weight), [d, ff], true, false));
            list.Add(new(Layer(i, Linear2Bias), [d], false, false));
            list.Add(new(Layer(i, Norm1Weight), [d], false, false));
            list.Add(new(Layer(i, Norm1Bias), [d], false, false));
            list.Add(new(Layer(i, Norm2Weight), [d], false, false));
            list.Add(new(Layer(i, Norm2Bias), [d], false, false));
        }
        if (c.FinalNorm)
        {
            list.Add(new(FinalNormWeight, [d], false, false));
            list.Add(new(FinalNormBias, [d], false, false));
        }
        list.Add(new(ClassifierWeight, [classes, d], true, false));
        list.Add(new(ClassifierBias, [classes], false, false));
        return list;
    }

    /// <summary>Looks up the expected tensor of that name, or null if the config has no such tensor.</summary>
    public static ExpectedTensor? Find(IReadOnlyList<ExpectedTensor> expected, string name)
    {
        foreach (ExpectedTensor e in expected)
            if (e.Name == name) return e;
        return null;
    }

    /// <summary>
    /// Checks the stored tensor set of a .eam against the config: every required tensor present, no tensor the
    /// config does not know, every shape exact, int8 only for Linear weights, input_norm.mean/std both or neither.
    /// </summary>
    internal static void CheckTable(ModelConfig c, IReadOnlyList<(string Name, TensorDType DType, int[] Shape)> tensors, string fix)
    {
        IReadOnlyList<ExpectedTensor> expected = Expected(c);
        var byName = new Dictionary<string, (TensorDType DType, int[] Shape)>(StringComparer.Ordinal);
        foreach ((string name, TensorDType dtype, int[] shape) in tensors)
        {
            ExpectedTensor? e = Find(expected, name);
            if (e is null)
                throw new ModelFormatException($"tensor '{OneLine(name)}' is not part of a model with this config; {fix}");
            if (!byName.TryAdd(name, (dtype, shape)))
                throw new ModelFormatException($"tensor '{name}' appears more than once; {fix}");
            if (!shape.AsSpan().SequenceEqual(e.Shape))
                throw new ModelFormatException($"tensor '{name}' has shape [{string.Join(", ", shape)}] but the config needs {e.ShapeText}; {fix}");
            if (dtype == TensorDType.Int8 && !e.IsLinearWeight)
                throw new ModelFormatException($"tensor '{name}' is int8 but only Linear weights may be quantized; {fix}");
        }
        foreach (ExpectedTensor e in expected)
        {
            if (!e.Optional && !byName.ContainsKey(e.Name))
                throw new ModelFormatException($"tensor '{e.Name}' {e.ShapeText} is missing; {fix}");
        }

        if (byName.ContainsKey(InputNormMean) != byName.ContainsKey(InputNormStd))
            throw new ModelFormatException($"tensors '{InputNormMean}' and '{InputNormStd}' must be given together; {fix}");
    }

    private static string OneLine(string s) => ModelConfig.OneLine(s.Length <= 80 ? s : s[..80] + "...");
}
