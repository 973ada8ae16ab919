namespace EdgeAttention.Attention.Tests;

/// <summary>A synthetic stream of projected q, k, v rows, [T, d] each, deterministic per seed.</summary>
internal sealed class StreamData
{
    public required float[] Q { get; init; }
    public required float[] K { get; init; }
    public required float[] V { get; init; }
    public required int Steps { get; init; }
    public required int D { get; init; }

    public ReadOnlySpan<float> Row(float[] a, long t) => a.AsSpan((int)(t * D), D);

    /// <summary>Gaussian rows with standard deviation sigma.</summary>
    public static StreamData Random(int steps, int d, int seed, float sigma = 1f)
    {
        var rng = new Random(seed);
        return new StreamData { Q = Gauss(rng, steps * d, sigma), K = Gauss(rng, steps * d, sigma), V = Gauss(rng, steps * d, 1f), Steps = steps, D = d };
    }

    /// <summary>
    /// Rows whose per-head q and k have norm √(maxScore·√d_h) in random directions, so scores q·k/√d_h span
    /// [−maxScore, maxScore] and individual keys dominate whole rows (the cancellation-prone regime).
    /// </summary>
    public static StreamData LargeScores(int steps, int heads, int dh, double maxScore, int seed)
    {
        var rng = new Random(seed);
        int d = heads * dh;
        float norm = (float)Math.Sqrt(maxScore * Math.Sqrt(dh));
        float[] q = Directions(rng, steps * heads, dh, norm), k = Directions(rng, steps * heads, dh, norm);
        return new StreamData { Q = q, K = k, V = Gauss(rng, steps * d, 1f), Steps = steps, D = d };
    }

    public static float[] Gauss(Random rng, int count, float sigma)
    {
        var x = new float[count];
        for (int i = 0; i < count; i++)
        {
            double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
            x[i] = (float)(sigma * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
        }
        return x;
    }

    /// <summary>rows·dh floats: each consecutive dh block a random direction of the given norm.</summary>
    public static float[] Directions(Random rng, int rows, int dh, float norm)
    {
        float[] x = Gauss(rng, rows * dh, 1f);
        for (int r = 0; r < rows; r++)
        {
            double s = 0;
            for (int c = 0; c < dh; c++) s += x[r * dh + c] * (double)x[r * dh + c];
            float f = (float)(norm / Math.Sqrt(s));
            for (int c = 0; c < dh; c++) x[r * dh + c] *= f;
        }
        return x;
    }
}

internal static class Check
{
    /// <summary>models/README.md §4.3 style: max |expected − actual| ≤ tol · max(1, max |expected|). Returns the error ratio.</summary>
    public static double Close(ReadOnlySpan<double> expected, ReadOnlySpan<float> actual, double tol, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        double maxAbs = 1, err = 0;
        int worst = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            maxAbs = Math.Max(maxAbs, Math.Abs(expected[i]));
            double e = Math.Abs(expected[i] - actual[i]);
            if (!(e <= err)) { err = double.IsNaN(e) ? double.PositiveInfinity : e; worst = i; }
        }
        double bound = tol * maxAbs;
        Assert.True(err <= bound, $"{what}: max error {err:G4} at [{worst}] (expected {expected[worst]:G8}, got {actual[worst]:G8}) exceeds {bound:G4}");
        return err / maxAbs;
    }

    public static double Close(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, double tol, string what)
    {
        var e = new double[expected.Length];
        for (int i = 0; i < e.Length; i++) e[i] = expected[i];
        return Close(e, actual, tol, what);
    }

    /// <summary>The newest row [d] of an all-rows result [n, d].</summary>
    public static double[] Newest(double[] all, int n, int d) => all.AsSpan((n - 1) * d, d).ToArray();
}
