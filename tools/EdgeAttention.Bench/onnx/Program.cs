using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using EdgeAttention.Format;
using EdgeAttention.OnnxCompare;

// edge-attention-onnx-compare --dir DIR --binary PATH [--reps 7] [--ort-steps 300] [--short-steps 1000] [--long-steps 20000]
//
// DIR (from run.sh): model.json, window.onnx, frames.npy [T, F], expected.npy [K, C] (the twin's logits of the first K
// windows), model-f32.eam, model-int8.eam. Checks that ONNX Runtime and `edge-attention run` reproduce the twin, then
// times, interleaved in every repetition so that all of them see the same machine load:
//   ONNX Runtime (1 intra-op thread, and its default threads): one Run per new frame on the sliding window, the median
//   over all steps;
//   `edge-attention run` (float32 and int8 .eam): per step = (wall time of a long stream − wall time of a short
//   stream) / extra steps, so process start, model load and the warm-up window cancel.
// Prints a markdown table (µs per step and ratios) to stdout.
var inv = CultureInfo.InvariantCulture;
var opts = ParseArgs(args);
string dir = opts.GetValueOrDefault("--dir") ?? throw Usage("--dir is required");
string binary = opts.GetValueOrDefault("--binary") ?? throw Usage("--binary is required");
int reps = Int("--reps", 7), ortSteps = Int("--ort-steps", 300), shortSteps = Int("--short-steps", 1000), longSteps = Int("--long-steps", 20000);

using JsonDocument config = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "model.json")));
int n = config.RootElement.GetProperty("window").GetInt32();
int f = config.RootElement.GetProperty("input_features").GetInt32();
int classes = config.RootElement.GetProperty("classes").GetArrayLength();
float[] frames = Npy.Read(Path.Combine(dir, "frames.npy"), out int rows, out int cols);
float[] expected = Npy.Read(Path.Combine(dir, "expected.npy"), out int checkRows, out int expectedCols);
if (cols != f || expectedCols != classes) throw new InvalidOperationException("frames.npy / expected.npy do not match model.json");
if (rows < n - 1 + longSteps) throw new InvalidOperationException($"frames.npy has {rows} frames; --long-steps {longSteps} needs {n - 1 + longSteps}");
if (longSteps <= shortSteps) throw Usage("--long-steps must exceed --short-steps");

// ---- the streams `run` gets: short and long prefixes of frames.npy, and the checked prefix ----
string shortPath = Path.Combine(dir, "frames-short.npy"), longPath = Path.Combine(dir, "frames-long.npy");
string checkPath = Path.Combine(dir, "frames-check.npy"), outPath = Path.Combine(dir, "logits.npy");
Npy.Write(shortPath, frames.AsSpan(0, (n - 1 + shortSteps) * f), n - 1 + shortSteps, f);
Npy.Write(longPath, frames.AsSpan(0, (n - 1 + longSteps) * f), n - 1 + longSteps, f);
Npy.Write(checkPath, frames.AsSpan(0, (n - 1 + checkRows) * f), n - 1 + checkRows, f);
string f32Model = Path.Combine(dir, "model-f32.eam"), i8Model = Path.Combine(dir, "model-int8.eam");

// ---- correctness: every implementation against the twin's logits (models/README.md §4.3 tolerance) ----
using var ort1 = new OrtWindow(Path.Combine(dir, "window.onnx"), n, f, classes, threads: 1);
using var ortDefault = new OrtWindow(Path.Combine(dir, "window.onnx"), n, f, classes, threads: 0);
var ortLogits = new float[checkRows * classes];
ort1.Fill(frames, n - 1);
ort1.Run();
ort1.Logits.CopyTo(ortLogits);
for (int j = 1; j < checkRows; j++)
{
    ort1.Step(frames, n - 1 + j);
    ort1.Logits.CopyTo(ortLogits.AsSpan(j * classes));
}

var ortCheck = Compare(ortLogits, expected, classes);
_ = ProgramRun.Seconds(binary, f32Model, checkPath, outPath);
var f32Check = Compare(Npy.Read(outPath, out _, out _), expected, classes);
_ = ProgramRun.Seconds(binary, i8Model, checkPath, outPath);
var i8Check = Compare(Npy.Read(outPath, out _, out _), expected, classes);
if (ortCheck.Worst > 1 || f32Check.Worst > 1)
{
    Console.Error.WriteLine(string.Create(inv, $"error: logits differ from the twin beyond 2e-4·max(1,|l|): ONNX Runtime {ortCheck.Worst:F3}, edge-attention f32 {f32Check.Worst:F3} of the tolerance"));
    return 1;
}

