using System.Diagnostics;
using System.Globalization;
using EdgeAttention.Cli;
using EdgeAttention.Format;
using EdgeAttention.Host.Cli;
using EdgeAttention.Host.Models;
using EdgeAttention.Host.Pipeline;
using EdgeAttention.Model;

namespace EdgeAttention.Host.Commands;

/// <summary>
/// <c>edge-attention bench [--model m.eam | --preset gtzan|selftest] [--layers L] [--int8] [--steps N]
/// [--execution continual|recompute] [--json]</c>: per-step latency of one session on a generated stream
/// (after the window is full), plus arena bytes, allocation per step and resident memory. A generated model is
/// timed with float32 and with int8 weights one after the other (same config and seed) and both are printed with
/// the int8 speed-up; --int8 times int8 alone; --model times that model.
/// </summary>
internal static class BenchCommand
{
    public static readonly Command Definition = new(
        "bench",
        "per-step latency of one session on a generated stream (after the window is full; float32 and int8 side by side for a generated model), arena bytes, allocation, memory",
        [
            Option.Value("--model", "m.eam", "the model to time", defaultText: "a generated model, see --preset"),
            Option.Choice("--preset", "generated model to time when --model is not given", "gtzan", "gtzan", "selftest"),
            Option.Value("--layers", "L", "layers of the generated gtzan model", "1"),
            Option.Flag("--int8", "time only the int8 form of the generated model (default: float32 and int8 side by side)"),
            Option.Value("--steps", "N", "steps timed", "2000"),
            Option.Choice("--execution", "continual: one new token per step; recompute: the whole window every step (reference)", "continual", "continual", "recompute"),
            Option.Flag("--json", "print one JSON object instead of text"),
            MemoryBudget.Option,
        ],
        Execute);

    private static int Execute(CommandLine a)
    {
        int steps = a.Int("--steps", 2000, 1, 100_000_000);
        var execution = a.String("--execution") == "recompute" ? Execution.Recompute : Execution.Continual;
        string? path = a.String("--model");
        if (path is not null && (a.Has("--preset") || a.Has("--layers") || a.Has("--int8")))
        {
            throw new HostException("--preset, --layers and --int8 describe a generated model: drop them when --model is given");
        }

        if (path is not null)
        {
            using ModelFile file = ModelLoader.Open(path);
            MemoryBudget.Check(a, file.Config, execution);
            Report(a, path, Measure(file, execution, steps), null);
            return ExitCodes.Ok;
        }

        // A generated model: float32 and int8 side by side (same config and seed), or int8 alone with --int8.
        int layers = a.Int("--layers", 1, 1, 64);
        if (a.Has("--layers") && a.String("--preset") == "selftest")
        {
            throw new HostException("--layers applies to --preset gtzan only");
        }

        ModelConfig config = a.String("--preset") == "selftest" ? GeneratedModels.SelfTest() : GeneratedModels.Gtzan(layers);
        MemoryBudget.Check(a, config, execution);
        Result? f32 = null;
        if (!a.Has("--int8"))
        {
            using ModelFile file = SyntheticModel.Create(config, seed: 3, int8: false);
            f32 = Measure(file, execution, steps);
        }

        using (ModelFile file = SyntheticModel.Create(config, seed: 3, int8: true))
        {
            Report(a, config.Name!, Measure(file, execution, steps), f32);
        }

        return ExitCodes.Ok;
    }

    /// <summary>One timed session: latency percentiles, allocation, arena, resident memory.</summary>
    private sealed record Result(ModelConfig Config, Execution Execution, bool Int8, int Steps, double MeanUs, double P50Us, double P99Us,
        long MaxUs, double StepsPerSecond, double AllocatedPerStep, long ArenaBytes, long ResidentKb);

