using EdgeAttention.Format;

namespace EdgeAttention.Model.Tests;

/// <summary>Small configs and random streams for the tests.</summary>
internal static class TestModels
{
    public static ModelConfig Config(
        int f = 6, int d = 16, int heads = 2, int n = 10, int layers = 1, int ff = 24,
        ActivationKind act = ActivationKind.Gelu, NormPlacement norm = NormPlacement.Post,
        PositionalKind pos = PositionalKind.Recycling, int period = 7,
        AttentionKind attention = AttentionKind.Softmax, int m = 0, LandmarkMode mode = LandmarkMode.Window,
        bool finalNorm = true, int classes = 3, int pinv = 6)
    {
        var c = new ModelConfig
        {
            Name = "test",
            InputFeatures = f, DModel = d, Heads = heads, Window = n, Layers = layers, FfDim = ff,
            Activation = act, Norm = norm, Positional = pos, PositionalPeriod = pos == PositionalKind.Recycling ? period : 0,
            Attention = attention, Landmarks = m, LandmarkMode = mode, PinvIterations = pinv, FinalNorm = finalNorm,
            Classes = Enumerable.Range(0, classes).Select(i => $"c{i}").ToArray(),
        };
        c.Validate();
        return c;
    }

    /// <summary>T frames of F floats, U(−2, 2) around a slow drift, deterministic.</summary>
    public static float[][] Frames(int t, int f, int seed)
    {
        var rng = new Random(seed);
        var frames = new float[t][];
        for (int i = 0; i < t; i++)
        {
            frames[i] = new float[f];
            for (int j = 0; j < f; j++) frames[i][j] = (float)(Math.Sin(0.1 * i + j) + (rng.NextDouble() * 4 - 2));
        }
        return frames;
    }

    /// <summary>Runs a whole stream; returns the logits of every Ready step (the rows of `edge-attention run`).</summary>
    public static float[][] Run(Session s, float[][] frames)
    {
        var rows = new List<float[]>();
        var logits = new float[s.Classes];
        foreach (float[] frame in frames)
        {
            StepStatus st = s.Step(frame, logits);
            Assert.NotEqual(StepStatus.Rejected, st);
            if (st == StepStatus.Ready) rows.Add((float[])logits.Clone());
        }
        return rows.ToArray();
    }

    /// <summary>max |a − b| over all rows, and the models/README.md §4.3 scale max(1, max |b|).</summary>
    public static (double MaxError, double Scale) Compare(float[][] a, double[][] b)
    {
        Assert.Equal(b.Length, a.Length);
        double err = 0, scale = 1;
        for (int i = 0; i < a.Length; i++)
        {
            Assert.Equal(b[i].Length, a[i].Length);
            for (int j = 0; j < a[i].Length; j++)
            {
                err = Math.Max(err, Math.Abs(a[i][j] - b[i][j]));
                scale = Math.Max(scale, Math.Abs(b[i][j]));
            }
        }
        return (err, scale);
    }

    public static double[][] ToDouble(float[][] x) => x.Select(r => r.Select(v => (double)v).ToArray()).ToArray();

    public static int ArgMax(ReadOnlySpan<float> x)
    {
        int best = 0;
        for (int i = 1; i < x.Length; i++) if (x[i] > x[best]) best = i;
        return best;
    }

    public static int ArgMax(ReadOnlySpan<double> x)
    {
        int best = 0;
        for (int i = 1; i < x.Length; i++) if (x[i] > x[best]) best = i;
        return best;
    }
}
