using System.Diagnostics;
using System.Globalization;
using System.Text;
using EdgeAttention.Format;
using EdgeAttention.Kernels;
using EdgeAttention.Model;

namespace EdgeAttention.Bench;

/// <summary>
/// <c>edge-attention-bench model [--steps N] [--output tools/EdgeAttention.Bench/results/model.md]</c>: the GTZAN-sized model
/// (F = 128, d = 192, 16 heads, n = 120, ff = 192, Nyström m = 8, continual and fixed landmarks, 1 and 2 layers):
/// per-step latency p50/p99 for continual vs recompute, float32 vs int8, bytes allocated per step, arena bytes,
/// multiply-adds per step, model file size and load time. Synthetic random weights (timing does not depend on them).
/// </summary>
public static class ModelBench
{
    private sealed record Row(string Model, string Weights, string Execution, double P50Us, double P99Us, double MeanUs,
        double BytesPerStep, long ArenaBytes, long SessionBytes, long MultiplyAdds, int Steps);

    private const int ContinualWarmup = 4000, RecomputeWarmup = 300;

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
            if (args[i] == "--steps" && i + 1 < args.Length && int.TryParse(args[++i], CultureInfo.InvariantCulture, out int s) && s > 0)
            {
                steps = s;
            }
            else if (args[i] == "--output" && i + 1 < args.Length)
            {
                outputPath = args[++i];
            }
            else
            {
                Console.Error.WriteLine($"error: unknown argument '{args[i]}'; usage: edge-attention-bench model [--steps N] [--output tools/EdgeAttention.Bench/results/model.md]");
                return 2;
            }
        }

        var rows = new List<Row>();
        var files = new StringBuilder();
        string tmp = Directory.CreateTempSubdirectory("ea-bench-").FullName;
        try
        {
            foreach (int layers in new[] { 1, 2 })
            {
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
                        foreach (Row r in MeasurePair(c, file, int8, steps))
                        {
                            rows.Add(r);
                            Console.Error.WriteLine($"{r.Model} {r.Weights} {r.Execution}: p50 {r.P50Us:F1} µs, p99 {r.P99Us:F1} µs");
                        }
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
        for (int i = 0; i < 20; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            using ModelFile f = ModelFile.Open(path);
            using var s = new Session(f);
            best = Math.Min(best, Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
        }
        return best;
    }

    /// <summary>
    /// Times both executions interleaved (one recompute step, then five continual steps, repeated) so that both
    /// see the same machine load; returns [continual, recompute].
    /// </summary>
    private static Row[] MeasurePair(ModelConfig c, ModelFile file, bool int8, int steps)
    {
        using var cont = new Session(file, Execution.Continual);
        using var rec = new Session(file, Execution.Recompute);
        var rng = new Random(7);
        var frames = new float[64][];
        for (int i = 0; i < frames.Length; i++)
        {
            frames[i] = new float[c.InputFeatures];
            for (int j = 0; j < c.InputFeatures; j++) frames[i][j] = (float)(rng.NextDouble() * 2 - 1);
        }
        var logits = new float[cont.Classes];
        // Warm-up past the JIT's tiering (tier-0 → tier-1 after ~30 calls plus a background delay): code that runs
        // once per landmark segment (every n/m steps) needs thousands of steps. NativeAOT has no tiering.
        for (int i = 0; i < ContinualWarmup; i++) cont.Step(frames[i % frames.Length], logits);
        for (int i = 0; i < RecomputeWarmup; i++) rec.Step(frames[i % frames.Length], logits);
        const int ContinualPerRecompute = 5;
        var tc = new double[steps * ContinualPerRecompute];
        var tr = new double[steps];
        long allocC = 0, allocR = 0;
        int fc = 0, fr = 0;
        for (int i = 0; i < steps; i++)
        {
            long a0 = GC.GetAllocatedBytesForCurrentThread();
            long t0 = Stopwatch.GetTimestamp();
            StepStatus st = rec.Step(frames[fr++ % frames.Length], logits);
            tr[i] = Stopwatch.GetElapsedTime(t0).TotalMicroseconds;
            allocR += GC.GetAllocatedBytesForCurrentThread() - a0;
            if (st != StepStatus.Ready) throw new InvalidOperationException($"recompute step {i} returned {st}");
            for (int j = 0; j < ContinualPerRecompute; j++)
            {
                a0 = GC.GetAllocatedBytesForCurrentThread();
                t0 = Stopwatch.GetTimestamp();
                st = cont.Step(frames[fc++ % frames.Length], logits);
                tc[i * ContinualPerRecompute + j] = Stopwatch.GetElapsedTime(t0).TotalMicroseconds;
                allocC += GC.GetAllocatedBytesForCurrentThread() - a0;
                if (st != StepStatus.Ready) throw new InvalidOperationException($"continual step {i} returned {st}");
            }
        }
        return
        [
            Summarize(c, int8, Execution.Continual, tc, allocC, cont.ArenaBytes, cont.LoadAllocatedBytes),
            Summarize(c, int8, Execution.Recompute, tr, allocR, rec.ArenaBytes, rec.LoadAllocatedBytes),
        ];
    }

    private static Row Summarize(ModelConfig c, bool int8, Execution e, double[] times, long allocated, long arena, long session)
    {
        double mean = times.Average();
        Array.Sort(times);
        int n = times.Length;
        return new Row(c.Name!, int8 ? "int8" : "f32", e.ToString().ToLowerInvariant(),
            times[n / 2], times[Math.Min(n - 1, (int)(n * 0.99))], mean, (double)allocated / n, arena, session, ModelCost.Total(c, e), n);
    }

    private static string Report(List<Row> rows, string files, int steps)
    {
        var sb = new StringBuilder();
        sb.AppendLine("# Model benchmark (edge-attention-bench model)");
        sb.AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"Machine: {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSArchitecture}, " +
            $".NET {Environment.Version}, kernels: {KernelDispatch.Describe()}. Shared, noisy machine: compare ratios within one run.");
        sb.AppendLine("GTZAN-sized model: F = 128, d = 192, 16 heads, n = 120, ff = 192, Nyström m = 8 (6 pinv iterations), post-norm, GELU, recycling P = 120, C = 10.");
        sb.AppendLine(CultureInfo.InvariantCulture, $"Steps timed after {ContinualWarmup} (continual) / {RecomputeWarmup} (recompute) warm-up steps (past JIT tiering): {steps * 5} (continual), {steps} (recompute), interleaved (1 recompute step, 5 continual steps, repeated) so both see the same load. Random weights.");
        sb.AppendLine();
        sb.AppendLine("| model | weights | execution | p50 µs/step | p99 µs/step | mean µs | bytes alloc/step | arena bytes | session bytes | multiply-adds/step |");
        sb.AppendLine("|---|---|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (Row r in rows)
        {
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"| {r.Model} | {r.Weights} | {r.Execution} | {r.P50Us:F1} | {r.P99Us:F1} | {r.MeanUs:F1} | {r.BytesPerStep:F1} | {r.ArenaBytes:N0} | {r.SessionBytes:N0} | {r.MultiplyAdds:N0} |");
        }

        sb.AppendLine();
        sb.AppendLine("arena bytes = the session's one arena (activations, token ring, scratch); session bytes = everything the");
        sb.AppendLine("Session constructor allocated (arena + attention state + small tables; the weights stay in the model file's block, shared by all sessions), i.e. the per-stream footprint.");
        sb.AppendLine();
        sb.AppendLine("Speed-up of continual over recompute (p50 latency; multiply-adds):");
        sb.AppendLine();
        sb.AppendLine("| model | weights | p50 speed-up | mean speed-up | multiply-add ratio |");
        sb.AppendLine("|---|---|---:|---:|---:|");
        foreach (Row c in rows.Where(r => r.Execution == "continual"))
        {
            Row r = rows.First(x => x.Model == c.Model && x.Weights == c.Weights && x.Execution == "recompute");
            sb.AppendLine(CultureInfo.InvariantCulture, $"| {c.Model} | {c.Weights} | {r.P50Us / c.P50Us:F1}× | {r.MeanUs / c.MeanUs:F1}× | {(double)r.MultiplyAdds / c.MultiplyAdds:F1}× |");
        }
        sb.AppendLine();
        sb.AppendLine("Model files (SyntheticModel → ModelWriter; load = ModelFile.Open + new Session, best of 20 (the first loads include JIT)):");
        sb.AppendLine();
        sb.AppendLine("| model | weights | file bytes | of f32 | load ms |");
        sb.AppendLine("|---|---|---:|---:|---:|");
        sb.Append(files);
        return sb.ToString();
    }
}