// ---- timing, interleaved ----
var ort1Steps = new List<double>();
var ortDefaultSteps = new List<double>();
var ort1Reps = new List<double>();
var ortDefaultReps = new List<double>();
var f32Reps = new List<double>();
var i8Reps = new List<double>();
var ort1Cpu = new List<double>();
var ortDefaultCpu = new List<double>();
var f32Cpu = new List<double>();
var i8Cpu = new List<double>();
var shortSeconds = new List<double>();
int extra = longSteps - shortSteps;
if (rows < n + 50 + reps * ortSteps) throw Usage($"frames.npy has {rows} frames, too few for {reps} × {ortSteps} ONNX Runtime steps");
ort1.Fill(frames, n - 1);
ortDefault.Fill(frames, n - 1);
for (int s = 0; s < 50; s++)   // warm-up: JIT, ORT's allocator arenas, thread pool
{
    ort1.Step(frames, n + s);
    ortDefault.Step(frames, n + s);
}

for (int r = 0; r < reps; r++)
{
    ort1Reps.Add(TimeOrt(ort1, ort1Steps, r, ort1Cpu));
    ortDefaultReps.Add(TimeOrt(ortDefault, ortDefaultSteps, r, ortDefaultCpu));
    bool shortFirst = r % 2 == 0;   // alternate the order so neither stream always runs first
    f32Reps.Add(PerStep(f32Model, shortFirst, shortSeconds, f32Cpu));
    i8Reps.Add(PerStep(i8Model, !shortFirst, shortSeconds, i8Cpu));
}

double ortOne = Median(ort1Steps), ortDef = Median(ortDefaultSteps), f32 = Median(f32Reps), i8 = Median(i8Reps);
bool oneBest = ortOne <= ortDef;
double ortRef = oneBest ? ortOne : ortDef, ortRefBest = (oneBest ? ort1Reps : ortDefaultReps).Min();
string refName = oneBest ? "1 intra-op thread" : "default threads";
Console.WriteLine($"| implementation | µs per step: median | best repetition | all repetitions | ONNX Runtime ({refName}) ÷ this: median | best repetition |");
Console.WriteLine("|---|---:|---:|---:|---:|---:|");
Row("ONNX Runtime 1.31.1 (C#), window per step, 1 intra-op thread", ortOne, ort1Reps);
Row($"ONNX Runtime 1.31.1 (C#), window per step, default threads ({Environment.ProcessorCount} cores)", ortDef, ortDefaultReps);
Row("`edge-attention run`, float32 .eam", f32, f32Reps);
Row("`edge-attention run`, int8 .eam", i8, i8Reps);
Console.WriteLine();
Console.WriteLine(string.Create(inv, $"**float32: {ortRef / f32:F0}× faster than ONNX Runtime ({refName}, {ortRef:F0} µs/step), int8: {ortRef / i8:F0}×** (medians; best repetitions: {ortRefBest / f32Reps.Min():F0}×, {ortRefBest / i8Reps.Min():F0}×; goals ≥ 50×, ≥ 100×)."));
Console.WriteLine();
// The CPU reference is the ONNX Runtime setting that needs less CPU (whichever won on wall clock): the default
// threads' CPU includes the pool's spinning, which would flatter the ratio.
double cpuOne = Median(ort1Cpu), cpuDef = Median(ortDefaultCpu), cpuF32 = Median(f32Cpu), cpuI8 = Median(i8Cpu);
double cpuRef = Math.Min(cpuOne, cpuDef);
string cpuRefName = cpuOne <= cpuDef ? "1 intra-op thread" : "default threads";
Console.WriteLine("CPU time per step (getrusage: user + system; not counting time spent waiting for a core, so steadier on a loaded machine):");
Console.WriteLine();
Console.WriteLine($"| implementation | CPU µs per step: median | all repetitions | ONNX Runtime ({cpuRefName}) ÷ this |");
Console.WriteLine("|---|---:|---:|---:|");
CpuRow("ONNX Runtime 1.31.1, 1 intra-op thread (process CPU over each block ÷ steps)", ort1Cpu);
CpuRow("ONNX Runtime 1.31.1, default threads (all threads' CPU, pool spinning included)", ortDefaultCpu);
CpuRow("`edge-attention run`, float32 .eam (child CPU, long − short)", f32Cpu);
CpuRow("`edge-attention run`, int8 .eam (child CPU, long − short)", i8Cpu);
Console.WriteLine();
Console.WriteLine(string.Create(inv, $"**CPU time: float32 {cpuRef / cpuF32:F0}×, int8 {cpuRef / cpuI8:F0}× less than ONNX Runtime ({cpuRefName}, {cpuRef:F0} µs/step).**"));
Console.WriteLine();
Console.WriteLine(string.Create(inv, $"- {reps} repetitions, each: {ortSteps} ONNX Runtime steps per thread setting (median over all {ort1Steps.Count} steps; per repetition, the median of its steps), then `run` on {shortSteps} and {longSteps} ready steps (+ {n - 1} warm-up frames) per model, per step = (long − short) / {extra}; short run (start, load, {shortSteps} steps, write) median {Median(shortSeconds) * 1e3:F0} ms."));
Console.WriteLine(string.Create(inv, $"- Against the twin's logits (first {checkRows} windows; tolerance 2e-4·max(1, max|l|), models/README.md §4.3): ONNX Runtime max error {ortCheck.MaxError:G3} ({ortCheck.Worst * 100:F2} % of the tolerance), `run` float32 {f32Check.MaxError:G3} ({f32Check.Worst * 100:F2} %), `run` int8 {i8Check.MaxError:G3} (argmax agrees on {i8Check.ArgmaxAgree * 100:F1} % of the steps; the int8 contract is ≥ 95 % vs float32)."));
return 0;

