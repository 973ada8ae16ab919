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
/// (after the window is full), plus arena bytes, allocation per step and resident memory.
/// </summary>
internal static class BenchCommand
{
    public static readonly Command Definition = new(
        "bench",
        "per-step latency of one session on a generated stream (after the window is full), arena bytes, allocation, memory",
        [
            Option.Value("--model", "m.eam", "the model to time", defaultText: "a generated model, see --preset"),
            Option.Choice("--preset", "generated model to time when --model is not given", "gtzan", "gtzan", "selftest"),
            Option.Value("--layers", "L", "layers of the generated gtzan model", "1"),
            Option.Flag("--int8", "generated model with int8 weights"),
            Option.Value("--steps", "N", "steps timed", "2000"),
            Option.Choice("--execution", "continual: one new token per step; recompute: the whole window every step (reference)", "continual", "continual", "recompute"),
            Option.Flag("--json", "print one JSON object instead of text"),
            MemoryBudget.Option,
        ],
        Execute);

    private static int Execute(CommandLine a)
    {
        TextWriter stdout = a.Out;
        int steps = a.Int("--steps", 2000, 1, 100_000_000);
        var execution = a.String("--execution") == "recompute" ? Execution.Recompute : Execution.Continual;
        string? path = a.String("--model");
        if (path is not null && (a.Has("--preset") || a.Has("--layers") || a.Has("--int8")))
        {
            throw new HostException("--preset, --layers and --int8 describe a generated model: drop them when --model is given");
        }

        ModelFile file;
        string name;
        if (path is not null)
        {
            file = ModelLoader.Open(path);
            name = path;
        }
        else
        {
            int layers = a.Int("--layers", 1, 1, 64);
            if (a.Has("--layers") && a.String("--preset") == "selftest")
            {
                throw new HostException("--layers applies to --preset gtzan only");
            }

            ModelConfig config = a.String("--preset") == "selftest" ? GeneratedModels.SelfTest() : GeneratedModels.Gtzan(layers);
            file = SyntheticModel.Create(config, seed: 3, int8: a.Has("--int8"));
            name = config.Name!;
        }

        using (file)
        {
            var c = file.Config;
            MemoryBudget.Check(a, c, execution);
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
            var inv = CultureInfo.InvariantCulture;
            double mean = seconds * 1e6 / steps;
            if (a.Has("--json"))
            {
                stdout.WriteLine(string.Create(inv, $"{{\"model\":{Sinks.JsonLinesSink.JsonString(name)},\"execution\":\"{execution}\",\"int8\":{(session.IsInt8 ? "true" : "false")},\"steps\":{steps},\"mean_us\":{mean:F2},\"p50_us\":{latency.Percentile(50)},\"p99_us\":{latency.Percentile(99)},\"max_us\":{latency.Max},\"steps_per_s\":{steps / seconds:F1},\"allocated_bytes_per_step\":{allocPerStep:F2},\"arena_bytes\":{session.ArenaBytes},\"rss_kb\":{ProcessStats.ResidentKb()},\"float32_variant\":\"{Kernels.KernelDispatch.Float32}\",\"int8_variant\":\"{Kernels.KernelDispatch.Int8}\"}}"));
            }
            else
            {
                stdout.WriteLine(string.Create(inv, $"model: {name} (F={c.InputFeatures} d={c.DModel} heads={c.Heads} n={c.Window} layers={c.Layers} ff={c.FfDim} m={c.Landmarks}{(session.IsInt8 ? " int8" : string.Empty)})"));
                stdout.WriteLine(string.Create(inv, $"kernels: float32 {Kernels.KernelDispatch.Float32}, int8 {Kernels.KernelDispatch.Int8}"));
                stdout.WriteLine(string.Create(inv, $"{execution}: {steps} steps, mean {mean:F1} us, p50 {latency.Percentile(50):F0} us, p99 {latency.Percentile(99):F0} us, max {latency.Max} us, {steps / seconds:F0} steps/s"));
                stdout.WriteLine(string.Create(inv, $"allocated per step: {allocPerStep:F2} bytes; arena {session.ArenaBytes} bytes; resident {ProcessStats.ResidentKb()} kB"));
            }
        }

        return ExitCodes.Ok;
    }
}
