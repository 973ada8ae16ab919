using System.Diagnostics;
using System.Globalization;
using EdgeAttention.Attention;
using EdgeAttention.Format;

namespace EdgeAttention.Bench;

/// <summary>
/// <c>edge-attention-bench attention [--quick] [--results DIR]</c>: per-step time (median) and multiply-adds of every
/// attention variant across n = 32 … 1024 at d_model = 200 (one head, as the paper's Fig. 4 single-head setting),
/// m = 8, and at the GTZAN setting (n = 120, d_model = 192, 16 heads, m = 8), with ratios to the softmax-recompute
/// baseline; writes results/attention.md and results/attention.svg.
/// <c>edge-attention-bench attention --soak [--steps N]</c>: drift soak (default 10⁸ steps), see <see cref="AttentionSoak"/>.
/// </summary>
public static class AttentionBench
{
    internal enum Exec { Recompute, Continual }

    /// <summary>One benchmarked variant; Paper = the literature's multiply-add formula, or null.</summary>
    internal sealed record Variant(string Name, AttentionKind Kind, LandmarkMode Mode, Exec Exec, bool AllRows, Func<Setting, double>? Paper);

    internal sealed record Setting(string Name, int N, int Heads, int HeadDim, int M)
    {
        public int D => Heads * HeadDim;
    }

    internal sealed record Result(Setting Setting, Variant Variant, double MedianNs, long MultiplyAdds, double? PaperMultiplyAdds, long Steps);

    internal static readonly Variant[] Variants =
    [
        new("softmax recompute (all rows)", AttentionKind.Softmax, LandmarkMode.Window, Exec.Recompute, true, s => 2.0 * s.N * s.N * s.D + 2.0 * s.N * s.D),
        new("softmax recompute (newest)", AttentionKind.Softmax, LandmarkMode.Window, Exec.Recompute, false, null),
        new("continual softmax retroactive", AttentionKind.Softmax, LandmarkMode.Window, Exec.Continual, true, s => 7.0 * s.N * s.D + 2.0 * s.N - 3.0 * s.D),
        new("continual softmax single-output", AttentionKind.Softmax, LandmarkMode.Window, Exec.Continual, false, s => 2.0 * s.N * s.D + 2.0 * s.D),
        new("Nyström recompute (all rows)", AttentionKind.Nystrom, LandmarkMode.Window, Exec.Recompute, true, null),
        new("Nyström recompute (newest)", AttentionKind.Nystrom, LandmarkMode.Window, Exec.Recompute, false, null),
        new("continual Nyström fixed retroactive", AttentionKind.Nystrom, LandmarkMode.Fixed, Exec.Continual, true, null),
        new("continual Nyström fixed single-output", AttentionKind.Nystrom, LandmarkMode.Fixed, Exec.Continual, false, s => s.Heads * (7.0 * s.M * s.HeadDim + s.M * s.M)),
        new("continual Nyström continual-landmarks retroactive", AttentionKind.Nystrom, LandmarkMode.Continual, Exec.Continual, true, null),
        new("continual Nyström continual-landmarks single-output", AttentionKind.Nystrom, LandmarkMode.Continual, Exec.Continual, false, null),
    ];

