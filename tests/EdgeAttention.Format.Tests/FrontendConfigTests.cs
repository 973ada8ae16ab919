using System.Text;
using System.Text.Json.Nodes;
using EdgeAttention.Format;

namespace EdgeAttention.Format.Tests;

/// <summary>The optional `frontend` object of model.json (models/README.md §6): parsing, field-named errors, canonical JSON, .eam round trip.</summary>
public class FrontendConfigTests
{
    private const string FrontendJson = """
        { "kind": "log-mel", "sample_rate": 16000, "window": 400, "hop": 160, "fft": 512, "mels": 40, "fmin": 20, "fmax": 7600, "log_floor": 1e-6 }
        """;

    private static JsonObject WithFrontend()
    {
        JsonObject o = JsonNode.Parse(TestModels.ExampleJson)!.AsObject();
        o["frontend"] = JsonNode.Parse(FrontendJson);
        return o;
    }

    private static ModelConfig Parse(JsonObject o) => ModelConfig.Parse(Encoding.UTF8.GetBytes(o.ToJsonString()));

    [Fact]
    public void ParsesTheExample()
    {
        FrontendConfig f = Parse(WithFrontend()).Frontend!;
        Assert.Equal("log-mel", f.Kind);
        Assert.Equal(16000, f.SampleRate);
        Assert.Equal(400, f.Window);
        Assert.Equal(160, f.Hop);
        Assert.Equal(512, f.Fft);
        Assert.Equal(40, f.Mels);
        Assert.Equal(20.0, f.FMin);
        Assert.Equal(7600.0, f.FMax);
        Assert.Equal(1e-6, f.LogFloor);
        Assert.Equal(0, f.FrameCount(399));
        Assert.Equal(1, f.FrameCount(400));
        Assert.Equal(1, f.FrameCount(559));
        Assert.Equal(2, f.FrameCount(560));
        Assert.Equal(98, f.FrameCount(16000));
    }

    [Fact]
    public void NoFrontendIsNull() => Assert.Null(ModelConfig.Parse(Encoding.UTF8.GetBytes(TestModels.ExampleJson)).Frontend);

    [Fact]
    public void LogFloorDefaults()
    {
        JsonObject o = WithFrontend();
        ((JsonObject)o["frontend"]!).Remove("log_floor");
        Assert.Equal(1e-6, Parse(o).Frontend!.LogFloor);
    }

    [Theory]
    [InlineData("kind", "\"mfcc\"", "frontend.kind")]
    [InlineData("sample_rate", "999", "frontend.sample_rate")]
    [InlineData("sample_rate", "16000.5", "frontend.sample_rate")]
    [InlineData("window", "0", "frontend.window")]
    [InlineData("window", "600", "frontend.fft")]
    [InlineData("hop", "401", "frontend.hop")]
    [InlineData("hop", "0", "frontend.hop")]
    [InlineData("fft", "500", "frontend.fft")]
    [InlineData("fft", "256", "frontend.fft")]
    [InlineData("mels", "32", "input_features")]
    [InlineData("mels", "0", "frontend.mels")]
    [InlineData("fmin", "-1", "frontend.fmin")]
    [InlineData("fmin", "7600", "frontend.fmin")]
    [InlineData("fmax", "8001", "frontend.fmax")]
    [InlineData("fmax", "\"8000\"", "frontend.fmax")]
    [InlineData("log_floor", "0", "frontend.log_floor")]
    [InlineData("colour", "1", "frontend.colour")]
    public void BadValuesNameTheField(string field, string value, string named)
    {
        JsonObject o = WithFrontend();
        ((JsonObject)o["frontend"]!)[field] = JsonNode.Parse(value);
        var e = Assert.Throws<ModelFormatException>(() => Parse(o));
        Assert.Contains($"'{named}'", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Theory]
    [InlineData("kind")]
    [InlineData("sample_rate")]
    [InlineData("window")]
    [InlineData("hop")]
    [InlineData("fft")]
    [InlineData("mels")]
    [InlineData("fmin")]
    [InlineData("fmax")]
    public void MissingRequiredFieldIsNamed(string field)
    {
        JsonObject o = WithFrontend();
        ((JsonObject)o["frontend"]!).Remove(field);
        var e = Assert.Throws<ModelFormatException>(() => Parse(o));
        Assert.Contains($"'frontend.{field}' is required", e.Message);
    }

    [Fact]
    public void NotAnObjectIsAnError()
    {
        JsonObject o = WithFrontend();
        o["frontend"] = JsonNode.Parse("[1]");
        Assert.Contains("'frontend'", Assert.Throws<ModelFormatException>(() => Parse(o)).Message);
    }

    [Fact]
    public void CanonicalJsonRoundTrips()
    {
        ModelConfig c = Parse(WithFrontend());
        ModelConfig again = ModelConfig.Parse(c.ToJsonUtf8());
        Assert.True(c.SameAs(again));
        Assert.True(c.Frontend!.SameAs(again.Frontend!));
        Assert.Contains("\"frontend\"", c.ToJson());
        Assert.DoesNotContain("frontend", ModelConfig.Parse(Encoding.UTF8.GetBytes(TestModels.ExampleJson)).ToJson());
    }

    [Fact]
    public void EamKeepsTheFrontend()
    {
        ModelConfig small = TestModels.Small();
        var c = new ModelConfig
        {
            Name = small.Name, InputFeatures = small.InputFeatures, DModel = small.DModel, Heads = small.Heads, Window = small.Window,
            Layers = small.Layers, FfDim = small.FfDim, Activation = small.Activation, Norm = small.Norm, Positional = small.Positional,
            PositionalPeriod = small.PositionalPeriod, Attention = small.Attention, Landmarks = small.Landmarks,
            LandmarkMode = small.LandmarkMode, FinalNorm = small.FinalNorm, Classes = small.Classes,
            Frontend = new FrontendConfig { SampleRate = 8000, Window = 200, Hop = 80, Fft = 256, Mels = small.InputFeatures, FMin = 0, FMax = 4000, LogFloor = 1e-5 },
        };
        c.Validate();
        using ModelFile m = ModelFile.FromBytes(ModelWriter.ToBytes(c, TestModels.Tensors(c, 1, int8: false)));
        Assert.NotNull(m.Config.Frontend);
        Assert.True(c.Frontend.SameAs(m.Config.Frontend!));
    }
}
