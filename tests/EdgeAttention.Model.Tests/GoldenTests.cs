using System.Runtime.CompilerServices;
using EdgeAttention.Convert;
using EdgeAttention.Format;
using Xunit.Abstractions;

namespace EdgeAttention.Model.Tests;

/// <summary>
/// Golden parity: every case of tests/fixtures/golden (float64 logits from tools/pytorch/golden.py) is converted
/// with the converter's core and run in both executions: |Δ| ≤ 1e-4 × max(1, max |golden|) at every step
/// (half the 2e-4 of models/README.md §4.3). Int8 conversions report their error against golden and keep the float32 model's argmax on ≥ 95% of steps.
/// A missing fixture folder fails (no silent pass).
/// </summary>
public sealed class GoldenTests(ITestOutputHelper output)
{
    private static string GoldenDir([CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", "fixtures", "golden"));

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        string dir = GoldenDir();
        if (!Directory.Exists(dir)) { data.Add("(missing) " + dir); return data; }
        foreach (string c in Directory.GetDirectories(dir).Select(p => Path.GetFileName(p)).Order())
            data.Add(c!);
        if (data.Count == 0) data.Add("(empty) " + dir);
        return data;
    }

    private sealed record Case(string Name, string Config, string Weights, float[][] Frames, double[][] Golden);

    private static Case Load(string name) => LoadFrom(Path.Combine(GoldenDir(), name), name);

    private static Case LoadFrom(string dir, string name)
    {
        Assert.True(Directory.Exists(dir), $"golden fixture folder {dir} is missing; regenerate with tools/pytorch/make_fixtures.py");
        float[] f = Npy.Read(Path.Combine(dir, "frames.npy"), out int t, out int features);
        float[] g = Npy.Read(Path.Combine(dir, "logits.npy"), out int rows, out int classes);
        float[][] frames = Enumerable.Range(0, t).Select(i => f.AsSpan(i * features, features).ToArray()).ToArray();
        double[][] golden = Enumerable.Range(0, rows).Select(i => g.AsSpan(i * classes, classes).ToArray().Select(v => (double)v).ToArray()).ToArray();
        return new Case(name, Path.Combine(dir, "model.json"), Path.Combine(dir, "model.safetensors"), frames, golden);
    }

    private static ModelFile Convert(Case c, bool int8, string tempDir)
    {
        string path = Path.Combine(tempDir, int8 ? "model-int8.eam" : "model.eam");
        ModelConverter.Convert(c.Config, c.Weights, path, int8, TextWriter.Null);
        return ModelFile.Open(path);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Float32MatchesGoldenInBothExecutions(string name)
    {
        Case c = Load(name);
        DirectoryInfo tmp = Directory.CreateTempSubdirectory("ea-golden-");
        try
        {
            using ModelFile file = Convert(c, int8: false, tmp.FullName);
            Assert.Equal(c.Frames.Length - file.Config.Window + 1, c.Golden.Length);
            foreach (Execution e in new[] { Execution.Continual, Execution.Recompute })
            {
                using var s = new Session(file, e);
                (double err, double scale) = TestModels.Compare(TestModels.Run(s, c.Frames), c.Golden);
                output.WriteLine($"{name} {e}: max |Δ| {err:E2}, scale {scale:G4}, |Δ|/tol {err / (1e-4 * scale):F3}");
                Assert.True(err <= 1e-4 * scale, $"{name} {e}: max |Δ| {err:E3} > 1e-4 × {scale:G4}");
            }
            // The tests' own float64 reference agrees with the golden evaluator too (it checks the synthetic configs).
            (double refErr, double refScale) = TestModels.Compare(
                new ReferenceModel(file).Run(c.Frames).Select(r => r.Select(v => (float)v).ToArray()).ToArray(), c.Golden);
            Assert.True(refErr <= 1e-5 * refScale, $"{name}: test reference differs from golden by {refErr:E3}");
        }
        finally { tmp.Delete(recursive: true); }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Int8KeepsTheFloat32Argmax(string name)
    {
        Case c = Load(name);
        DirectoryInfo tmp = Directory.CreateTempSubdirectory("ea-golden-");
        try
        {
            using ModelFile file = Convert(c, int8: true, tmp.FullName);
            using ModelFile f32 = Convert(c, int8: false, tmp.FullName);
            Assert.Contains(file.Tensors, t => t.DType == TensorDType.Int8);
            using var reference = new Session(f32);
            float[][] expected = TestModels.Run(reference, c.Frames);
            foreach (Execution e in new[] { Execution.Continual, Execution.Recompute })
            {
                using var s = new Session(file, e);
                float[][] got = TestModels.Run(s, c.Frames);
                (double err, double scale) = TestModels.Compare(got, c.Golden);
                int agree = got.Where((r, i) => TestModels.ArgMax(r) == TestModels.ArgMax(expected[i])).Count();
                double rate = (double)agree / got.Length;
                output.WriteLine($"{name} int8 {e}: max |Δ| {err:E2} (scale {scale:G3}), argmax agreement {rate:P1}");
                Assert.True(rate >= 0.95, $"{name} int8 {e}: argmax agreement {rate:P1} < 95%");
            }
        }
        finally { tmp.Delete(recursive: true); }
    }

    /// <summary>
    /// The bundled trained model (models/kws-tiny: n = 64, Nyström m = 8 continual landmarks, T = 400): float32 in both
    /// executions within 1e-4 × scale of its golden logits; int8 keeps the float32 argmax on ≥ 95% of steps.
    /// </summary>
    [Fact]
    public void KwsTinyMatchesGoldenAndInt8KeepsArgmax()
    {
        string dir = Path.GetFullPath(Path.Combine(GoldenDir(), "..", "..", "..", "models", "kws-tiny"));
        Case c = LoadFrom(dir, "kws-tiny");
        DirectoryInfo tmp = Directory.CreateTempSubdirectory("ea-kws-");
        try
        {
            using ModelFile f32 = Convert(c, int8: false, tmp.FullName);
            using ModelFile i8 = Convert(c, int8: true, tmp.FullName);
            float[][]? reference = null;
            foreach (Execution e in new[] { Execution.Continual, Execution.Recompute })
            {
                using var s = new Session(f32, e);
                float[][] got = TestModels.Run(s, c.Frames);
                reference ??= got;
                (double err, double scale) = TestModels.Compare(got, c.Golden);
                output.WriteLine($"kws-tiny f32 {e}: max |Δ| {err:E2}, scale {scale:G4}");
                Assert.True(err <= 1e-4 * scale, $"kws-tiny {e}: max |Δ| {err:E3} > 1e-4 × {scale:G4}");

                using var q = new Session(i8, e);
                float[][] gotQ = TestModels.Run(q, c.Frames);
                int agree = gotQ.Where((r, i) => TestModels.ArgMax(r) == TestModels.ArgMax(reference[i])).Count();
                double rate = (double)agree / gotQ.Length;
                (double errQ, _) = TestModels.Compare(gotQ, c.Golden);
                output.WriteLine($"kws-tiny int8 {e}: max |Δ| {errQ:E2}, argmax agreement with f32 {rate:P1}");
                Assert.True(rate >= 0.95, $"kws-tiny int8 {e}: argmax agreement {rate:P1} < 95%");
            }
        }
        finally { tmp.Delete(recursive: true); }
    }
}
