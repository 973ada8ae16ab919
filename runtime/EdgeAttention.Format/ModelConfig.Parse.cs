using System.Text.Json;

namespace EdgeAttention.Format;

// model.json parsing (models/README.md §1) with JsonDocument only: no reflection serialization, NativeAOT clean.
// Every error names the field: unknown fields, duplicates, missing required fields, wrong JSON types,
// values out of range and inconsistent values (rules in ModelConfig.Validate).
public sealed partial class ModelConfig
{
    /// <summary>Largest model.json accepted (bytes).</summary>
    public const int MaxJsonBytes = 1 << 20;

    private static readonly string[] TopLevelFields =
    [
        "schema", "name", "input_features", "d_model", "heads", "window", "layers", "ff_dim", "activation",
        "norm", "layer_norm_eps", "positional", "attention", "final_norm", "classes", "frontend",
    ];
    private static readonly string[] PositionalFields = ["kind", "period"];
    private static readonly string[] AttentionFields = ["kind", "landmarks", "landmark_mode", "pinv_iterations"];

    /// <summary>Reads and validates model.json; errors are <see cref="ModelFormatException"/> naming the file and field.</summary>
    public static ModelConfig Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        FileChecks.RequireFile(path, 2, "model.json config");
        byte[] bytes;
        try
        {
            using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            if (fs.Length > MaxJsonBytes)
                throw new ModelFormatException($"{path}: config is {fs.Length} bytes; a model.json is at most {MaxJsonBytes} bytes");
            bytes = new byte[fs.Length];
            fs.ReadExactly(bytes);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw new ModelFormatException($"{path}: cannot read config: {e.Message}", e);
        }
        try
        {
            return Parse(bytes);
        }
        catch (ModelFormatException e)
        {
            string message = e.Message.StartsWith("model.json: ", StringComparison.Ordinal) ? e.Message["model.json: ".Length..] : e.Message;
            throw new ModelFormatException($"{path}: {message}", e);
        }
    }

    /// <summary>Parses and validates UTF-8 model.json text.</summary>
    public static ModelConfig Parse(ReadOnlySpan<byte> utf8Json)
    {
        if (utf8Json.Length > MaxJsonBytes)
            throw new ModelFormatException($"model.json: {utf8Json.Length} bytes; at most {MaxJsonBytes} are accepted");
        // Skip a UTF-8 byte-order mark if an editor wrote one.
        if (utf8Json.Length >= 3 && utf8Json[0] == 0xEF && utf8Json[1] == 0xBB && utf8Json[2] == 0xBF) utf8Json = utf8Json[3..];
        if (!System.Text.Unicode.Utf8.IsValid(utf8Json))
            throw new ModelFormatException("model.json: not valid UTF-8 text; save the config as UTF-8 and re-run edge-attention-convert");
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(utf8Json.ToArray(), new JsonDocumentOptions { MaxDepth = 8, AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow });
        }
        catch (JsonException e)
        {
            throw new ModelFormatException($"model.json: not valid JSON ({OneLine(e.Message)}); fix the config and re-run edge-attention-convert", e);
        }
        using (doc)
        {
            JsonElement root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new ModelFormatException("model.json: the top level must be a JSON object; fix the config and re-run edge-attention-convert");
            CheckFields(root, "", TopLevelFields);

            JsonElement pos = Required(root, "positional", "");
            if (pos.ValueKind != JsonValueKind.Object) throw Field("positional", "must be an object like {\"kind\": \"none\"}");
            CheckFields(pos, "positional.", PositionalFields);
            JsonElement att = Required(root, "attention", "");
            if (att.ValueKind != JsonValueKind.Object) throw Field("attention", "must be an object like {\"kind\": \"softmax\"}");
            CheckFields(att, "attention.", AttentionFields);

            PositionalKind positional = Choice(Required(pos, "kind", "positional."), "positional.kind",
                ("none", PositionalKind.None), ("recycling", PositionalKind.Recycling));
            int period = 0;
            if (positional == PositionalKind.Recycling) period = Required(Int, pos, "period", "positional.");
            else if (pos.TryGetProperty("period", out JsonElement pe)) period = Int(pe, "positional.period");

            AttentionKind attention = Choice(Required(att, "kind", "attention."), "attention.kind",
                ("softmax", AttentionKind.Softmax), ("nystrom", AttentionKind.Nystrom));
            int landmarks = 0, pinv = 6;
            LandmarkMode mode = LandmarkMode.Window;
            if (attention == AttentionKind.Nystrom)
            {
                // For softmax these three fields are optional and ignored (models/README.md §1).
                landmarks = Required(Int, att, "landmarks", "attention.");
                mode = Choice(Required(att, "landmark_mode", "attention."), "attention.landmark_mode",
                    ("window", LandmarkMode.Window), ("continual", LandmarkMode.Continual), ("fixed", LandmarkMode.Fixed));
                if (att.TryGetProperty("pinv_iterations", out JsonElement pi)) pinv = Int(pi, "attention.pinv_iterations");
            }

            string? name = null;
            if (root.TryGetProperty("name", out JsonElement ne) && ne.ValueKind != JsonValueKind.Null) name = Str(ne, "name");
            float eps = 1e-5f;
            if (root.TryGetProperty("layer_norm_eps", out JsonElement ee)) eps = Float(ee, "layer_norm_eps");

            JsonElement ce = Required(root, "classes", "");
            if (ce.ValueKind != JsonValueKind.Array) throw Field("classes", "must be an array of class names");
            int count = ce.GetArrayLength();
            if (count > MaxClasses) throw Field("classes", $"has {count} entries; at most {MaxClasses} are supported");
            var classes = new string[count];
            int ci = 0;
            foreach (JsonElement c in ce.EnumerateArray()) { classes[ci] = Str(c, $"classes[{ci}]"); ci++; }

            var config = new ModelConfig
            {
                Schema = Required(Str, root, "schema", ""),
                Name = name,
                InputFeatures = Required(Int, root, "input_features", ""),
                DModel = Required(Int, root, "d_model", ""),
                Heads = Required(Int, root, "heads", ""),
                Window = Required(Int, root, "window", ""),
                Layers = Required(Int, root, "layers", ""),
                FfDim = Required(Int, root, "ff_dim", ""),
                Activation = Choice(Required(root, "activation", ""), "activation", ("gelu", ActivationKind.Gelu), ("relu", ActivationKind.Relu)),
                Norm = Choice(Required(root, "norm", ""), "norm", ("post", NormPlacement.Post), ("pre", NormPlacement.Pre)),
                LayerNormEps = eps,
                Positional = positional,
                PositionalPeriod = period,
                Attention = attention,
                Landmarks = landmarks,
                LandmarkMode = mode,
                PinvIterations = pinv,
                FinalNorm = Required(Bool, root, "final_norm", ""),
                Classes = classes,
                Frontend = ParseFrontend(root),
            };
            // Schema first, so a file of another version says so instead of complaining about its fields.
            config.Validate();
            return config;
        }
    }

    private static void CheckFields(JsonElement obj, string prefix, string[] known)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (JsonProperty p in obj.EnumerateObject())
        {
            if (Array.IndexOf(known, p.Name) < 0)
                throw Field(prefix + p.Name, $"is not a known field (known: {string.Join(", ", known)})");
            if (!seen.Add(p.Name))
                throw Field(prefix + p.Name, "appears more than once");
        }
    }

    private static JsonElement Required(JsonElement obj, string name, string prefix)
    {
        if (!obj.TryGetProperty(name, out JsonElement e))
            throw Field(prefix + name, "is required but missing");
        return e;
    }

    /// <summary>The required member <paramref name="name"/> of <paramref name="obj"/> read by <paramref name="read"/>, errors naming prefix + name.</summary>
    private static T Required<T>(Func<JsonElement, string, T> read, JsonElement obj, string name, string prefix) =>
        read(Required(obj, name, prefix), prefix + name);

    private static int Int(JsonElement e, string field)
    {
        if (e.ValueKind != JsonValueKind.Number) throw Field(field, $"must be an integer (got {Kind(e)})");
        if (e.TryGetInt32(out int v)) return v;
        // 64.0 style values are integers too; anything else (fractions, huge numbers) is out of range.
        if (e.TryGetDouble(out double d) && d == Math.Floor(d) && d >= int.MinValue && d <= int.MaxValue) return (int)d;
        throw Field(field, $"must be an integer in range (got {e.GetRawText()})");
    }

    private static float Float(JsonElement e, string field) => (float)Double(e, field);

    private static double Double(JsonElement e, string field)
    {
        if (e.ValueKind != JsonValueKind.Number || !e.TryGetDouble(out double d))
            throw Field(field, $"must be a number (got {Kind(e)})");
        return d;
    }

    private static bool Bool(JsonElement e, string field) => e.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => throw Field(field, $"must be true or false (got {Kind(e)})"),
    };

    private static string Str(JsonElement e, string field)
    {
        if (e.ValueKind != JsonValueKind.String) throw Field(field, $"must be a string (got {Kind(e)})");
        return e.GetString()!;
    }

    private static T Choice<T>(JsonElement e, string field, params (string Text, T Value)[] choices)
    {
        string s = Str(e, field);
        foreach ((string text, T value) in choices)
            if (s == text) return value;
        var names = new string[choices.Length];
        for (int i = 0; i < choices.Length; i++) names[i] = "\"" + choices[i].Text + "\"";
        throw Field(field, $"is \"{Clip(s)}\" but must be one of {string.Join(", ", names)}");
    }

    private static string Kind(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        _ => "nothing",
    };

    private static string Clip(string s) => OneLine(s.Length <= 40 ? s : s[..40] + "...");

    internal static string OneLine(string s) => s.Replace('\r', ' ').Replace('\n', ' ');
}
