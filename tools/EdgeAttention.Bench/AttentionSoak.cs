using System.Diagnostics;
using System.Globalization;
using System.Text;
using EdgeAttention.Attention;
using EdgeAttention.Format;

namespace EdgeAttention.Bench;

/// <summary>
/// Drift soak (<c>edge-attention-bench attention --soak [--steps N]</c>, default N = 10⁸): runs the continual variants
/// whose running sums add and subtract for the whole stream on a small layer (n = 8, d_h = 4, 1 head, m = 2) over a
/// deterministic stream that mixes ordinary rows with 1 % large-norm rows (scores up to ~150, so cancellation
/// rebuilds happen too), and at 10 checkpoints compares the continual output with a recompute of the same window
/// (<see cref="WindowAttention"/>): max |continual − recompute| / max(1, max |recompute|) must stay ≤ 1e-4.
/// Writes results/attention-soak.md.
/// </summary>
internal static class AttentionSoak
{
    private const int N = 8, HeadDim = 4, M = 2, Pool = 4099;

    public static int Run(long steps, string resultsDir)
    {
        // Checkpoints at window-aligned steps (t + 1 ≡ 0 mod n) so continual landmarks equal window landmarks.
        long every = Math.Max(N, steps / 10 / N * N);
        var rng = new Random(2024);
        float[] q = AttentionBench.Gauss(rng, Pool * HeadDim), k = AttentionBench.Gauss(rng, Pool * HeadDim), v = AttentionBench.Gauss(rng, Pool * HeadDim);
        for (int r = 0; r < Pool; r += 97)
            for (int c = 0; c < HeadDim; c++) { q[r * HeadDim + c] *= 8; k[r * HeadDim + c] *= 8; }

        (string Name, AttentionKind Kind, LandmarkMode Mode, bool Retro)[] variants =
        [
            ("continual Nyström fixed single-output", AttentionKind.Nystrom, LandmarkMode.Fixed, false),
            ("continual Nyström fixed retroactive", AttentionKind.Nystrom, LandmarkMode.Fixed, true),
            ("continual Nyström continual-landmarks single-output", AttentionKind.Nystrom, LandmarkMode.Continual, false),
            ("continual softmax retroactive", AttentionKind.Softmax, LandmarkMode.Window, true),
        ];
        var sb = new StringBuilder();
        sb.AppendLine("# Attention drift soak (`edge-attention-bench attention --soak`)");
        sb.AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"n = {N}, 1 head, d_h = {HeadDim}, m = {M}; stream: {Pool} random rows cycled with a stride, every 97th row ×8 (large scores).");
        sb.AppendLine("Error = max |continual − recompute of the same window| / max(1, max |recompute|), at 10 window-aligned checkpoints; bound 1e-4.");
        sb.AppendLine("Drift bound used: exact refresh of fixed-landmark rows every RefreshInterval = 4096 steps (staggered, amortised m·n·d_h/4096");
        sb.AppendLine("multiply-adds per head and step); softmax and continual-landmark rows live at most ~n steps. Cancellation rebuilds are counted.");
        sb.AppendLine();
        sb.AppendLine("| variant | steps | worst error | at step | cancellation rebuilds | time | verdict |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|---|");
        bool allOk = true;
        foreach (var (name, kind, mode, retro) in variants)
        {
            var o = new AttentionOptions
            {
                Window = N, Heads = 1, HeadDim = HeadDim, Kind = kind, Landmarks = M, Mode = mode,
                FixedLandmarksQ = mode == LandmarkMode.Fixed ? [2f, 0.5f, -1f, 0.3f, -1.5f, 1f, 0.2f, 0.7f] : null,
                FixedLandmarksK = mode == LandmarkMode.Fixed ? [1f, -0.5f, 0.8f, 1.2f, 0.4f, 1.1f, -0.9f, 0.1f] : null,
            };
            var att = new ContinualAttention(o, retro);
            var window = new WindowAttention(mode == LandmarkMode.Continual ? new AttentionOptions
            {
                Window = N, Heads = 1, HeadDim = HeadDim, Kind = kind, Landmarks = M, Mode = LandmarkMode.Window,
            } : o);
            var output = new float[att.OutputLength];
            var recomputed = new float[att.OutputLength];
            var wq = new float[N * HeadDim]; var wk = new float[N * HeadDim]; var wv = new float[N * HeadDim];
            var sw = Stopwatch.StartNew();
            double worst = 0;
            long worstAt = -1;
            int r = 0;
            for (long t = 0; t < steps; t++)
            {
                att.Step(q.AsSpan(r * HeadDim, HeadDim), k.AsSpan(r * HeadDim, HeadDim), v.AsSpan(r * HeadDim, HeadDim), output);
                if ((t + 1) % every == 0 || t == steps - 1)
                {
                    if ((t + 1) % N == 0 && t >= N - 1)
                    {
                        // Rebuild the window's rows from the stream indices (row of position p = (p·7 + p/Pool) mod Pool).
                        for (int i = 0; i < N; i++)
                        {
                            long p = t - N + 1 + i;
                            int pr = Row(p);
                            q.AsSpan(pr * HeadDim, HeadDim).CopyTo(wq.AsSpan(i * HeadDim));
                            k.AsSpan(pr * HeadDim, HeadDim).CopyTo(wk.AsSpan(i * HeadDim));
                            v.AsSpan(pr * HeadDim, HeadDim).CopyTo(wv.AsSpan(i * HeadDim));
                        }
                        window.Compute(wq, wk, wv, recomputed, newestOnly: !retro);
                        double maxAbs = 1, err = 0;
                        for (int i = 0; i < output.Length; i++)
                        {
                            maxAbs = Math.Max(maxAbs, Math.Abs(recomputed[i]));
                            err = Math.Max(err, Math.Abs(recomputed[i] - output[i]));
                        }
                        double rel = err / maxAbs;
                        if (!(rel <= worst)) { worst = double.IsNaN(rel) ? double.PositiveInfinity : rel; worstAt = t; }
                        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {name}: step {t + 1:N0}: error {rel:E2} ({sw.Elapsed.TotalSeconds:F0} s)"));
                    }
                }
                r = Row(t + 1);
            }
            bool ok = worst <= 1e-4;
            allOk &= ok;
            sb.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {steps:N0} | {worst:E2} | {worstAt + 1:N0} | {att.CancellationRebuilds:N0} | {sw.Elapsed.TotalSeconds:F0} s | {(ok ? "ok" : "FAIL")} |");
        }
        sb.AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"Generated {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC. Run the full soak with `edge-attention-bench attention --soak --steps 100000000`.");
        string path = Path.Combine(resultsDir, "attention-soak.md");
        AttentionReport.WriteAtomic(path, sb.ToString());
        Console.WriteLine($"wrote {path}: {(allOk ? "all within 1e-4" : "DRIFT BOUND EXCEEDED")}");
        return allOk ? 0 : 1;
    }

    /// <summary>Pool row of stream position p (a stride that never aligns with n).</summary>
    private static int Row(long p) => (int)((p * 7 + p / Pool) % Pool);
}