    private static Result Measure(ModelFile file, Execution execution, int steps)
    {
        var c = file.Config;
        using var session = new Session(file, execution);
        int warm = c.Window - 1;
        var stream = GeneratedModels.Stream(Math.Min(warm + steps, warm + 4096), c.InputFeatures, seed: 11);
        int rows = stream.Length / c.InputFeatures;
        var logits = new float[session.Classes];
        for (int t = 0; t < warm; t++)
        {
            session.Step(stream.AsSpan(t * c.InputFeatures, c.InputFeatures), logits);
        }

        var latency = new LatencyRecorder(Math.Min(steps, 1 << 20));
        long a0 = GC.GetAllocatedBytesForCurrentThread();
        long begin = Stopwatch.GetTimestamp();
        for (int s = 0; s < steps; s++)
        {
            int row = warm + s % (rows - warm);
            long t0 = Stopwatch.GetTimestamp();
            session.Step(stream.AsSpan(row * c.InputFeatures, c.InputFeatures), logits);
            latency.Add((Stopwatch.GetTimestamp() - t0) * 1_000_000 / Stopwatch.Frequency);
        }

        double seconds = (Stopwatch.GetTimestamp() - begin) / (double)Stopwatch.Frequency;
        double allocPerStep = (GC.GetAllocatedBytesForCurrentThread() - a0) / (double)steps;
        return new Result(c, execution, session.IsInt8, steps, seconds * 1e6 / steps, latency.Percentile(50), latency.Percentile(99), latency.Max,
            steps / seconds, allocPerStep, session.ArenaBytes, ProcessStats.ResidentKb());
    }

    /// <summary>
    /// Text: the model, the kernel variants that ran, one line per weight type (float32 first when both ran) and the
    /// int8 speed-up. JSON: the measured model's object; with both, {"float32": {...}, "int8": {...}, "int8_speedup_p50": x}.
    /// </summary>
    private static void Report(CommandLine a, string name, Result r, Result? f32)
    {
        TextWriter stdout = a.Out;
        var inv = CultureInfo.InvariantCulture;
        var c = r.Config;
        if (a.Has("--json"))
        {
            stdout.WriteLine(f32 is null
                ? Json(name, r)
                : string.Create(inv, $"{{\"float32\":{Json(name, f32)},\"int8\":{Json(name, r)},\"int8_speedup_p50\":{Speedup(f32, r):F2}}}"));
            return;
        }

        stdout.WriteLine(string.Create(inv, $"model: {name} (F={c.InputFeatures} d={c.DModel} heads={c.Heads} n={c.Window} layers={c.Layers} ff={c.FfDim} m={c.Landmarks}{(f32 is null && r.Int8 ? " int8" : string.Empty)})"));
        stdout.WriteLine(string.Create(inv, $"kernels: float32 {Kernels.KernelDispatch.Float32} (float32 matvecs, attention, norms, activations), int8 {Kernels.KernelDispatch.Int8} (int8 matvecs)"));
        if (f32 is not null) Line(stdout, "float32", f32);
        Line(stdout, r.Int8 ? "int8" : "float32", r);
        if (f32 is not null)
        {
            stdout.WriteLine(string.Create(inv, $"int8 vs float32: {Speedup(f32, r):F2}x faster (p50), {f32.MeanUs / r.MeanUs:F2}x (mean)"));
        }
    }

    private static void Line(TextWriter stdout, string weights, Result r) =>
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{weights} {r.Execution.ToString().ToLowerInvariant()}: {r.Steps} steps, mean {r.MeanUs:F1} us, p50 {r.P50Us:F0} us, p99 {r.P99Us:F0} us, max {r.MaxUs} us, {r.StepsPerSecond:F0} steps/s; allocated per step {r.AllocatedPerStep:F2} bytes; arena {r.ArenaBytes} bytes; resident {r.ResidentKb} kB"));

    private static double Speedup(Result f32, Result int8) => f32.P50Us / Math.Max(1, int8.P50Us);

    private static string Json(string name, Result r) => string.Create(CultureInfo.InvariantCulture,
        $"{{\"model\":{Sinks.JsonLinesSink.JsonString(name)},\"execution\":\"{r.Execution}\",\"int8\":{(r.Int8 ? "true" : "false")},\"steps\":{r.Steps},\"mean_us\":{r.MeanUs:F2},\"p50_us\":{r.P50Us},\"p99_us\":{r.P99Us},\"max_us\":{r.MaxUs},\"steps_per_s\":{r.StepsPerSecond:F1},\"allocated_bytes_per_step\":{r.AllocatedPerStep:F2},\"arena_bytes\":{r.ArenaBytes},\"rss_kb\":{r.ResidentKb},\"float32_variant\":\"{Kernels.KernelDispatch.Float32}\",\"int8_variant\":\"{Kernels.KernelDispatch.Int8}\"}}");
}
