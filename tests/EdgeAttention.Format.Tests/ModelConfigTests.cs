using System.Text;
using System.Text.Json.Nodes;
using EdgeAttention.Format;

namespace EdgeAttention.Format.Tests;

public class ModelConfigTests
{
    private static ModelConfig ParseText(string json) => ModelConfig.Parse(Encoding.UTF8.GetBytes(json));

    [Fact]
    public void ParsesTheContractExample()
    {
        ModelConfig c = ParseText(TestModels.ExampleJson);
        Assert.Equal("edge-attention/model@1", c.Schema);
        Assert.Equal("kws-tiny", c.Name);
        Assert.Equal(40, c.InputFeatures);
        Assert.Equal(64, c.DModel);
        Assert.Equal(4, c.Heads);
        Assert.Equal(16, c.HeadDim);
        Assert.Equal(64, c.Window);
        Assert.Equal(1, c.Layers);
        Assert.Equal(128, c.FfDim);
        Assert.Equal(ActivationKind.Gelu, c.Activation);
        Assert.Equal(NormPlacement.Post, c.Norm);
        Assert.Equal(1e-5f, c.LayerNormEps);
        Assert.Equal(PositionalKind.Recycling, c.Positional);
        Assert.Equal(64, c.PositionalPeriod);
        Assert.Equal(AttentionKind.Nystrom, c.Attention);
        Assert.Equal(8, c.Landmarks);
        Assert.Equal(LandmarkMode.Continual, c.LandmarkMode);
        Assert.Equal(6, c.PinvIterations);
        Assert.True(c.FinalNorm);
        Assert.Equal(["silence", "yes", "no"], c.Classes);
    }

    [Fact]
    public void DefaultsApplyForOptionalFields()
    {
        JsonObject o = Example();
        o.Remove("layer_norm_eps");
        o.Remove("name");
        ((JsonObject)o["attention"]!).Remove("pinv_iterations");
        ModelConfig c = ParseText(o.ToJsonString());
        Assert.Equal(1e-5f, c.LayerNormEps);
        Assert.Equal(6, c.PinvIterations);
        Assert.Null(c.Name);
    }

    [Fact]
    public void SoftmaxIgnoresNystromFieldsAndNoneNeedsNoPeriod()
    {
        JsonObject o = Example();
        o["attention"] = JsonNode.Parse("""{"kind": "softmax", "landmarks": 0, "landmark_mode": "whatever"}""");
        o["positional"] = JsonNode.Parse("""{"kind": "none"}""");
        ModelConfig c = ParseText(o.ToJsonString());
        Assert.Equal(AttentionKind.Softmax, c.Attention);
        Assert.Equal(PositionalKind.None, c.Positional);
        Assert.Equal(0, c.Landmarks);
        Assert.DoesNotContain(ModelTensors.PosEmbedding, ModelTensors.Expected(c).Select(e => e.Name));
    }

    [Fact]
    public void CanonicalJsonRoundTrips()
    {
        foreach (ModelConfig c in new[]
        {
            ParseText(TestModels.ExampleJson),
            TestModels.Small(),
            TestModels.Small(attn: AttentionKind.Softmax, pos: PositionalKind.None, finalNorm: false, norm: NormPlacement.Pre, act: ActivationKind.Relu),
            TestModels.Small(mode: LandmarkMode.Window, landmarks: 9),
        })
        {
            string json = c.ToJson();
            ModelConfig back = ParseText(json);
            Assert.Equal(json, back.ToJson());
            Assert.True(c.SameAs(back));
        }
        // A value that is not exactly representable in float32 text form survives the trip.
        var odd = new ModelConfig
        {
            InputFeatures = 1, DModel = 2, Heads = 1, Window = 1, Layers = 1, FfDim = 1, LayerNormEps = 1.2345678e-7f, Classes = ["a"],
        };
        Assert.Equal(odd.LayerNormEps, ParseText(odd.ToJson()).LayerNormEps);
    }

