using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using EdgeAttention.Kernels;

namespace EdgeAttention.Bench;

/// <summary>
/// `edge-attention-bench kernels`: matrix-vector y = W x + b with square W [d, d], for every available float32
/// variant (MatVec) and int8 variant (MatVecI8 on pre-quantised W and x), at d = 64, 192, 512, 1024. Prints GFLOP/s
/// (2·d² operations per call for both, so int8 "GOP/s" compare directly), the ratio to the scalar reference of the
/// same family, the ratio to the single-core FMA peak measured in the same run, and bytes allocated per call; then the
/// goal checks. Options: --sizes 64,192 ; --quick (fewer, shorter samples) ; --out FILE (also write the markdown).
/// </summary>
public static class KernelBench
{
    private const double PeakGoal = 0.40, Int8Goal = 1.5;

    public static int Run(string[] args)
    {
        int[] sizes = [64, 192, 512, 1024];
        bool quick = false;
        string? outPath = null;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--sizes" when i + 1 < args.Length:
                    if (!TryParseSizes(args[++i], out sizes))
                    {
                        Console.Error.WriteLine($"kernels: --sizes '{args[i]}' is not a comma-separated list of sizes 1..8192, e.g. --sizes 64,512.");
                        return 2;
                    }
                    break;
                case "--quick": quick = true; break;
                case "--out" when i + 1 < args.Length: outPath = args[++i]; break;
                case "--help" or "-h":
                    Console.WriteLine("usage: edge-attention-bench kernels [--sizes 64,192,512,1024] [--quick] [--out results.md]");
                    return 0;
                default:
                    Console.Error.WriteLine($"kernels: unknown option '{args[i]}'; use --sizes LIST, --quick, --out FILE or --help.");
                    return 2;
            }
        }

        var harness = quick
            ? new Harness { WarmupTime = TimeSpan.FromMilliseconds(150), SampleTime = TimeSpan.FromMilliseconds(0.25), Repetitions = 61 }
            : new Harness();
        var md = new StringBuilder();
        // The peak is measured before each size block and the highest value of the run is used for every ratio
        // (conservative: a momentarily slow peak run cannot inflate the percentages).
        (double peak, string peakKind) = KernelPeak.Measure();
        var rows = new List<(int D, string Kernel, KernelVariant V, Measurement M, double Gflops, double Scalar)>();

        md.AppendLine("# Kernel benchmark: matrix-vector y = W x + b, W [d, d] row-major");
        md.AppendLine();
        md.AppendLine($"- date: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        md.AppendLine($"- machine: {CpuName()}, {Environment.ProcessorCount} logical cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version} ({(System.Runtime.CompilerServices.RuntimeFeature.IsDynamicCodeCompiled ? "JIT" : "NativeAOT")})");
        md.AppendLine($"- {KernelDispatch.Describe()}");
        var goals = new List<string>();
        var peakChecks = new List<(int D, string Variant, double Gflops)>();
        bool allZeroAlloc = true;
        foreach (int d in sizes)
        {
            var rng = new Random(d);
            float[] w = Fill(rng, d * d), x = Fill(rng, d), b = Fill(rng, d), y = new float[d];
            sbyte[] qw = new sbyte[d * d], qx = new sbyte[d];
            float[] sw = new float[d];
            Quantize.Weights(KernelDispatch.Int8, w, d, d, qw, sw);
            float sx = Quantize.Vector(KernelDispatch.Int8, x, qx);
            int[] rs = new int[d];
            MatVecI8.RowSums(qw, d, rs);   // as Linear passes them (used by avxvnni, ignored by the others)
            double flops = 2.0 * d * d;

            peak = Math.Max(peak, KernelPeak.Measure().Gflops);
            double scalarF = 0, bestF = 0, scalarQ = 0, bestQ = 0;
            string bestFName = "", bestQName = "";
            foreach (KernelVariant v in KernelDispatch.AvailableFloat32)
            {
                Measurement m = harness.Measure("MatVec", n => { for (int i = 0; i < n; i++) MatVec.Compute(v, w, x, b, y); });
                double g = flops / m.MedianNs;
                if (v == KernelVariant.Scalar) scalarF = g;
                if (g > bestF) { bestF = g; bestFName = KernelDispatch.Name(v); }
                allZeroAlloc &= m.AllocatedBytesPerCall == 0;
                rows.Add((d, "MatVec f32", v, m, g, scalarF));
            }
            foreach (KernelVariant v in KernelDispatch.AvailableInt8)
            {
                Measurement m = harness.Measure("MatVecI8", n => { for (int i = 0; i < n; i++) MatVecI8.Compute(v, qw, sw, rs, qx, sx, b, y); });
                double g = flops / m.MedianNs;
                if (v == KernelVariant.Scalar) scalarQ = g;
                if (g > bestQ) { bestQ = g; bestQName = KernelDispatch.Name(v); }
                allZeroAlloc &= m.AllocatedBytesPerCall == 0;
                rows.Add((d, "MatVecI8", v, m, g, scalarQ));
            }
            {
                KernelVariant v = KernelDispatch.Int8;
                Measurement m = harness.Measure("Quantize+MatVecI8", n =>
                {
                    for (int i = 0; i < n; i++)
                    {
                        float s = Quantize.Vector(v, x, qx);
                        MatVecI8.Compute(v, qw, sw, rs, qx, s, b, y);
                    }
                });
                double g = flops / m.MedianNs;
                allZeroAlloc &= m.AllocatedBytesPerCall == 0;
                rows.Add((d, "Quantize.Vector + MatVecI8", v, m, g, scalarQ));
                goals.Add($"- d = {d}: int8 incl. quantising x ({KernelDispatch.Name(v)}) = {g / bestF:0.00}× float32 {bestFName}.");
            }
            if (d <= 512) peakChecks.Add((d, bestFName, bestF));
            goals.Add($"- d = {d}: int8 matvec {bestQName} = {bestQ / bestF:0.00}× float32 {bestFName} — goal ≥ {Int8Goal:0.0}×: {(bestQ / bestF >= Int8Goal ? "met" : "MISSED")}.");
        }
        md.AppendLine($"- single-core FMA peak (highest of the measurements before each size block): {peak:0.0} GFLOP/s — {peakKind}");
        md.AppendLine($"- harness: median and p99 of {harness.Repetitions} samples of ~{harness.SampleTime.TotalMilliseconds:0.##} ms each after {harness.WarmupTime.TotalMilliseconds:0} ms warm-up; GFLOP/s = 2·d² / median time (int8: integer multiply-adds counted the same way)");
        md.AppendLine();
        md.AppendLine("| d | kernel | variant | median ns | p99 ns | GFLOP/s | × scalar | % of FMA peak | bytes/call |");
        md.AppendLine("|---:|---|---|---:|---:|---:|---:|---:|---:|");

        foreach (var r in rows) Row(md, r.D, r.Kernel, r.V, r.M, r.Gflops, r.Scalar, peak);
        foreach (var p in peakChecks)
            goals.Add($"- d = {p.D}: float32 matvec {p.Variant} at {p.Gflops / peak:P0} of FMA peak — goal ≥ {PeakGoal:P0}: {(p.Gflops / peak >= PeakGoal ? "met" : "MISSED")}.");
        md.AppendLine();
        md.AppendLine("## Goals");
        md.AppendLine();
        foreach (string g in goals) md.AppendLine(g);
        md.AppendLine($"- 0 bytes allocated per call for every kernel call above: {(allZeroAlloc ? "met" : "MISSED")}.");

        string text = md.ToString();
        Console.Write(text);
        if (outPath is not null) File.WriteAllText(outPath, text);
        return 0;
    }

    private static void Row(StringBuilder md, int d, string kernel, KernelVariant v, Measurement m, double g, double scalar, double peak) =>
        md.AppendLine(CultureInfo.InvariantCulture,
            $"| {d} | {kernel} | {KernelDispatch.Name(v)} | {m.MedianNs:0} | {m.P99Ns:0} | {g:0.00} | {(scalar > 0 ? g / scalar : 1):0.0}× | {g / peak:P0} | {m.AllocatedBytesPerCall:0.##} |");

    private static float[] Fill(Random rng, int n)
    {
        var a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float)(rng.NextDouble() * 2 - 1);
        return a;
    }

    private static bool TryParseSizes(string text, out int[] sizes)
    {
        string[] parts = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        sizes = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out sizes[i]) || sizes[i] < 1 || sizes[i] > 8192) return false;
        return parts.Length > 0;
    }

    private static string CpuName()
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/cpuinfo"))
                if (line.StartsWith("model name", StringComparison.Ordinal)) return line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return RuntimeInformation.ProcessArchitecture.ToString();
    }
}
