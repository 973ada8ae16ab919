using EdgeAttention.Format;

namespace EdgeAttention.Model;

/// <summary>Weights of one encoder layer (contract §2, <c>layers.{i}.*</c>).</summary>
internal sealed class EncoderLayerWeights
{
    public required Linear InProj { get; init; }    // [3d, d]: rows q, then k, then v
    public required Linear OutProj { get; init; }   // [d, d]
    public required Linear Linear1 { get; init; }   // [ff, d]
    public required Linear Linear2 { get; init; }   // [d, ff]
    public required float[] Norm1Weight { get; init; }
    public required float[] Norm1Bias { get; init; }
    public required float[] Norm2Weight { get; init; }
    public required float[] Norm2Bias { get; init; }
    public float[]? LandmarksQ { get; init; }       // [h, m, d_h], landmark_mode == fixed
    public float[]? LandmarksK { get; init; }
}

/// <summary>All weights of a model, copied and checked against its config at load.</summary>
internal sealed class ModelWeights
{
    public float[]? InputMean { get; private init; }          // [F]
    public float[]? InputStd { get; private init; }           // [F], every value > 0
    public required Linear InputProj { get; init; }           // [d, F]
    public float[]? Positional { get; private init; }         // [P, d]
    public required EncoderLayerWeights[] Layers { get; init; }
    public float[]? FinalNormWeight { get; private init; }    // [d]
    public float[]? FinalNormBias { get; private init; }
    public required Linear Classifier { get; init; }          // [C, d]

    public static ModelWeights Load(ModelFile file)
    {
        ModelConfig c = file.Config;
        int d = c.DModel, f = c.InputFeatures, ff = c.FfDim, classes = c.Classes.Count;
        if (classes < 1) throw new ModelFormatException("model.json 'classes' is empty; list at least one class name.");

        float[]? mean = TensorReader.OptionalFloat32(file, "input_norm.mean", f);
        float[]? std = TensorReader.OptionalFloat32(file, "input_norm.std", f);
        if ((mean is null) != (std is null))
            throw new ModelFormatException("tensors 'input_norm.mean' and 'input_norm.std' must be given together; add the missing one or drop both.");
        if (std is not null)
            for (int i = 0; i < std.Length; i++)
                if (!(std[i] > 0))
                    throw new ModelFormatException($"tensor 'input_norm.std' element {i} is {std[i]}; every std must be > 0.");

        float[]? pos = null;
        if (c.Positional == PositionalKind.Recycling)
            pos = TensorReader.Float32(file, "pos_embedding.weight", c.PositionalPeriod, d);

        var layers = new EncoderLayerWeights[c.Layers];
        for (int i = 0; i < layers.Length; i++)
        {
            string p = $"layers.{i}.";
            float[]? lq = null, lk = null;
            if (c.Attention == AttentionKind.Nystrom && c.LandmarkMode == LandmarkMode.Fixed)
            {
                lq = TensorReader.Float32(file, p + "self_attn.landmarks_q", c.Heads, c.Landmarks, c.HeadDim);
                lk = TensorReader.Float32(file, p + "self_attn.landmarks_k", c.Heads, c.Landmarks, c.HeadDim);
            }
            layers[i] = new EncoderLayerWeights
            {
                InProj = Linear.Load(file, p + "self_attn.in_proj_weight", p + "self_attn.in_proj_bias", 3 * d, d),
                OutProj = Linear.Load(file, p + "self_attn.out_proj.weight", p + "self_attn.out_proj.bias", d, d),
                Linear1 = Linear.Load(file, p + "linear1.weight", p + "linear1.bias", ff, d),
                Linear2 = Linear.Load(file, p + "linear2.weight", p + "linear2.bias", d, ff),
                Norm1Weight = TensorReader.Float32(file, p + "norm1.weight", d),
                Norm1Bias = TensorReader.Float32(file, p + "norm1.bias", d),
                Norm2Weight = TensorReader.Float32(file, p + "norm2.weight", d),
                Norm2Bias = TensorReader.Float32(file, p + "norm2.bias", d),
                LandmarksQ = lq,
                LandmarksK = lk,
            };
        }

        return new ModelWeights
        {
            InputMean = mean,
            InputStd = std,
            InputProj = Linear.Load(file, "input_proj.weight", "input_proj.bias", d, f),
            Positional = pos,
            Layers = layers,
            FinalNormWeight = c.FinalNorm ? TensorReader.Float32(file, "final_norm.weight", d) : null,
            FinalNormBias = c.FinalNorm ? TensorReader.Float32(file, "final_norm.bias", d) : null,
            Classifier = Linear.Load(file, "classifier.weight", "classifier.bias", classes, d),
        };
    }

    /// <summary>True when any Linear is stored as int8.</summary>
    public bool AnyInt8
    {
        get
        {
            if (InputProj.IsInt8 || Classifier.IsInt8) return true;
            foreach (EncoderLayerWeights l in Layers)
                if (l.InProj.IsInt8 || l.OutProj.IsInt8 || l.Linear1.IsInt8 || l.Linear2.IsInt8) return true;
            return false;
        }
    }
}
