using System.Diagnostics;
using System.Globalization;
using System.Text;
using EdgeAttention.Cli;
using EdgeAttention.Format;
using EdgeAttention.Host.Cli;
using EdgeAttention.Host.Models;
using EdgeAttention.Host.Pipeline;
using EdgeAttention.Host.Platform;
using EdgeAttention.Host.Sinks;
using EdgeAttention.Kernels;
using EdgeAttention.Model;

namespace EdgeAttention.Host.Commands;

/// <summary>
/// <c>edge-attention selftest [--model m.eam] [--frames N] [--json]</c>: checks this board in seconds —
/// CPU features and chosen kernel variants; every available kernel variant against the scalar reference;
/// the model (given, or built-in generated float32 and int8 ones) run continually vs recomputed on a generated
/// stream, logits compared by <see cref="ExecutionCheck"/> (float32: 2e-4 × max(1, max|logits|) at every step;
/// int8: its quantisation-aware rule), a NaN frame must be rejected without disturbing either; per-step latency p50/p99/max; bytes allocated per step; arena bytes.
/// Exit code 0 when everything matches, 1 on any mismatch.
/// </summary>
internal static class SelfTestCommand
{
    public static readonly Command Definition = new(
        "selftest",
        "check this board in seconds: kernels vs the scalar reference, continual vs recompute, NaN rejection, latency, allocation",
        [
            Option.Value("--model", "m.eam", "the model to check", defaultText: "built-in generated float32 and int8 models"),
            Option.Value("--frames", "N", "frames streamed per model; 0: 2n + 48 (n = window)", "0"),
            Option.Flag("--json", "print one JSON object instead of text"),
            MemoryBudget.Option,
        ],
        Execute)
    {
        Notes = "Exit code 0 when everything matches, 1 on any mismatch.",
    };

    private static int Execute(CommandLine a)
    {
        TextWriter stdout = a.Out;
        bool json = a.Has("--json");
        int framesArg = a.Int("--frames", 0, 0, 1_000_000);
        var inv = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        bool pass = true;

        text.AppendLine(inv, $"edge-attention {Program.Version} selftest ({CpuFeatures.Architecture})");
        text.AppendLine(inv, $"cpu: {CpuFeatures.Describe()}");
        text.AppendLine(KernelDispatch.Describe());
        text.AppendLine(inv, $"float32 variant: {KernelDispatch.Float32}");
        text.AppendLine(inv, $"int8 variant: {KernelDispatch.Int8}");

        var checks = KernelSelfTest.RunAll();
        int failedChecks = 0;
        var failures = new List<string>();
        foreach (var r in checks)
        {
            if (!r.Passed)
            {
                failedChecks++;
                failures.Add(string.Create(inv, $"{r.Kernel}/{r.Variant}: max error {r.MaxError:G3} > tolerance {r.Tolerance:G3}"));
            }
        }

        text.AppendLine(inv, $"kernel checks: {checks.Count - failedChecks}/{checks.Count} passed");
        foreach (var f in failures)
        {
            text.AppendLine(inv, $"  FAIL {f}");
        }

        pass &= failedChecks == 0;

        var models = new List<ModelCheck>();
        string? modelPath = a.String("--model");
        if (modelPath is not null)
        {
            using var file = ModelLoader.Open(modelPath);
            MemoryBudget.Check(a, file.Config, Execution.Continual, Execution.Recompute);
            models.Add(CheckModel(Path.GetFileName(modelPath), file, framesArg));
        }
        else
        {
            var config = GeneratedModels.SelfTest();
            using (var f32 = SyntheticModel.Create(config, seed: 1))
            {
                models.Add(CheckModel("generated float32", f32, framesArg));
            }

            using (var i8 = SyntheticModel.Create(config, seed: 2, int8: true))
            {
                models.Add(CheckModel("generated int8", i8, framesArg));
            }

            // Pre-norm int8 in every landmark mode: continual and recompute quantise slightly different activations.
            foreach (var mode in new[] { LandmarkMode.Window, LandmarkMode.Continual, LandmarkMode.Fixed })
            {
                using var pre = SyntheticModel.Create(GeneratedModels.SelfTest(NormPlacement.Pre, mode), seed: 3, int8: true);
                models.Add(CheckModel($"generated int8 pre-norm {mode.ToString().ToLowerInvariant()}", pre, framesArg));
            }
        }

        foreach (var m in models)
        {
            text.AppendLine(inv, $"model {m.Name}: {m.Summary}");
            text.AppendLine(inv, $"  continual vs recompute: {m.Comparison}");
            text.AppendLine(inv, $"  NaN frame: {(m.NanRejected ? "rejected, state intact" : "NOT REJECTED")}");
            text.AppendLine(inv, $"  latency per step (continual): p50 {m.P50:F0} us, p99 {m.P99:F0} us, max {m.Max} us");
            text.AppendLine(inv, $"  allocated per step: {m.AllocatedPerStep:F1} bytes");
            text.AppendLine(inv, $"  arena: {m.ArenaBytes} bytes");
            pass &= m.Matches && m.NanRejected && m.Outputs > 0;
        }

        text.AppendLine(pass ? "selftest: PASS" : "selftest: FAIL");
        if (json)
        {
            stdout.WriteLine(Json(pass, checks.Count, failedChecks, failures, models));
        }
        else
        {
            stdout.Write(text.ToString());
        }

        return pass ? 0 : 1;
    }

