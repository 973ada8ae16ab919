using EdgeAttention.Format;

namespace EdgeAttention.Model.Tests;

/// <summary>
/// Huge finite inputs (one value 3e38 in a frame): the session rejects the frame or stays finite — no non-finite
/// logit is ever returned as Ready, and the stream after a rejected frame is the stream without it.
/// </summary>
public sealed class SessionHugeInputTests
{
    public static TheoryData<int, NormPlacement, AttentionKind, Execution> Cases()
    {
        var d = new TheoryData<int, NormPlacement, AttentionKind, Execution>();
        foreach (int layers in new[] { 1, 2 })
        {
            foreach (NormPlacement norm in new[] { NormPlacement.Post, NormPlacement.Pre })
            {
                foreach (AttentionKind kind in new[] { AttentionKind.Softmax, AttentionKind.Nystrom })
                {
                    foreach (Execution e in new[] { Execution.Continual, Execution.Recompute })
                        d.Add(layers, norm, kind, e);
                }
            }
        }

        return d;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void AHugeFiniteValueNeverGivesANonFiniteLogit(int layers, NormPlacement norm, AttentionKind kind, Execution execution)
    {
        ModelConfig c = kind == AttentionKind.Nystrom
            ? TestModels.Config(layers: layers, norm: norm, attention: kind, m: 3, mode: LandmarkMode.Continual)
            : TestModels.Config(layers: layers, norm: norm);
        using ModelFile file = SyntheticModel.Create(c, seed: 3);
        float[][] frames = TestModels.Frames(3 * c.Window, c.InputFeatures, seed: 5);
        using var clean = new Session(file, execution);
        float[][] expected = TestModels.Run(clean, frames);

        using var s = new Session(file, execution);
        var logits = new float[s.Classes];
        var got = new List<float[]>();
        int rejected = 0;
        foreach (float value in new[] { 3e38f, -3e38f, 1e30f, 1e20f })
        {
            s.Reset();
            got.Clear();
            rejected = 0;
            for (int i = 0; i < frames.Length; i++)
            {
                if (i == c.Window + 2)
                {
                    var huge = (float[])frames[i].Clone();
                    huge[1] = value;
                    StepStatus hs = s.Step(huge, logits);
                    if (hs == StepStatus.Rejected) rejected++;
                    else if (hs == StepStatus.Ready) Assert.All(logits, v => Assert.True(float.IsFinite(v), $"value {value}: logit {v}"));
                    if (hs == StepStatus.Ready) continue;   // accepted and finite: the rest is a different stream
                }
                StepStatus st = s.Step(frames[i], logits);
                Assert.NotEqual(StepStatus.Rejected, st);
                if (st == StepStatus.Ready)
                {
                    Assert.All(logits, v => Assert.True(float.IsFinite(v), $"value {value}, frame {i}: logit {v}"));
                    got.Add((float[])logits.Clone());
                }
            }
            if (rejected == 1)
            {
                // The rejected frame left no trace: bit-identical to the clean stream.
                Assert.Equal(expected.Length, got.Count);
                for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], got[i]);
            }
        }
    }
}
