using EdgeAttention.Format;

namespace EdgeAttention.Model;

/// <summary>Weights of one encoder layer (models/README.md §2, <c>layers.{i}.*</c>), in place in the model file's block.</summary>
internal sealed class EncoderLayerWeights
{
    public required Linear InProj { get; init; }    // [3d, d]: rows q, then k, then v
    public required Linear OutProj { get; init; }   // [d, d]
    public required Linear Linear1 { get; init; }   // [ff, d]
    public required Linear Linear2 { get; init; }   // [d, ff]
    public required InPlaceTensor<float> Norm1Weight { get; init; }   // [d]
    public required InPlaceTensor<float> Norm1Bias { get; init; }
    public required InPlaceTensor<float> Norm2Weight { get; init; }
    public required InPlaceTensor<float> Norm2Bias { get; init; }
    // [h, m, d_h], landmark_mode == fixed. The only copies: AttentionOptions takes float[] (a few KB per layer).
    public float[]? LandmarksQ { get; init; }
    public float[]? LandmarksK { get; init; }
}

/// <summary>
/// All weights of a model, used in place: every tensor is a view into the model file's native block (no copy). The
/// reader (<see cref="ModelFile"/>) has checked them against the config: nothing is checked again here. The
/// <see cref="Session"/> that owns this holds a lease on the file.
/// </summary>
internal sealed class ModelWeights
{
    public InPlaceTensor<float> InputMean { get; private init; }      // [F] (optional)
    public InPlaceTensor<float> InputStd { get; private init; }       // [F], every value > 0 (optional)
    public required Linear InputProj { get; init; }                   // [d, F]
    public InPlaceTensor<float> Positional { get; private init; }     // [P, d] (recycling only)
    public required EncoderLayerWeights[] Layers { get; init; }
    public InPlaceTensor<float> FinalNormWeight { get; private init; } // [d] (final_norm only)
    public InPlaceTensor<float> FinalNormBias { get; private init; }
    public required Linear Classifier { get; init; }                  // [C, d]

    /// <summary>Views every weight of <paramref name="file"/> in place (the reader has checked them against the config).</summary>
    public static ModelWeights Load(ModelFile file)
    {
        ModelConfig c = file.Config;
        int d = c.DModel, f = c.InputFeatures, ff = c.FfDim, classes = c.Classes.Count;
        InPlaceTensor<float> mean = TensorReader.OptionalFloat32(file, ModelTensors.InputNormMean);   // [F]
        InPlaceTensor<float> std = TensorReader.OptionalFloat32(file, ModelTensors.InputNormStd);     // [F], > 0

        InPlaceTensor<float> pos = default;
        if (c.Positional == PositionalKind.Recycling)
            pos = TensorReader.Float32(file, ModelTensors.PosEmbedding);                        // [P, d]

        var layers = new EncoderLayerWeights[c.Layers];
        for (int i = 0; i < layers.Length; i++)
        {
            string p = $"layers.{i}.";
            float[]? lq = null, lk = null;
            if (c.Attention == AttentionKind.Nystrom && c.LandmarkMode == LandmarkMode.Fixed)
            {
                lq = TensorReader.Float32(file, p + "self_attn.landmarks_q").Span.ToArray();   // [h, m, d_h]
                lk = TensorReader.Float32(file, p + "self_attn.landmarks_k").Span.ToArray();
            }
            layers[i] = new EncoderLayerWeights
            {
                InProj = Linear.Load(file, p + "self_attn.in_proj_weight", p + "self_attn.in_proj_bias", 3 * d, d),
                OutProj = Linear.Load(file, p + "self_attn.out_proj.weight", p + "self_attn.out_proj.bias", d, d),
                Linear1 = Linear.Load(file, p + "linear1.weight", p + "linear1.bias", ff, d),
                Linear2 = Linear.Load(file, p + "linear2.weight", p + "linear2.bias", d, ff),
                Norm1Weight = TensorReader.Float32(file, p + "norm1.weight"),
                Norm1Bias = TensorReader.Float32(file, p + "norm1.bias"),
                Norm2Weight = TensorReader.Float32(file, p + "norm2.weight"),
                Norm2Bias = TensorReader.Float32(file, p + "norm2.bias"),
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
            FinalNormWeight = c.FinalNorm ? TensorReader.Float32(file, ModelTensors.FinalNormWeight) : default,
            FinalNormBias = c.FinalNorm ? TensorReader.Float32(file, ModelTensors.FinalNormBias) : default,
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

    /// <summary>Every in-place tensor region the session reads (name, address, bytes), for the tests' in-place checks.</summary>
    public IEnumerable<(string What, nint Address, long Bytes)> Regions()
    {
        var all = new List<(string, nint, long)>();
        void Add(string name, InPlaceTensor<float> t) { if (t.IsPresent) all.Add((name, t.Address, t.Bytes)); }
        Add("input_norm.mean", InputMean);
        Add("input_norm.std", InputStd);
        all.AddRange(InputProj.Regions("input_proj"));
        Add("pos_embedding.weight", Positional);
        for (int i = 0; i < Layers.Length; i++)
        {
            EncoderLayerWeights l = Layers[i];
            string p = $"layers.{i}.";
            all.AddRange(l.InProj.Regions(p + "in_proj"));
            all.AddRange(l.OutProj.Regions(p + "out_proj"));
            all.AddRange(l.Linear1.Regions(p + "linear1"));
            all.AddRange(l.Linear2.Regions(p + "linear2"));
            Add(p + "norm1.weight", l.Norm1Weight);
            Add(p + "norm1.bias", l.Norm1Bias);
            Add(p + "norm2.weight", l.Norm2Weight);
            Add(p + "norm2.bias", l.Norm2Bias);
        }
        Add("final_norm.weight", FinalNormWeight);
        Add("final_norm.bias", FinalNormBias);
        all.AddRange(Classifier.Regions("classifier"));
        return all;
    }
}