    private sealed record ModelCheck(
        string Name, string Summary, int Outputs, double MaxDiff, double WorstRatio, bool Matches, string Comparison, bool NanRejected,
        double P50, double P99, long Max, double AllocatedPerStep, long ArenaBytes);

    /// <summary>Runs one model continually and recomputed on the same generated stream and compares them.</summary>
    private static ModelCheck CheckModel(string name, ModelFile file, int framesArg)
    {
        var c = file.Config;
        int n = c.Window;
        int frames = framesArg > 0 ? framesArg : 2 * n + 48;
        int nanAt = n + (frames - n) / 2; // a NaN frame in the middle of the ready phase
        var stream = GeneratedModels.Stream(frames, c.InputFeatures, seed: 7);
        var nan = new float[c.InputFeatures];
        nan[c.InputFeatures / 2] = float.NaN;

        using var continual = new Session(file, Execution.Continual);
        using var recompute = new Session(file, Execution.Recompute);
        var lc = new float[continual.Classes];
        var lr = new float[recompute.Classes];
        var latency = new LatencyRecorder(frames);
        var check = new ExecutionCheck(continual.Classes, continual.IsInt8);
        bool nanRejected = true;
        long allocated = 0, allocatedSteps = 0;

        for (int t = 0; t < frames; t++)
        {
            if (t == nanAt)
            {
                nanRejected &= continual.Step(nan, lc) == StepStatus.Rejected;
                nanRejected &= recompute.Step(nan, lr) == StepStatus.Rejected;
            }

            var frame = stream.AsSpan(t * c.InputFeatures, c.InputFeatures);
            long a0 = GC.GetAllocatedBytesForCurrentThread();
            long t0 = Stopwatch.GetTimestamp();
            var sc = continual.Step(frame, lc);
            long t1 = Stopwatch.GetTimestamp();
            long a1 = GC.GetAllocatedBytesForCurrentThread();
            var sr = recompute.Step(frame, lr);
            if (sc != sr)
            {
                check.AddStatusMismatch();
                continue;
            }

            if (sc != StepStatus.Ready)
            {
                continue;
            }

            if (t >= n + 1)
            {
                allocated += a1 - a0;
                allocatedSteps++;
            }

            latency.Add((t1 - t0) * 1_000_000 / Stopwatch.Frequency);
            check.Add(lc, lr);
        }

        string summary = string.Create(CultureInfo.InvariantCulture,
            $"F={c.InputFeatures} d={c.DModel} heads={c.Heads} n={n} layers={c.Layers} ff={c.FfDim} {c.Attention} m={c.Landmarks} {c.LandmarkMode} classes={c.Classes.Count}{(continual.IsInt8 ? " int8" : string.Empty)}, {frames} frames");
        return new ModelCheck(name, summary, check.Steps, check.MaxDiff, check.WorstRatio, check.Passed, check.Describe(), nanRejected,
            latency.Percentile(50), latency.Percentile(99), latency.Max,
            allocatedSteps == 0 ? 0 : (double)allocated / allocatedSteps, continual.ArenaBytes);
    }

    private static string Json(bool pass, int checks, int failed, List<string> failures, List<ModelCheck> models)
    {
        var inv = CultureInfo.InvariantCulture;
        var b = new StringBuilder();
        b.Append(inv, $"{{\"version\":\"{Program.Version}\",\"arch\":\"{CpuFeatures.Architecture}\",\"cpu\":{JsonLinesSink.JsonString(CpuFeatures.Describe())}");
        b.Append(inv, $",\"kernels\":{JsonLinesSink.JsonString(KernelDispatch.Describe())},\"float32_variant\":\"{KernelDispatch.Float32}\",\"int8_variant\":\"{KernelDispatch.Int8}\"");
        b.Append(inv, $",\"kernel_checks\":{{\"total\":{checks},\"failed\":{failed},\"failures\":[{string.Join(',', failures.ConvertAll(JsonLinesSink.JsonString))}]}}");
        b.Append(",\"models\":[");
        for (int i = 0; i < models.Count; i++)
        {
            var m = models[i];
            b.Append(i == 0 ? string.Empty : ",");
            b.Append(inv, $"{{\"name\":{JsonLinesSink.JsonString(m.Name)},\"summary\":{JsonLinesSink.JsonString(m.Summary)},\"outputs\":{m.Outputs},\"max_diff\":{Num(m.MaxDiff)},\"worst_ratio\":{Num(m.WorstRatio)},\"matches\":{(m.Matches ? "true" : "false")},\"nan_rejected\":{(m.NanRejected ? "true" : "false")}");
            b.Append(inv, $",\"p50_us\":{Num(m.P50)},\"p99_us\":{Num(m.P99)},\"max_us\":{m.Max},\"allocated_bytes_per_step\":{Num(m.AllocatedPerStep)},\"arena_bytes\":{m.ArenaBytes}}}");
        }

        b.Append(inv, $"],\"pass\":{(pass ? "true" : "false")}}}");
        return b.ToString();
    }

    private static string Num(double v) => double.IsFinite(v) ? v.ToString("G6", CultureInfo.InvariantCulture) : "null";
}
