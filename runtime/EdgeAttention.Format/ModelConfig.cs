using System.Globalization;
using System.Text;
using System.Text.Json;

namespace EdgeAttention.Format;

/// <summary>
/// The model config of models/README.md §1 (model.json). Construct with <see cref="Parse"/> / <see cref="Load"/>
/// (fully validated), or with an object initializer followed by <see cref="Validate"/>.
/// <see cref="ToJson"/> writes the canonical form that is embedded in a .eam file.
/// </summary>
public sealed partial class ModelConfig
{
    /// <summary>The only schema this runtime reads.</summary>
    public const string SchemaV1 = "edge-attention/model@1";

    // Upper bounds of the config fields: far above any model an edge board runs, low enough that no derived size
    // overflows and a typo (an extra digit) is an error naming the field rather than a multi-gigabyte allocation.
    // They bound each field, not a model's memory: use SessionMemory.Estimate (EdgeAttention.Model) for that.
    /// <summary>Upper bound for input_features F.</summary>
    public const int MaxInputFeatures = 1 << 16;
    /// <summary>Upper bound for d_model.</summary>
    public const int MaxDModel = 1 << 14;
    /// <summary>Upper bound for heads.</summary>
    public const int MaxHeads = 1 << 10;
    /// <summary>Upper bound for window n.</summary>
    public const int MaxWindow = 1 << 16;
    /// <summary>Upper bound for the number of encoder layers.</summary>
    public const int MaxLayers = 256;
    /// <summary>Upper bound for ff_dim.</summary>
    public const int MaxFfDim = 1 << 16;
    /// <summary>Upper bound for attention.landmarks m.</summary>
    public const int MaxLandmarks = 1 << 16;
    /// <summary>Upper bound for positional.period P.</summary>
    public const int MaxPositionalPeriod = 1 << 20;
    /// <summary>Upper bound for the number of classes.</summary>
    public const int MaxClasses = 1 << 16;
    /// <summary>Upper bound for pinv_iterations.</summary>
    public const int MaxPinvIterations = 100;
    /// <summary>Upper bound for the elements of one tensor (1 GiB of float32).</summary>
    public const long MaxTensorElements = 1L << 28;

    public string Schema { get; init; } = SchemaV1;
    public string? Name { get; init; }
    public int InputFeatures { get; init; }
    public int DModel { get; init; }
    public int Heads { get; init; }
    public int Window { get; init; }
    public int Layers { get; init; }
    public int FfDim { get; init; }
    public ActivationKind Activation { get; init; } = ActivationKind.Gelu;
    public NormPlacement Norm { get; init; } = NormPlacement.Post;
    public float LayerNormEps { get; init; } = 1e-5f;
    public PositionalKind Positional { get; init; } = PositionalKind.None;
    /// <summary>P for recycling positions; 0 when Positional is None and no period was given.</summary>
    public int PositionalPeriod { get; init; }
    public AttentionKind Attention { get; init; } = AttentionKind.Softmax;
    /// <summary>m (Nyström only; 0 for softmax).</summary>
    public int Landmarks { get; init; }
    public LandmarkMode LandmarkMode { get; init; } = LandmarkMode.Window;
    public int PinvIterations { get; init; } = 6;
    public bool FinalNorm { get; init; }
    public IReadOnlyList<string> Classes { get; init; } = Array.Empty<string>();
    /// <summary>The audio front end (models/README.md §6), or null for a model fed with frames only.</summary>
    public FrontendConfig? Frontend { get; init; }

    /// <summary>d_h = d_model / heads.</summary>
    public int HeadDim => Heads > 0 ? DModel / Heads : 0;

    /// <summary>Number of classifier outputs C.</summary>
    public int ClassCount => Classes.Count;