    public static TheoryData<string, string> BadConfigs()
    {
        // (edit applied to the example as "path=value" or "-path" to remove; the field the message must name)
        return new TheoryData<string, string>
        {
            { "-schema", "schema" },
            { "schema=\"edge-attention/model@2\"", "schema" },
            { "schema=1", "schema" },
            { "-input_features", "input_features" },
            { "input_features=0", "input_features" },
            { "input_features=-3", "input_features" },
            { "input_features=2.5", "input_features" },
            { "input_features=\"40\"", "input_features" },
            { "input_features=99999999999", "input_features" },
            { "-d_model", "d_model" },
            { "d_model=0", "d_model" },
            { "-heads", "heads" },
            { "heads=0", "heads" },
            { "heads=5", "heads" },
            { "-window", "window" },
            { "window=0", "window" },
            { "window=2000000", "window" },
            { "-layers", "layers" },
            { "layers=0", "layers" },
            { "layers=100000", "layers" },
            { "-ff_dim", "ff_dim" },
            { "ff_dim=0", "ff_dim" },
            { "-activation", "activation" },
            { "activation=\"tanh\"", "activation" },
            { "activation=true", "activation" },
            { "-norm", "norm" },
            { "norm=\"middle\"", "norm" },
            { "layer_norm_eps=0", "layer_norm_eps" },
            { "layer_norm_eps=-1e-5", "layer_norm_eps" },
            { "layer_norm_eps=\"small\"", "layer_norm_eps" },
            { "layer_norm_eps=1e300", "layer_norm_eps" },
            { "-positional", "positional" },
            { "positional=3", "positional" },
            { "-positional.kind", "positional.kind" },
            { "positional.kind=\"sinusoid\"", "positional.kind" },
            { "-positional.period", "positional.period" },
            { "positional.period=0", "positional.period" },
            { "positional.extra=1", "positional.extra" },
            { "-attention", "attention" },
            { "attention=[]", "attention" },
            { "-attention.kind", "attention.kind" },
            { "attention.kind=\"linear\"", "attention.kind" },
            { "-attention.landmarks", "attention.landmarks" },
            { "attention.landmarks=0", "attention.landmarks" },
            { "-attention.landmark_mode", "attention.landmark_mode" },
            { "attention.landmark_mode=\"random\"", "attention.landmark_mode" },
            { "attention.pinv_iterations=0", "attention.pinv_iterations" },
            { "attention.pinv_iterations=1000", "attention.pinv_iterations" },
            { "attention.eps=1", "attention.eps" },
            { "-final_norm", "final_norm" },
            { "final_norm=1", "final_norm" },
            { "-classes", "classes" },
            { "classes=[]", "classes" },
            { "classes=\"yes\"", "classes" },
            { "classes=[\"a\", 2]", "classes[1]" },
            { "name=5", "name" },
            { "unknown_field=1", "unknown_field" },
            { "d_model=16384", "in_proj_weight" },
            { "d_model=1048576", "d_model" },
            // Upper bounds per field (a typo with an extra digit names the field, not a huge allocation).
            { "input_features=65537", "'input_features' must be between 1 and 65536" },
            { "d_model=16388", "'d_model' must be between 1 and 16384" },
            { "heads=2048", "'heads' must be between 1 and 1024" },
            { "window=65537", "'window' must be between 1 and 65536" },
            { "window=1048576", "'window'" },
            { "layers=257", "'layers' must be between 1 and 256" },
            { "ff_dim=65537", "'ff_dim' must be between 1 and 65536" },
            { "attention.landmarks=65537", "'attention.landmarks' must be between 1 and 65536" },
        };
    }

