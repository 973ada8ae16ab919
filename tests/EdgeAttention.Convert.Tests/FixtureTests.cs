using System.Runtime.CompilerServices;
using System.Text.Json;
using EdgeAttention.Convert;
using EdgeAttention.Format;

namespace EdgeAttention.Convert.Tests;

/// <summary>
/// The PyTorch twin's committed fixtures (tests/fixtures, written by tools/pytorch with its own safetensors
/// writer): every golden model converts (float32 and int8), and every invalid case is rejected with a
/// message containing one of the manifest's expected words, leaving no output file.
/// </summary>
public class FixtureTests
{
    private static string FixturesDir([CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", "fixtures"));

    public static TheoryData<string> GoldenCases()
    {
        var d = new TheoryData<string>();
        string golden = Path.Combine(FixturesDir(), "golden");
        if (Directory.Exists(golden))
            foreach (string dir in Directory.GetDirectories(golden).Order()) d.Add(Path.GetFileName(dir));
        return d;
    }

    public static TheoryData<string> InvalidCases()
    {
        var d = new TheoryData<string>();
        string manifest = Path.Combine(FixturesDir(), "invalid", "manifest.json");
        if (File.Exists(manifest))
        {
            using JsonDocument doc = JsonDocument.Parse(File.ReadAllBytes(manifest));
            foreach (JsonProperty p in doc.RootElement.EnumerateObject()) d.Add(p.Name);
        }
        return d;
    }

    [Fact]
    public void FixturesArePresent()
    {
        Assert.True(((IEnumerable<object[]>)GoldenCases()).Count() >= 10, "expected the golden fixtures under " + FixturesDir());
        Assert.True(((IEnumerable<object[]>)InvalidCases()).Count() >= 10, "expected the invalid fixtures under " + FixturesDir());
    }

    [Theory]
    [MemberData(nameof(GoldenCases))]
    public void GoldenModelConverts(string name)
    {
        string src = Path.Combine(FixturesDir(), "golden", name);
        string dir = Format.Tests.TestModels.TempDir();
        foreach (bool int8 in new[] { false, true })
        {
            string output = Path.Combine(dir, int8 ? "int8.eam" : "f32.eam");
            ConversionReport r = ModelConverter.Convert(Path.Combine(src, "model.json"), Path.Combine(src, "model.safetensors"), output, int8);
            using ModelFile m = ModelFile.Open(output);
            Assert.True(ModelConfig.Load(Path.Combine(src, "model.json")).SameAs(m.Config));
            Assert.Equal(r.Tensors.Count, m.Tensors.Count);
            if (name == "extra_tensors") Assert.NotEmpty(r.ExtrasIgnored);
            else Assert.Empty(r.ExtrasIgnored);
            Assert.Equal(int8, r.QuantizationErrors.Count > 0);
            Assert.All(r.QuantizationErrors, q => Assert.True(q.RelativeRms < 0.02, $"{q.Name} {q.RelativeRms}"));
        }
        float[] frames = Npy.Read(Path.Combine(src, "frames.npy"), out int t, out int f);
        using (ModelFile m = ModelFile.Open(Path.Combine(dir, "f32.eam")))
        {
            Assert.Equal(m.Config.InputFeatures, f);
            float[] logits = Npy.Read(Path.Combine(src, "logits.npy"), out int rows, out int classes);
            Assert.Equal(m.Config.Classes.Count, classes);
            Assert.Equal(Math.Max(0, t - m.Config.Window + 1), rows);
            Assert.Equal(frames.Length, t * f);
            Assert.Equal(logits.Length, rows * classes);
        }
    }

    [Theory]
    [MemberData(nameof(InvalidCases))]
    public void InvalidCaseIsRejected(string name)
    {
        string src = Path.Combine(FixturesDir(), "invalid", name);
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(FixturesDir(), "invalid", "manifest.json")));
        JsonElement c = doc.RootElement.GetProperty(name);
        string[] expectAny = c.GetProperty("expect_any").EnumerateArray().Select(e => e.GetString()!).ToArray();
        string stage = c.GetProperty("stage").GetString()!;
        string dir = Format.Tests.TestModels.TempDir();
        string output = Path.Combine(dir, "model.eam");
        if (stage == "convert")
        {
            var e = Assert.Throws<ModelFormatException>(() => ModelConverter.Convert(Path.Combine(src, "model.json"), Path.Combine(src, "model.safetensors"), output, false));
            Assert.DoesNotContain('\n', e.Message);
            Assert.True(expectAny.Any(x => e.Message.Contains(x, StringComparison.OrdinalIgnoreCase)), $"'{e.Message}' lacks all of {string.Join(", ", expectAny)}");
            Assert.Empty(Directory.GetFiles(dir));
            return;
        }
        // Run stage: the model is valid; the frames are the problem. The feature-count mismatch is the
        // device binary's check (it needs the model); every other case must already fail in Npy.Read.
        ModelConverter.Convert(Path.Combine(src, "model.json"), Path.Combine(src, "model.safetensors"), output, false);
        string frames = Path.Combine(src, "frames.npy");
        if (name == "frames_wrong_features")
        {
            Npy.Read(frames, out _, out int features);
            using ModelFile m = ModelFile.Open(output);
            Assert.NotEqual(m.Config.InputFeatures, features);
            return;
        }
        var err = Assert.Throws<ModelFormatException>(() => Npy.Read(frames, out _, out _));
        Assert.True(expectAny.Any(x => err.Message.Contains(x, StringComparison.OrdinalIgnoreCase)), $"'{err.Message}' lacks all of {string.Join(", ", expectAny)}");
    }
}
