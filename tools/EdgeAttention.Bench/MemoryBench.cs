using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace EdgeAttention.Bench;

/// <summary>
/// <c>edge-attention-bench memory [--output FILE]</c>: the single-core bounds of the model roofline
/// (runtime/EdgeAttention.Model/README.md) — streaming read bandwidth for working sets from 16 KiB to 64 MiB (what a
/// step's weight stream can get from L1, L2, L3 and DRAM; repeated passes over one 64-byte aligned buffer, Vector256
/// loads into four accumulators, the best and the median pass) and the multiply-add peak (<see cref="KernelPeak"/>).
/// </summary>
public static class MemoryBench
{
    private static readonly long[] Sizes =
        [16 << 10, 128 << 10, 256 << 10, 512 << 10, 768 << 10, 1 << 20, 1_100_000, 1536 << 10, 2 << 20, 8 << 20, 64 << 20];

    public static int Run(string[] args)
    {
        string? output = null;
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--output" && i + 1 < args.Length)
            {
                output = args[++i];
            }
            else
            {
                Console.Error.WriteLine($"error: unknown argument '{args[i]}'; usage: edge-attention-bench memory [--output FILE]");
                return 2;
            }
        }

        var inv = CultureInfo.InvariantCulture;
        var lines = new List<string>
        {
            "# Memory bench (edge-attention-bench memory)",
            "",
            string.Create(inv, $"{Environment.ProcessorCount} cores, {RuntimeInformation.ProcessArchitecture}, .NET {Environment.Version}; {Cache()}; load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]} ({DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC). Shared machine: the best pass is the bound, the median what a loaded step sees."),
            "",
            "| working set | best GB/s | median GB/s | timed samples |",
            "|---:|---:|---:|---:|",
        };
        float sink = 0;
        foreach (long bytes in Sizes)
        {
            (double best, double median, int passes, float s) = Bandwidth(bytes);
            sink += s;
            lines.Add(string.Create(inv, $"| {Human(bytes)} | {best:F1} | {median:F1} | {passes} |"));
        }

        (double gflops, string kind) = KernelPeak.Measure();
        lines.Add("");
        lines.Add(string.Create(inv, $"Multiply-add peak: {gflops:F1} GFLOP/s = {gflops / 2:F1} G multiply-adds/s ({kind})."));
        if (float.IsNaN(sink)) lines.Add("(unexpected NaN in the read sums)");
        foreach (string l in lines) Console.WriteLine(l);
        if (output is not null) File.WriteAllLines(output, lines);
        return 0;
    }

    /// <summary>GB/s of repeated read passes over <paramref name="bytes"/>: best and median pass (≈ 256 MB read in all).</summary>
    private static (double Best, double Median, int Passes, float Sink) Bandwidth(long bytes)
    {
        nint floats = (nint)(bytes / sizeof(float)) & ~31;
        unsafe
        {
            float* p = (float*)NativeMemory.AlignedAlloc((nuint)(floats * sizeof(float)), 64);
            try
            {
                for (nint i = 0; i < floats; i++) p[i] = i & 7;
                int inner = (int)Math.Max(1, (256L << 10) / bytes);          // ≥ 256 KiB read per timed sample
                int passes = (int)Math.Clamp((256L << 20) / (bytes * inner), 8, 2000);
                var seconds = new double[passes];
                float sink = Pass(p, floats);   // warm: bring the set into the cache it fits
                for (int r = 0; r < passes; r++)
                {
                    long t0 = Stopwatch.GetTimestamp();
                    for (int k = 0; k < inner; k++) sink += Pass(p, floats);
                    seconds[r] = Stopwatch.GetElapsedTime(t0).TotalSeconds;
                }

                Array.Sort(seconds);
                double gb = (double)floats * sizeof(float) * inner / 1e9;
                return (gb / seconds[0], gb / seconds[passes / 2], passes, sink);
            }
            finally
            {
                NativeMemory.AlignedFree(p);
            }
        }
    }

    /// <summary>Σ of all floats (four independent accumulators, 32 floats per iteration): the loads are the work.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static unsafe float Pass(float* p, nint floats)
    {
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> a0 = Vector256<float>.Zero, a1 = a0, a2 = a0, a3 = a0;
            for (nint i = 0; i < floats; i += 32)
            {
                a0 += Vector256.Load(p + i);
                a1 += Vector256.Load(p + i + 8);
                a2 += Vector256.Load(p + i + 16);
                a3 += Vector256.Load(p + i + 24);
            }

            return Vector256.Sum(a0 + a1 + a2 + a3);
        }

        Vector128<float> b0 = Vector128<float>.Zero, b1 = b0, b2 = b0, b3 = b0;
        for (nint i = 0; i < floats; i += 16)
        {
            b0 += Vector128.Load(p + i);
            b1 += Vector128.Load(p + i + 4);
            b2 += Vector128.Load(p + i + 8);
            b3 += Vector128.Load(p + i + 12);
        }

        return Vector128.Sum(b0 + b1 + b2 + b3);
    }

    private static string Human(long bytes) => bytes switch
    {
        >= 1 << 20 when bytes % (1 << 20) == 0 => $"{bytes >> 20} MiB",
        >= 1 << 10 when bytes % (1 << 10) == 0 => $"{bytes >> 10} KiB",
        _ => bytes.ToString("N0", CultureInfo.InvariantCulture) + " B",
    };

    /// <summary>"L1d 32 KiB, L2 1 MiB, L3 32 MiB" from /sys (cpu0), or "caches unknown".</summary>
    private static string Cache()
    {
        var parts = new List<string>();
        for (int i = 0; i < 8; i++)
        {
            string dir = $"/sys/devices/system/cpu/cpu0/cache/index{i}";
            if (!Directory.Exists(dir)) break;
            string type = File.ReadAllText(Path.Combine(dir, "type")).Trim();
            if (type == "Instruction") continue;
            parts.Add($"L{File.ReadAllText(Path.Combine(dir, "level")).Trim()}{(type == "Data" ? "d" : "")} {File.ReadAllText(Path.Combine(dir, "size")).Trim()}");
        }

        return parts.Count > 0 ? "caches (cpu0, /sys): " + string.Join(", ", parts) : "caches unknown";
    }
}
