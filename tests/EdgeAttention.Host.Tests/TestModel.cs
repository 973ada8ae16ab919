using EdgeAttention.Format;
using EdgeAttention.Model;

namespace EdgeAttention.Host.Tests;

/// <summary>A small generated model written to a temp .eam file, and a matching frame stream.</summary>
internal sealed class TestModel : IDisposable
{
    public TestModel(int window = 6, int features = 3)
    {
        Config = new ModelConfig
        {
            Name = "host-test",
            InputFeatures = features,
            DModel = 8,
            Heads = 2,
            Window = window,
            Layers = 1,
            FfDim = 16,
            Positional = PositionalKind.Recycling,
            PositionalPeriod = window,
            Attention = AttentionKind.Nystrom,
            Landmarks = 2,
            LandmarkMode = LandmarkMode.Continual,
            FinalNorm = true,
            Classes = ["silence", "yes", "no"],
        };
        Directory = System.IO.Directory.CreateTempSubdirectory("ea-host-test-").FullName;
        Path = System.IO.Path.Combine(Directory, "model.eam");
        File.WriteAllBytes(Path, SyntheticModel.CreateBytes(Config, seed: 5));
    }

    public ModelConfig Config { get; }

    public string Directory { get; }

    public string Path { get; }

    public float[] Frames(int count)
    {
        var data = new float[count * Config.InputFeatures];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = MathF.Sin(i * 0.37f) * 1.5f;
        }

        return data;
    }

    /// <summary>(top class, softmax score) per output step, from a Session run directly.</summary>
    public List<(int Top, float Score)> Expected(float[] frames)
    {
        using var file = ModelFile.Open(Path);
        using var session = new Session(file);
        var logits = new float[session.Classes];
        var result = new List<(int, float)>();
        int f = Config.InputFeatures;
        for (int t = 0; t < frames.Length / f; t++)
        {
            if (session.Step(frames.AsSpan(t * f, f), logits) == StepStatus.Ready)
            {
                int top = 0;
                for (int c = 1; c < logits.Length; c++)
                {
                    if (logits[c] > logits[top])
                    {
                        top = c;
                    }
                }

                double sum = 0;
                foreach (var l in logits)
                {
                    sum += Math.Exp(l - logits[top]);
                }

                result.Add((top, (float)(1 / sum)));
            }
        }

        return result;
    }

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}
