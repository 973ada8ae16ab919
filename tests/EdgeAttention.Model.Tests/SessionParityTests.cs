using EdgeAttention.Format;
using Xunit.Abstractions;

namespace EdgeAttention.Model.Tests;

/// <summary>
/// Continual == recompute == a float64 evaluation of models/README.md, on random models of many configs
/// (models/README.md §4.3: |Δ| ≤ 2e-4 × max(1, max |logits|) at every step; the two executions agree within 1e-4 × that).
/// </summary>
public sealed class SessionParityTests(ITestOutputHelper output)
{
    private static readonly Dictionary<string, ModelConfig> Configs = new()
    {
        ["softmax post gelu L1 recycling"] = TestModels.Config(),
        ["softmax pre relu L2 none"] = TestModels.Config(norm: NormPlacement.Pre, act: ActivationKind.Relu, layers: 2, pos: PositionalKind.None),
        ["softmax pre gelu L3 window 1"] = TestModels.Config(norm: NormPlacement.Pre, layers: 3, n: 1),
        ["softmax post relu L3 no final norm C1"] = TestModels.Config(layers: 3, act: ActivationKind.Relu, finalNorm: false, classes: 1, n: 6),
        ["nystrom window n10 m3 post L1"] = TestModels.Config(attention: AttentionKind.Nystrom, m: 3, mode: LandmarkMode.Window),
        ["nystrom window n9 m3 pre L3 relu"] = TestModels.Config(attention: AttentionKind.Nystrom, m: 3, n: 9, layers: 3, norm: NormPlacement.Pre, act: ActivationKind.Relu),
        ["nystrom continual n10 m3 post L1"] = TestModels.Config(attention: AttentionKind.Nystrom, m: 3, mode: LandmarkMode.Continual),
        ["nystrom continual n10 m4 pre L1"] = TestModels.Config(attention: AttentionKind.Nystrom, m: 4, mode: LandmarkMode.Continual, norm: NormPlacement.Pre),
        ["nystrom continual n10 m4 pre L2"] = TestModels.Config(attention: AttentionKind.Nystrom, m: 4, mode: LandmarkMode.Continual, norm: NormPlacement.Pre, layers: 2),
        ["nystrom continual n11 m3 post L3 relu none"] = TestModels.Config(attention: AttentionKind.Nystrom, m: 3, n: 11, mode: LandmarkMode.Continual, layers: 3, act: ActivationKind.Relu, pos: PositionalKind.None),
        ["nystrom continual m>=n L2"] = TestModels.Config(attention: AttentionKind.Nystrom, m: 12, mode: LandmarkMode.Continual, layers: 2),
        ["nystrom fixed n10 m3 post L1"] = TestModels.Config(attention: AttentionKind.Nystrom, m: 3, mode: LandmarkMode.Fixed),
        ["nystrom fixed n10 m4 pre L2 gelu"] = TestModels.Config(attention: AttentionKind.Nystrom, m: 4, mode: LandmarkMode.Fixed, norm: NormPlacement.Pre, layers: 2),
    };

    public static TheoryData<string> ConfigNames()
    {
        var data = new TheoryData<string>();
        foreach (string name in Configs.Keys) data.Add(name);
        return data;
    }

    [Theory]
    [MemberData(nameof(ConfigNames))]
    public void ContinualAndRecomputeMatchFloat64Contract(string name)
    {
        ModelConfig c = Configs[name];
        using ModelFile file = SyntheticModel.Create(c, seed: name.Length * 31 + 7);
        float[][] frames = TestModels.Frames(4 * c.Window + 9, c.InputFeatures, seed: 5);
        double[][] reference = new ReferenceModel(file).Run(frames);

        using var continual = new Session(file, Execution.Continual);
        using var recompute = new Session(file, Execution.Recompute);
        float[][] a = TestModels.Run(continual, frames);
        float[][] b = TestModels.Run(recompute, frames);

        (double errA, double scale) = TestModels.Compare(a, reference);
        (double errB, _) = TestModels.Compare(b, reference);
        (double errAB, _) = TestModels.Compare(a, TestModels.ToDouble(b));
        output.WriteLine($"{name}: steps {a.Length}, scale {scale:G4}, continual {errA:E2}, recompute {errB:E2}, continual-recompute {errAB:E2}");
        Assert.True(errA <= 2e-4 * scale, $"continual error {errA:E3} > 2e-4 × {scale:G4}");
        Assert.True(errB <= 2e-4 * scale, $"recompute error {errB:E3} > 2e-4 × {scale:G4}");
        Assert.True(errAB <= 1e-4 * scale, $"continual vs recompute {errAB:E3} > 1e-4 × {scale:G4}");
        Assert.Equal(frames.Length - c.Window + 1, a.Length);
    }

    /// <summary>Scores |q·k|/√d_h near 300 (post-norm, large inputs): still within the models/README.md §4.3 tolerance.</summary>
    [Theory]
    [InlineData(AttentionKind.Softmax, LandmarkMode.Window, 1)]
    [InlineData(AttentionKind.Softmax, LandmarkMode.Window, 2)]
    [InlineData(AttentionKind.Nystrom, LandmarkMode.Continual, 1)]
    [InlineData(AttentionKind.Nystrom, LandmarkMode.Continual, 2)]
    [InlineData(AttentionKind.Nystrom, LandmarkMode.Fixed, 1)]
    public void LargeScoresStayAccurate(AttentionKind kind, LandmarkMode mode, int layers)
    {
        ModelConfig c = TestModels.Config(attention: kind, m: kind == AttentionKind.Nystrom ? 3 : 0, mode: mode, layers: layers, n: 8);
        using ModelFile file = SyntheticModel.Create(c, seed: 11);
        var reference = new ReferenceModel(file);
        float[][] frames = TestModels.Frames(40, c.InputFeatures, seed: 3);
        // Scale the frames until the largest layer-1 score is about 300.
        double factor = 1;
        for (int i = 0; i < 4; i++)
        {
            reference.Run(Scaled(frames, factor));
            factor *= Math.Sqrt(300 / reference.MaxScore);
            reference.MaxScore = 0;
        }
        float[][] big = Scaled(frames, factor);
        double[][] expected = reference.Run(big);
        output.WriteLine($"max |q·k|/√d_h = {reference.MaxScore:F1}");
        Assert.InRange(reference.MaxScore, 200, 400);
        foreach (Execution e in new[] { Execution.Continual, Execution.Recompute })
        {
            using var s = new Session(file, e);
            (double err, double scale) = TestModels.Compare(TestModels.Run(s, big), expected);
            output.WriteLine($"{e}: error {err:E2}, scale {scale:G4}");
            Assert.True(err <= 2e-4 * scale, $"{e}: error {err:E3} > 2e-4 × {scale:G4}");
        }
    }

    private static float[][] Scaled(float[][] frames, double factor) =>
        frames.Select(r => r.Select(v => (float)(v * factor)).ToArray()).ToArray();
}
