using System.Diagnostics;
using System.Globalization;
using System.Text;
using EdgeAttention.Format;
using EdgeAttention.Kernels;
using EdgeAttention.Model;

namespace EdgeAttention.Bench;

/// <summary>
/// <c>edge-attention-bench model [--steps N] [--output results/model.md]</c>: the GTZAN-sized model
/// (F = 128, d = 192, 16 heads, n = 120, ff = 192, Nyström m = 8, continual and fixed landmarks, 1 and 2 layers):
/// per-step latency p50/p99 for continual vs recompute, float32 vs int8, bytes allocated per step, arena bytes,
/// multiply-adds per step, model file size and load time. Synthetic random weights (timing does not depend on them).
/// </summary>
public static class ModelBench
{
    private sealed record Row(string Model, string Weights, string Execution, double P50Us, double P99Us, double MeanUs,
        double BytesPerStep, long ArenaBytes, long MultiplyAdds, int Steps);

    public static ModelConfig Gtzan(int layers, LandmarkMode mode)
    {
        var c = new ModelConfig
        {
            Name = $"gtzan-{layers}l-{mode.ToString().ToLowerInvariant()}",
            InputFeatures = 128, DModel = 192, Heads = 16, Window = 120, Layers = layers, FfDim = 192,
            Activation = ActivationKind.Gelu, Norm = NormPlacement.Post, Positional = PositionalKind.Recycling, PositionalPeriod = 120,
            Attention = AttentionKind.Nystrom, Landmarks = 8, LandmarkMode = mode, PinvIterations = 6, FinalNorm = true,
            Classes = ["blues", "classical", "country", "disco", "hiphop", "jazz", "metal", "pop", "reggae", "rock"],
        };
        c.Validate();
        return c;
    }

    public static int Run(string[] args)
    {
        int steps = 400;
        string? outputPath = null;
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--steps" && i + 1 < args.Length && int.TryParse(args[++i], CultureInfo.InvariantCulture, out int s) && s > 0) steps = s;
            else if (args[i] == "--output" && i + 1 < args.Length) outputPath = args[++i];
            else
            {
                Console.Error.WriteLine($"error: unknown argument '{args[i]}'; usage: edge-attention-bench model [--steps N] [--output results/model.md]");
                return 2;
            }
        }

        var rows = new List<Row>();
        var files = new StringBuilder();
        string tmp = Directory.CreateTempSubdirectory("ea-bench-").FullName;
        try
        {
            foreach (int layers in new[] { 1, 2 })
                foreach (LandmarkMode mode in new[] { LandmarkMode.Continual, LandmarkMode.Fixed })
                {
                    ModelConfig c = Gtzan(layers, mode);
                    long f32Bytes = 0;
                    foreach (bool int8 in new[] { false, true })
                    {
                        byte[] bytes = SyntheticModel.CreateBytes(c, seed: 1, int8);
                        string path = Path.Combine(tmp, $"{c.Name}-{(int8 ? "int8" : "f32")}.eam");
                        File.WriteAllBytes(path, bytes);
                        if (!int8) f32Bytes = bytes.Length;
                        double loadMs = LoadMs(path);
                        files.AppendLine(CultureInfo.InvariantCulture,
                            $"| {c.Name} | {(int8 ? "int8" : "f32")} | {bytes.Length:N0} | {(int8 ? $"{100.0 * bytes.Length / f32Bytes:F1}%" : "100%")} | {loadMs:F2} |");
                        using ModelFile file = ModelFile.Open(path);
                        foreach (Execution e in new[] { Execution.Continual, Execution.Recompute })
                        {
                            Row r = Measure(c, file, int8, e, e == Execution.Continual ? steps * 5 : steps);
                            rows.Add(r);
                            Console.Error.WriteLine($"{r.Model} {r.Weights} {r.Execution}: p50 {r.P50Us:F1} µs, p99 {r.P99Us:F1} µs");
                        }
                    }
                }
        }
        finally { Directory.Delete(tmp, recursive: true); }