    [Theory]
    [MemberData(nameof(BadConfigs))]
    public void EveryErrorNamesTheField(string edit, string field)
    {
        JsonObject o = Example();
        Apply(o, edit);
        var e = Assert.Throws<ModelFormatException>(() => ParseText(o.ToJsonString()));
        Assert.Contains(field, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Theory]
    [InlineData("", "not valid JSON")]
    [InlineData("[1, 2]", "top level")]
    [InlineData("{\"schema\": \"edge-attention/model@1\",}", "not valid JSON")]
    [InlineData("{\"schema\": \"edge-attention/model@1\" /* c */}", "not valid JSON")]
    [InlineData("{\"schema\": \"edge-attention/model@1\", \"schema\": \"edge-attention/model@1\"}", "'schema' appears more than once")]
    public void MalformedJsonIsOneLineError(string json, string expected)
    {
        var e = Assert.Throws<ModelFormatException>(() => ParseText(json));
        Assert.Contains(expected, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void DeepNestingAndHugeInputAreRejected()
    {
        string deep = "{\"name\":" + new string('[', 10000) + new string(']', 10000) + "}";
        Assert.Throws<ModelFormatException>(() => ParseText(deep));
        var huge = new byte[ModelConfig.MaxJsonBytes + 1];
        Assert.Throws<ModelFormatException>(() => ModelConfig.Parse(huge));
    }

    [Fact]
    public void LoadNamesTheFileAndAcceptsBom()
    {
        string dir = TestModels.TempDir();
        string path = Path.Combine(dir, "model.json");
        File.WriteAllBytes(path, [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(TestModels.ExampleJson)]);
        Assert.Equal(64, ModelConfig.Load(path).DModel);
        File.WriteAllText(path, "{}");
        var e = Assert.Throws<ModelFormatException>(() => ModelConfig.Load(path));
        Assert.StartsWith(path, e.Message);
        var missing = Assert.Throws<ModelFormatException>(() => ModelConfig.Load(Path.Combine(dir, "nope.json")));
        Assert.Contains("nope.json", missing.Message);
    }

    [Fact]
    public void ValidateCatchesObjectInitializerMistakes()
    {
        ModelConfig ok = TestModels.Small();
        ok.Validate();
        var bad = new ModelConfig { InputFeatures = 1, DModel = 6, Heads = 4, Window = 1, Layers = 1, FfDim = 1, Classes = ["a"] };
        Assert.Contains("heads", Assert.Throws<ModelFormatException>(bad.Validate).Message);
        var noClasses = new ModelConfig { InputFeatures = 1, DModel = 4, Heads = 4, Window = 1, Layers = 1, FfDim = 1 };
        Assert.Contains("classes", Assert.Throws<ModelFormatException>(noClasses.Validate).Message);
    }

    [Fact]
    public void ExpectedTensorsFollowContractSection2()
    {
        ModelConfig c = TestModels.Small(f: 5, d: 8, heads: 2, layers: 2, ff: 12, period: 7, landmarks: 3, classes: 3);
        IReadOnlyList<ExpectedTensor> e = ModelTensors.Expected(c);
        ExpectedTensor Get(string n) => e.Single(x => x.Name == n);
        Assert.Equal([8, 5], Get("input_proj.weight").Shape);
        Assert.Equal([7, 8], Get("pos_embedding.weight").Shape);
        Assert.Equal([24, 8], Get("layers.1.self_attn.in_proj_weight").Shape);
        Assert.Equal([24], Get("layers.1.self_attn.in_proj_bias").Shape);
        Assert.Equal([2, 3, 4], Get("layers.0.self_attn.landmarks_q").Shape);
        Assert.Equal([12, 8], Get("layers.0.linear1.weight").Shape);
        Assert.Equal([8, 12], Get("layers.0.linear2.weight").Shape);
        Assert.Equal([3, 8], Get("classifier.weight").Shape);
        Assert.True(Get("input_norm.std").Optional);
        Assert.Equal(["input_proj.weight", "layers.0.self_attn.in_proj_weight", "layers.0.self_attn.out_proj.weight", "layers.0.linear1.weight",
            "layers.0.linear2.weight", "layers.1.self_attn.in_proj_weight", "layers.1.self_attn.out_proj.weight", "layers.1.linear1.weight",
            "layers.1.linear2.weight", "classifier.weight"], e.Where(x => x.IsLinearWeight).Select(x => x.Name));
        // 4 input + pos + 2 × (12 + 2 landmarks) + 2 final norm + 2 classifier
        Assert.Equal(4 + 1 + 2 * 14 + 2 + 2, e.Count);
        ModelConfig plain = TestModels.Small(pos: PositionalKind.None, mode: LandmarkMode.Continual, finalNorm: false);
        Assert.DoesNotContain(ModelTensors.Expected(plain), x => x.Name.Contains("landmarks_") || x.Name.StartsWith("final_norm") || x.Name.StartsWith("pos_"));
    }

    private static JsonObject Example() => JsonNode.Parse(TestModels.ExampleJson)!.AsObject();

    private static void Apply(JsonObject root, string edit)
    {
        bool remove = edit.StartsWith('-');
        string path = remove ? edit[1..] : edit[..edit.IndexOf('=')];
        string[] parts = path.Split('.');
        JsonObject target = root;
        for (int i = 0; i < parts.Length - 1; i++) target = target[parts[i]]!.AsObject();
        if (remove) Assert.True(target.Remove(parts[^1]), "test edit removes nothing: " + edit);
        else target[parts[^1]] = JsonNode.Parse(edit[(edit.IndexOf('=') + 1)..]);
    }
}