    public static int Run(string[] args)
    {
        bool quick = false, soak = false;
        long soakSteps = 100_000_000;
        string resultsDir = DefaultResultsDir();
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--quick": quick = true; break;
                case "--soak": soak = true; break;
                case "--steps" when i + 1 < args.Length && long.TryParse(args[i + 1], NumberStyles.Integer, CultureInfo.InvariantCulture, out long s) && s > 0:
                    soakSteps = s; i++; break;
                case "--results" when i + 1 < args.Length: resultsDir = args[++i]; break;
                case "--help":
                    Console.WriteLine("usage: edge-attention-bench attention [--quick] [--results DIR] | --soak [--steps N] [--results DIR]");
                    return 0;
                default:
                    Console.Error.WriteLine($"edge-attention-bench attention: unknown or incomplete option '{args[i]}'; use --quick, --results DIR, --soak, --steps N.");
                    return 2;
            }
        }
        Directory.CreateDirectory(resultsDir);
        if (soak) return AttentionSoak.Run(soakSteps, resultsDir);

        var settings = new List<Setting>();
        int[] ns = quick ? [32, 128] : [32, 64, 128, 256, 512, 1024];
        foreach (int n in ns) settings.Add(new Setting($"n={n}", n, 1, 200, 8));
        var gtzan = new Setting("GTZAN", 120, 16, 12, 8);
        settings.Add(gtzan);

        var results = new List<Result>();
        var total = Stopwatch.StartNew();
        Console.WriteLine($"attention bench: d_model = 200 single head (paper Fig. 4 setting), m = 8; GTZAN n = 120, d_model = 192, 16 heads, m = 8; " +
            $"timing = {(AttentionClock.ThreadCpu ? "thread CPU time" : "wall time")}, median of interleaved samples");
        foreach (Setting s in settings)
        {
            Console.WriteLine();
            Console.WriteLine($"{s.Name}: n = {s.N}, heads = {s.Heads}, d_h = {s.HeadDim}, m = {s.M}");
            Console.WriteLine($"  {"variant",-52} {"median/step",12} {"mult-adds",14} {"paper",14} {"× faster",10} {"× fewer",10}");
            double baseNs = 0, baseMacs = 0;
            foreach (Result r in MeasureSetting(s, quick))
            {
                Variant v = r.Variant;
                results.Add(r);
                if (v == Variants[0]) { baseNs = r.MedianNs; baseMacs = r.MultiplyAdds; }
                Console.WriteLine($"  {v.Name,-52} {FormatTime(r.MedianNs),12} {r.MultiplyAdds,14:N0} {(r.PaperMultiplyAdds is double p ? p.ToString("N0", CultureInfo.InvariantCulture) : "—"),14} {baseNs / r.MedianNs,10:F1} {baseMacs / r.MultiplyAdds,10:F1}");
            }
        }
        Console.WriteLine();
        Result Find(Setting s, int variant) => results.First(r => r.Setting == s && r.Variant == Variants[variant]);
        Result fixedSingle = Find(gtzan, 7), recompute = Find(gtzan, 0), softSingle = Find(gtzan, 3);
        double vsRecompute = recompute.MedianNs / fixedSingle.MedianNs, vsSingle = softSingle.MedianNs / fixedSingle.MedianNs;
        Console.WriteLine($"GTZAN: continual Nyström fixed single-output is {vsRecompute:F0}× faster than softmax recompute (goal ≥ 100×) " +
            $"and {vsSingle:F1}× faster than continual single-output softmax (goal ≥ 5×).");
        AttentionReport.WriteMarkdown(Path.Combine(resultsDir, "attention.md"), results, settings, vsRecompute, vsSingle, total.Elapsed);
        AttentionReport.WriteSvg(Path.Combine(resultsDir, "attention.svg"), results, settings.Where(s => s.Heads == 1).ToList());
        Console.WriteLine($"wrote {Path.Combine(resultsDir, "attention.md")} and attention.svg in {total.Elapsed.TotalSeconds:F0} s");
        return 0;
    }

    /// <summary>tools/EdgeAttention.Bench/results when run from the repository, else ./results.</summary>
    internal static string DefaultResultsDir()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "tools", "EdgeAttention.Bench");
            if (Directory.Exists(candidate)) return Path.Combine(candidate, "results");
        }
        string cwd = Path.Combine(Directory.GetCurrentDirectory(), "tools", "EdgeAttention.Bench");
        return Directory.Exists(cwd) ? Path.Combine(cwd, "results") : Path.Combine(Directory.GetCurrentDirectory(), "results");
    }

    internal static AttentionOptions Options(Setting s, Variant v, int seed = 1)
    {
        float[]? lq = null, lk = null;
        if (v.Mode == LandmarkMode.Fixed)
        {
            var rng = new Random(seed);
            lq = Gauss(rng, s.Heads * s.M * s.HeadDim); lk = Gauss(rng, s.Heads * s.M * s.HeadDim);
        }
        return new AttentionOptions
        {
            Window = s.N, Heads = s.Heads, HeadDim = s.HeadDim, Kind = v.Kind, Landmarks = s.M, Mode = v.Mode,
            PinvIterations = 6, FixedLandmarksQ = lq, FixedLandmarksK = lk,
        };
    }

    internal static float[] Gauss(Random rng, int count)
    {
        var x = new float[count];
        for (int i = 0; i < count; i++)
            x[i] = (float)(Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()));
        return x;
    }

    /// <summary>
    /// Measures every variant of one setting. Samples are interleaved across variants (round robin), so load from
    /// other processes on a shared machine hits all variants alike and the ratios stay meaningful.
    /// </summary>
    private static List<Result> MeasureSetting(Setting s, bool quick)
    {
        int samples = quick ? 5 : 11;
        double sampleMs = quick ? 1 : 3;
        var bodies = new List<(Variant Variant, Action<int> Body, long Macs)>();
        foreach (Variant v in Variants) bodies.Add(Prepare(s, v));
        var calls = new int[bodies.Count];
        for (int i = 0; i < bodies.Count; i++) calls[i] = Calibrate(bodies[i].Body, sampleMs);
        var ns = new double[bodies.Count][];
        for (int i = 0; i < bodies.Count; i++) ns[i] = new double[samples];
        for (int k = 0; k < samples; k++)
        {
            for (int i = 0; i < bodies.Count; i++)
            {
                double t0 = AttentionClock.NowNs();
                bodies[i].Body(calls[i]);
                ns[i][k] = (AttentionClock.NowNs() - t0) / calls[i];
            }
        }

        var results = new List<Result>();
        for (int i = 0; i < bodies.Count; i++)
        {
            Array.Sort(ns[i]);
            results.Add(new Result(s, bodies[i].Variant, ns[i][samples / 2], bodies[i].Macs, bodies[i].Variant.Paper?.Invoke(s), (long)calls[i] * samples));
        }
        return results;
    }

    private static (Variant, Action<int>, long) Prepare(Setting s, Variant v)
    {
        AttentionOptions o = Options(s, v);
        int d = s.D, n = s.N;
        const int pool = 1031;   // prime: the stream cycles through random rows without aligning to n
        var rng = new Random(2);
        float[] q = Gauss(rng, pool * d), k = Gauss(rng, pool * d), val = Gauss(rng, pool * d);
        if (v.Exec == Exec.Recompute)
        {
            var w = new WindowAttention(o);
            float[] wq = q.AsSpan(0, n * d).ToArray(), wk = k.AsSpan(0, n * d).ToArray(), wv = val.AsSpan(0, n * d).ToArray();
            var output = new float[v.AllRows ? n * d : d];
            bool newest = !v.AllRows;
            return (v, calls => { for (int c = 0; c < calls; c++) w.Compute(wq, wk, wv, output, newest); }, w.MultiplyAdds(newest));
        }
        var att = new ContinualAttention(o, v.AllRows);
        var outputs = new float[att.OutputLength];
        int r = 0;
        for (int t = 0; t < n - 1; t++, r = (r + 1) % pool)
            att.Step(q.AsSpan(r * d, d), k.AsSpan(r * d, d), val.AsSpan(r * d, d), outputs);
        return (v, calls =>
        {
            for (int c = 0; c < calls; c++)
            {
                att.Step(q.AsSpan(r * d, d), k.AsSpan(r * d, d), val.AsSpan(r * d, d), outputs);
                if (++r == pool) r = 0;
            }
        }, att.MultiplyAddsPerStep);
    }

    /// <summary>
    /// Warm-up ~150 ms (longer than the JIT's 100 ms tier-up delay, so samples run optimised code), then the calls
    /// per sample that last about sampleMs.
    /// </summary>
    internal static int Calibrate(Action<int> body, double sampleMs)
    {
        var sw = Stopwatch.StartNew();
        int calls = 1;
        while (sw.Elapsed.TotalMilliseconds < 150) { body(calls); if (calls < 1 << 16) calls *= 2; }
        calls = 1;
        while (true)
        {
            long t0 = Stopwatch.GetTimestamp();
            body(calls);
            double ms = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            if (ms >= sampleMs / 4 || calls >= 1 << 24) return (int)Math.Clamp(calls * sampleMs / Math.Max(ms, 1e-6), 1, 1 << 26);
            calls *= 4;
        }
    }

    internal static string FormatTime(double ns) =>
        ns >= 1e6 ? $"{ns / 1e6:F2} ms" : ns >= 1e3 ? $"{ns / 1e3:F2} µs" : $"{ns:F0} ns";
}