        string report = Report(rows, files.ToString(), steps);
        Console.WriteLine(report);
        if (outputPath is not null) File.WriteAllText(outputPath, report);
        return 0;
    }

    private static double LoadMs(string path)
    {
        double best = double.MaxValue;
        for (int i = 0; i < 5; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            using ModelFile f = ModelFile.Open(path);
            using var s = new Session(f);
            best = Math.Min(best, Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
        }
        return best;
    }

    private static Row Measure(ModelConfig c, ModelFile file, bool int8, Execution e, int steps)
    {
        using var s = new Session(file, e);
        var rng = new Random(7);
        int warm = c.Window + 20;
        var frames = new float[64][];
        for (int i = 0; i < frames.Length; i++)
        {
            frames[i] = new float[c.InputFeatures];
            for (int j = 0; j < c.InputFeatures; j++) frames[i][j] = (float)(rng.NextDouble() * 2 - 1);
        }
        var logits = new float[s.Classes];
        for (int i = 0; i < warm; i++) s.Step(frames[i % frames.Length], logits);
        var times = new double[steps];
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < steps; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            StepStatus st = s.Step(frames[i % frames.Length], logits);
            times[i] = Stopwatch.GetElapsedTime(t0).TotalMicroseconds;
            if (st != StepStatus.Ready) throw new InvalidOperationException($"step {i} returned {st}");
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Array.Sort(times);
        return new Row(c.Name!, int8 ? "int8" : "f32", e.ToString().ToLowerInvariant(),
            times[steps / 2], times[Math.Min(steps - 1, (int)(steps * 0.99))], times.Average(),
            (double)allocated / steps, s.ArenaBytes, ModelCost.Total(c, e), steps);
    }

    private static string Report(List<Row> rows, string files, int steps)
    {
        var sb = new StringBuilder();
        sb.AppendLine("# Model benchmark (edge-attention-bench model)");
        sb.AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"Machine: {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSArchitecture}, " +
            $".NET {Environment.Version}, kernels: {KernelDispatch.Describe()}. Shared, noisy machine: compare ratios within one run.");
        sb.AppendLine("GTZAN-sized model: F = 128, d = 192, 16 heads, n = 120, ff = 192, Nyström m = 8 (6 pinv iterations), post-norm, GELU, recycling P = 120, C = 10.");
        sb.AppendLine(CultureInfo.InvariantCulture, $"Steps timed after {120 + 20} warm-up steps: {steps * 5} (continual), {steps} (recompute). Random weights.");
        sb.AppendLine();
        sb.AppendLine("| model | weights | execution | p50 µs/step | p99 µs/step | mean µs | bytes alloc/step | arena bytes | multiply-adds/step |");
        sb.AppendLine("|---|---|---|---:|---:|---:|---:|---:|---:|");
        foreach (Row r in rows)
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"| {r.Model} | {r.Weights} | {r.Execution} | {r.P50Us:F1} | {r.P99Us:F1} | {r.MeanUs:F1} | {r.BytesPerStep:F1} | {r.ArenaBytes:N0} | {r.MultiplyAdds:N0} |");
        sb.AppendLine();
        sb.AppendLine("Speed-up of continual over recompute (p50 latency; multiply-adds):");
        sb.AppendLine();
        sb.AppendLine("| model | weights | p50 speed-up | multiply-add ratio |");
        sb.AppendLine("|---|---|---:|---:|");
        foreach (Row c in rows.Where(r => r.Execution == "continual"))
        {
            Row r = rows.First(x => x.Model == c.Model && x.Weights == c.Weights && x.Execution == "recompute");
            sb.AppendLine(CultureInfo.InvariantCulture, $"| {c.Model} | {c.Weights} | {r.P50Us / c.P50Us:F1}× | {(double)r.MultiplyAdds / c.MultiplyAdds:F1}× |");
        }
        sb.AppendLine();
        sb.AppendLine("Model files (SyntheticModel → ModelWriter; load = ModelFile.Open + new Session, best of 5):");
        sb.AppendLine();
        sb.AppendLine("| model | weights | file bytes | of f32 | load ms |");
        sb.AppendLine("|---|---|---:|---:|---:|");
        sb.Append(files);
        return sb.ToString();
    }
}