double TimeOrt(OrtWindow ort, List<double> all, int rep, List<double> cpu)
{
    var mine = new double[ortSteps];
    long first = n + 50 + (long)rep * ortSteps;   // each block continues the stream after the warm-up and the blocks before
    ort.Fill(frames, first - 1);
    double cpu0 = CpuTime.Process();
    for (int s = 0; s < ortSteps; s++)
    {
        long t0 = Stopwatch.GetTimestamp();
        ort.Step(frames, first + s);
        mine[s] = Stopwatch.GetElapsedTime(t0).TotalMicroseconds;
    }

    cpu.Add((CpuTime.Process() - cpu0) * 1e6 / ortSteps);
    all.AddRange(mine);
    return Median(mine);
}

double PerStep(string model, bool shortFirst, List<double> shorts, List<double> cpu)
{
    (double Wall, double Cpu) a, b;
    if (shortFirst)
    {
        a = ProgramRun.Seconds(binary, model, shortPath, outPath);
        b = ProgramRun.Seconds(binary, model, longPath, outPath);
    }
    else
    {
        b = ProgramRun.Seconds(binary, model, longPath, outPath);
        a = ProgramRun.Seconds(binary, model, shortPath, outPath);
    }

    shorts.Add(a.Wall);
    cpu.Add((b.Cpu - a.Cpu) * 1e6 / extra);
    return (b.Wall - a.Wall) * 1e6 / extra;
}

void Row(string what, double us, List<double> reps) =>
    Console.WriteLine(string.Create(inv, $"| {what} | {us:F1} | {reps.Min():F1} | {string.Join(" ", reps.Select(x => x.ToString("F0", inv)))} | {ortRef / us:F1}× | {ortRefBest / reps.Min():F1}× |"));

void CpuRow(string what, List<double> reps) =>
    Console.WriteLine(string.Create(inv, $"| {what} | {Median(reps):F1} | {string.Join(" ", reps.Select(x => x.ToString("F0", inv)))} | {cpuRef / Median(reps):F1}× |"));

int Int(string key, int fallback) => opts.TryGetValue(key, out string? v) ? int.Parse(v, inv) : fallback;

static (double MaxError, double Worst, double ArgmaxAgree) Compare(float[] got, float[] want, int classes)
{
    if (got.Length != want.Length) throw new InvalidOperationException($"{got.Length / classes} logit rows, expected {want.Length / classes}");
    double maxError = 0, worst = 0;
    int agree = 0, steps = want.Length / classes;
    for (int j = 0; j < steps; j++)
    {
        ReadOnlySpan<float> g = got.AsSpan(j * classes, classes), w = want.AsSpan(j * classes, classes);
        double scale = 1, err = 0;
        for (int c = 0; c < classes; c++)
        {
            scale = Math.Max(scale, Math.Abs(w[c]));
            err = Math.Max(err, Math.Abs(g[c] - w[c]));
        }

        maxError = Math.Max(maxError, err);
        worst = Math.Max(worst, err / (2e-4 * scale));
        if (ArgMax(g) == ArgMax(w)) agree++;
    }

    return (maxError, worst, agree / (double)steps);
}

static int ArgMax(ReadOnlySpan<float> x)
{
    int best = 0;
    for (int i = 1; i < x.Length; i++)
        if (x[i] > x[best]) best = i;
    return best;
}

static double Median(IReadOnlyList<double> x)
{
    var s = x.ToArray();
    Array.Sort(s);
    return s.Length % 2 == 1 ? s[s.Length / 2] : 0.5 * (s[s.Length / 2 - 1] + s[s.Length / 2]);
}

static Dictionary<string, string> ParseArgs(string[] args)
{
    var d = new Dictionary<string, string>(StringComparer.Ordinal);
    for (int i = 0; i < args.Length; i++)
    {
        if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length) throw Usage($"unexpected argument {args[i]}");
        d[args[i]] = args[++i];
    }

    return d;
}

static ArgumentException Usage(string what) =>
    new($"{what}; usage: edge-attention-onnx-compare --dir DIR --binary PATH [--reps 7] [--ort-steps 300] [--short-steps 1000] [--long-steps 20000]");