    /// <summary>Checks every rule of models/README.md §1; throws <see cref="ModelFormatException"/> naming the field.</summary>
    public void Validate()
    {
        if (Schema != SchemaV1)
            throw Field("schema", $"is \"{Schema}\" but this runtime reads \"{SchemaV1}\"");
        Range("input_features", InputFeatures, 1, MaxInputFeatures);
        Range("d_model", DModel, 1, MaxDModel);
        Range("heads", Heads, 1, MaxHeads);
        if (DModel % Heads != 0)
            throw Field("heads", $"d_model ({DModel}) must be divisible by heads ({Heads})");
        Range("window", Window, 1, MaxWindow);
        Range("layers", Layers, 1, MaxLayers);
        Range("ff_dim", FfDim, 1, MaxFfDim);
        if (!Enum.IsDefined(Activation)) throw Field("activation", "has an unknown value");
        if (!Enum.IsDefined(Norm)) throw Field("norm", "has an unknown value");
        if (!(LayerNormEps > 0) || !float.IsFinite(LayerNormEps))
            throw Field("layer_norm_eps", $"must be a finite number > 0 (got {LayerNormEps.ToString("R", CultureInfo.InvariantCulture)})");
        if (!Enum.IsDefined(Positional)) throw Field("positional.kind", "has an unknown value");
        if (Positional == PositionalKind.Recycling)
            Range("positional.period", PositionalPeriod, 1, MaxPositionalPeriod);
        else if (PositionalPeriod != 0)
            Range("positional.period", PositionalPeriod, 1, MaxPositionalPeriod);
        if (!Enum.IsDefined(Attention)) throw Field("attention.kind", "has an unknown value");
        if (Attention == AttentionKind.Nystrom)
        {
            Range("attention.landmarks", Landmarks, 1, MaxLandmarks);
            if (!Enum.IsDefined(LandmarkMode)) throw Field("attention.landmark_mode", "has an unknown value");
            Range("attention.pinv_iterations", PinvIterations, 1, MaxPinvIterations);
        }
        if (Classes is null || Classes.Count < 1)
            throw Field("classes", "must list at least one class name");
        if (Classes.Count > MaxClasses)
            throw Field("classes", $"has {Classes.Count} entries; at most {MaxClasses} are supported");
        for (int i = 0; i < Classes.Count; i++)
            if (Classes[i] is null) throw Field($"classes[{i}]", "must be a string");
        Frontend?.Validate(InputFeatures);
        // Tensor-level sizes (products of the dimensions) must stay bounded.
        foreach (ExpectedTensor t in ModelTensors.Expected(this))
        {
            if (t.ElementCount > MaxTensorElements)
                throw new ModelFormatException($"model.json: fields input_features/d_model/ff_dim/positional.period/classes are too large together: tensor '{t.Name}' would have {t.ElementCount} elements (shape [{string.Join(", ", t.Shape)}]), at most {MaxTensorElements} are supported; reduce the model size");
        }
    }

    /// <summary>Throws the field-named error unless min ≤ value ≤ max (shared by the model and frontend rules).</summary>
    internal static void Range(string field, int value, int min, int max)
    {
        if (value < min || value > max)
            throw Field(field, $"must be between {min} and {max} (got {value})");
    }

    internal static ModelFormatException Field(string field, string problem) =>
        new($"model.json: field '{field}' {problem}; fix the config and re-run edge-attention-convert");

    /// <summary>Canonical JSON (UTF-8, fixed field order, every field written; softmax omits the Nyström fields).</summary>
    public string ToJson() => Encoding.UTF8.GetString(ToJsonUtf8());

    /// <summary>Canonical JSON as UTF-8 bytes.</summary>
    public byte[] ToJsonUtf8()
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("schema", Schema);
            if (Name is not null) w.WriteString("name", Name);
            w.WriteNumber("input_features", InputFeatures);
            w.WriteNumber("d_model", DModel);
            w.WriteNumber("heads", Heads);
            w.WriteNumber("window", Window);
            w.WriteNumber("layers", Layers);
            w.WriteNumber("ff_dim", FfDim);
            w.WriteString("activation", Activation == ActivationKind.Gelu ? "gelu" : "relu");
            w.WriteString("norm", Norm == NormPlacement.Post ? "post" : "pre");
            w.WriteNumber("layer_norm_eps", LayerNormEps);
            w.WriteStartObject("positional");
            w.WriteString("kind", Positional == PositionalKind.Recycling ? "recycling" : "none");
            if (PositionalPeriod != 0) w.WriteNumber("period", PositionalPeriod);
            w.WriteEndObject();
            w.WriteStartObject("attention");
            w.WriteString("kind", Attention == AttentionKind.Nystrom ? "nystrom" : "softmax");
            if (Attention == AttentionKind.Nystrom)
            {
                w.WriteNumber("landmarks", Landmarks);
                w.WriteString("landmark_mode", LandmarkMode switch
                {
                    LandmarkMode.Window => "window",
                    LandmarkMode.Continual => "continual",
                    _ => "fixed",
                });
                w.WriteNumber("pinv_iterations", PinvIterations);
            }
            w.WriteEndObject();
            w.WriteBoolean("final_norm", FinalNorm);
            w.WriteStartArray("classes");
            foreach (string c in Classes) w.WriteStringValue(c);
            w.WriteEndArray();
            Frontend?.WriteTo(w);
            w.WriteEndObject();
        }
        return ms.ToArray();
    }

    /// <summary>True when both configs have the same canonical JSON.</summary>
    public bool SameAs(ModelConfig other) => ToJson() == other.ToJson();

    public override string ToString() =>
        $"{Name ?? "(unnamed)"}: F={InputFeatures} d={DModel} h={Heads} n={Window} L={Layers} ff={FfDim} {Activation}/{Norm} " +
        $"pos={Positional}{(Positional == PositionalKind.Recycling ? "(" + PositionalPeriod + ")" : "")} " +
        $"attn={Attention}{(Attention == AttentionKind.Nystrom ? $"(m={Landmarks},{LandmarkMode},pinv={PinvIterations})" : "")} C={Classes.Count}" +
        (Frontend is null ? "" : " frontend=" + Frontend);
}
