using System.Text.Json.Nodes;
using EdgeAttention.Convert;
using EdgeAttention.Format;
using EdgeAttention.Format.Tests;

namespace EdgeAttention.Convert.Tests;

/// <summary>The converter stores the `frontend` block (models/README.md §6) in the .eam and rejects a bad one naming the field.</summary>
public class FrontendConversionTests
{
    private static ModelConfig WithFrontend(ModelConfig s) => new()
    {
        Name = s.Name, InputFeatures = s.InputFeatures, DModel = s.DModel, Heads = s.Heads, Window = s.Window, Layers = s.Layers,
        FfDim = s.FfDim, Activation = s.Activation, Norm = s.Norm, Positional = s.Positional, PositionalPeriod = s.PositionalPeriod,
        Attention = s.Attention, Landmarks = s.Landmarks, LandmarkMode = s.LandmarkMode, FinalNorm = s.FinalNorm, Classes = s.Classes,
        Frontend = new FrontendConfig { SampleRate = 16000, Window = 400, Hop = 160, Fft = 512, Mels = s.InputFeatures, FMin = 20, FMax = 7600 },
    };

    [Fact]
    public void StoresTheFrontend()
    {
        ConverterTests.Case k = ConverterTests.Write(WithFrontend(TestModels.Small()));
        ModelConverter.Convert(k.Config, k.Weights, k.Output, quantizeInt8: false);
        using ModelFile m = ModelFile.Open(k.Output);
        Assert.True(k.Model.Frontend!.SameAs(m.Config.Frontend!));
    }

    [Theory]
    [InlineData("fft", "500", "frontend.fft")]
    [InlineData("fft", "256", "frontend.fft")]
    [InlineData("fmax", "9000", "frontend.fmax")]
    [InlineData("mels", "7", "input_features")]
    public void RejectsABadFrontendNamingTheField(string field, string value, string named)
    {
        ConverterTests.Case k = ConverterTests.Write(WithFrontend(TestModels.Small()));
        JsonObject o = JsonNode.Parse(File.ReadAllText(k.Config))!.AsObject();
        ((JsonObject)o["frontend"]!)[field] = JsonNode.Parse(value);
        File.WriteAllText(k.Config, o.ToJsonString());
        var e = Assert.Throws<ModelFormatException>(() => ModelConverter.Convert(k.Config, k.Weights, k.Output, quantizeInt8: false));
        Assert.Contains($"'{named}'", e.Message);
        Assert.False(File.Exists(k.Output));
    }
}
