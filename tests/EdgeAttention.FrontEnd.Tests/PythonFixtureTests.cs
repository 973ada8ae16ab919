using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using EdgeAttention.Format;
using EdgeAttention.FrontEnd;
using EdgeAttention.Kernels;

namespace EdgeAttention.FrontEnd.Tests;

/// <summary>
/// The PyTorch side's committed front-end fixtures (tests/fixtures/frontend, written by tools/pytorch with a NumPy
/// float64 evaluation of models/README.md §6): every WAV through Wav + LogMelFrontEnd, every kernel variant, within
/// the manifest's tolerance (1e-3 absolute) of the float64 features; the default filterbank against theirs.
/// </summary>
public partial class PythonFixtureTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static string FixturesDir([CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", "fixtures", "frontend"));

    public static TheoryData<string> Cases()
    {
        var d = new TheoryData<string>();
        using JsonDocument m = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(FixturesDir(), "manifest.json")));
        foreach (JsonElement c in m.RootElement.GetProperty("cases").EnumerateArray()) d.Add(c.GetProperty("name").GetString()!);
        return d;
    }

    private static (FrontendConfig Config, string Wav, string Features, int Frames, double Tolerance) Case(string name)
    {
        using JsonDocument m = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(FixturesDir(), "manifest.json")));
        double tol = m.RootElement.GetProperty("tolerance").GetDouble();
        foreach (JsonElement c in m.RootElement.GetProperty("cases").EnumerateArray())
        {
            if (c.GetProperty("name").GetString() != name) continue;
            // The manifest's frontend block is a model.json §6 object: parse it through the real config parser.
            string json = $$"""
                {"schema": "edge-attention/model@1", "input_features": {{c.GetProperty("frontend").GetProperty("mels").GetInt32()}}, "d_model": 4, "heads": 1,
                 "window": 2, "layers": 1, "ff_dim": 4, "activation": "gelu", "norm": "post", "positional": {"kind": "none"},
                 "attention": {"kind": "softmax"}, "final_norm": false, "classes": ["a"], "frontend": {{c.GetProperty("frontend").GetRawText()}}}
                """;
            FrontendConfig f = ModelConfig.Parse(Encoding.UTF8.GetBytes(json)).Frontend!;
            return (f, Path.Combine(FixturesDir(), c.GetProperty("wav").GetString()!), Path.Combine(FixturesDir(), c.GetProperty("features").GetString()!),
                c.GetProperty("frames").GetInt32(), tol);
        }
        throw new InvalidOperationException("no case " + name);
    }

    [Fact]
    public void FixturesArePresent() => Assert.True(Cases().Count >= 9, "expected the front-end fixtures under " + FixturesDir());

    [Theory, MemberData(nameof(Cases))]
    public void MatchesTheFloat64Fixture(string name)
    {
        (FrontendConfig config, string wav, string features, int frames, double tol) = Case(name);
        short[] samples = Wav.ReadMono(wav, config.SampleRate);
        double[] expected = ReadNpyF64(features, out int rows, out int cols);
        Assert.Equal(frames, rows);
        Assert.Equal(config.Mels, cols);
        foreach (KernelVariant v in KernelDispatch.AvailableFloat32)
        {
            float[] actual = new LogMelFrontEnd(config, v).Compute(samples);
            Assert.Equal(expected.Length, actual.Length);
            double max = 0;
            int at = 0;
            for (int i = 0; i < actual.Length; i++)
            {
                double d = Math.Abs(actual[i] - expected[i]);
                if (d > max) { max = d; at = i; }
            }
            output.WriteLine($"{name} {KernelDispatch.Name(v)}: max |Δ| = {max:E2}");
            Assert.True(max <= tol, $"{name} ({KernelDispatch.Name(v)}): max |Δ| = {max:E3} at frame {at / Math.Max(cols, 1)}, band {at % Math.Max(cols, 1)} > {tol}");
        }
    }

    [Fact]
    public void DefaultFilterbankMatchesTheirs()
    {
        double[] theirs = ReadNpyF64(Path.Combine(FixturesDir(), "mel_filterbank.npy"), out int rows, out int cols);
        Assert.Equal((40, 257), (rows, cols));
        double[] ours = MelFilterbankTables.Dense(16000, 512, 40, 20, 7600);
        for (int i = 0; i < ours.Length; i++) Assert.True(Math.Abs(ours[i] - theirs[i]) <= 1e-12, $"fb[{i / cols}, {i % cols}]: {ours[i]} vs {theirs[i]}");
    }

    /// <summary>A 2-D little-endian float64 .npy (v1/v2 header), C order.</summary>
    private static double[] ReadNpyF64(string path, out int rows, out int cols)
    {
        byte[] b = File.ReadAllBytes(path);
        Assert.True(b[0] == 0x93 && b.AsSpan(1, 5).SequenceEqual("NUMPY"u8), path + ": not a .npy file");
        int major = b[6];
        int headerLen = major == 1 ? BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(8)) : (int)BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(8));
        int start = major == 1 ? 10 : 12;
        string header = Encoding.ASCII.GetString(b, start, headerLen);
        Assert.Contains("'descr': '<f8'", header);
        Assert.Contains("'fortran_order': False", header);
        Match shape = ShapePattern().Match(header);
        Assert.True(shape.Success, header);
        rows = int.Parse(shape.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        cols = int.Parse(shape.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
        var data = new double[rows * cols];
        int off = start + headerLen;
        for (int i = 0; i < data.Length; i++) data[i] = BinaryPrimitives.ReadDoubleLittleEndian(b.AsSpan(off + 8 * i));
        return data;
    }

    [GeneratedRegex(@"'shape': \((\d+), (\d+)\)")]
    private static partial Regex ShapePattern();
}
