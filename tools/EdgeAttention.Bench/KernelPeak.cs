using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EdgeAttention.Bench;

/// <summary>
/// The single-core multiply-add peak of this machine, measured: a register-only loop of independent fused
/// multiply-adds a ← a·m + c on 12 accumulators (enough to cover latency × throughput on current cores), widest
/// accelerated vector (Vector256 with FMA if available, else Vector128). FLOPs = 2 · lanes · 12 per iteration.
/// </summary>
public static class KernelPeak
{
    /// <summary>Best GFLOP/s of 60 short runs, and a description of the instruction used.</summary>
    public static (double Gflops, string Kind) Measure()
    {
        bool wide = Vector256.IsHardwareAccelerated;
        string kind = wide ? (Fma.IsSupported ? "Vector256 FMA (vfmadd, 12 accumulators)" : "Vector256 mul+add (12 accumulators)")
                           : "Vector128 multiply-add (12 accumulators)";
        int lanes = wide ? 8 : 4;
        // Many short runs (≈0.3 ms each) and the best one: on a shared machine some runs are interrupted.
        const long Iterations = 100_000;
        double best = 0;
        float sink = 0;
        for (int run = 0; run < 60; run++)
        {
            long t0 = Stopwatch.GetTimestamp();
            sink += wide ? Loop256(Iterations) : Loop128(Iterations);
            double seconds = Stopwatch.GetElapsedTime(t0).TotalSeconds;
            best = Math.Max(best, 2.0 * lanes * 12 * Iterations / seconds / 1e9);
        }
        if (float.IsNaN(sink)) kind += " (unexpected NaN)";
        return (best, kind);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float Loop256(long iterations)
    {
        Vector256<float> m = Vector256.Create(0.9999f), c = Vector256.Create(1e-4f);
        Vector256<float> a0 = Vector256.Create(0.1f), a1 = a0 + c, a2 = a1 + c, a3 = a2 + c, a4 = a3 + c, a5 = a4 + c;
        Vector256<float> a6 = a5 + c, a7 = a6 + c, a8 = a7 + c, a9 = a8 + c, a10 = a9 + c, a11 = a10 + c;
        for (long i = 0; i < iterations; i++)
        {
            a0 = Vector256.MultiplyAddEstimate(a0, m, c); a1 = Vector256.MultiplyAddEstimate(a1, m, c);
            a2 = Vector256.MultiplyAddEstimate(a2, m, c); a3 = Vector256.MultiplyAddEstimate(a3, m, c);
            a4 = Vector256.MultiplyAddEstimate(a4, m, c); a5 = Vector256.MultiplyAddEstimate(a5, m, c);
            a6 = Vector256.MultiplyAddEstimate(a6, m, c); a7 = Vector256.MultiplyAddEstimate(a7, m, c);
            a8 = Vector256.MultiplyAddEstimate(a8, m, c); a9 = Vector256.MultiplyAddEstimate(a9, m, c);
            a10 = Vector256.MultiplyAddEstimate(a10, m, c); a11 = Vector256.MultiplyAddEstimate(a11, m, c);
        }
        return Vector256.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float Loop128(long iterations)
    {
        Vector128<float> m = Vector128.Create(0.9999f), c = Vector128.Create(1e-4f);
        Vector128<float> a0 = Vector128.Create(0.1f), a1 = a0 + c, a2 = a1 + c, a3 = a2 + c, a4 = a3 + c, a5 = a4 + c;
        Vector128<float> a6 = a5 + c, a7 = a6 + c, a8 = a7 + c, a9 = a8 + c, a10 = a9 + c, a11 = a10 + c;
        for (long i = 0; i < iterations; i++)
        {
            a0 = Vector128.MultiplyAddEstimate(a0, m, c); a1 = Vector128.MultiplyAddEstimate(a1, m, c);
            a2 = Vector128.MultiplyAddEstimate(a2, m, c); a3 = Vector128.MultiplyAddEstimate(a3, m, c);
            a4 = Vector128.MultiplyAddEstimate(a4, m, c); a5 = Vector128.MultiplyAddEstimate(a5, m, c);
            a6 = Vector128.MultiplyAddEstimate(a6, m, c); a7 = Vector128.MultiplyAddEstimate(a7, m, c);
            a8 = Vector128.MultiplyAddEstimate(a8, m, c); a9 = Vector128.MultiplyAddEstimate(a9, m, c);
            a10 = Vector128.MultiplyAddEstimate(a10, m, c); a11 = Vector128.MultiplyAddEstimate(a11, m, c);
        }
        return Vector128.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
    }
}
