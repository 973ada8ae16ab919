using System.Diagnostics;

namespace EdgeAttention.Bench;

/// <summary>
/// Result of one measurement: per-call times over the samples (each sample times <see cref="CallsPerSample"/> calls
/// and divides), and heap bytes allocated on the measuring thread per call.
/// </summary>
public readonly record struct Measurement(string Name, double MedianNs, double P99Ns, double MinNs, int Samples, int CallsPerSample, double AllocatedBytesPerCall);

/// <summary>
/// A small reusable benchmark harness: warm-up (so the JIT reaches its optimised tier), a calibrated number of calls
/// per sample (so one sample lasts about <see cref="SampleTime"/>), <see cref="Repetitions"/> samples, then median, p99
/// and minimum per call, plus allocated bytes per call from GC.GetAllocatedBytesForCurrentThread() deltas.
/// The body receives a call count and must run the measured operation that many times (no delegate per call).
/// Timings on shared machines are noisy: compare ratios measured in one run.
/// </summary>
public sealed class Harness
{
    /// <summary>Warm-up duration before calibration and sampling.</summary>
    public TimeSpan WarmupTime { get; init; } = TimeSpan.FromMilliseconds(300);

    /// <summary>Target duration of one sample.</summary>
    public TimeSpan SampleTime { get; init; } = TimeSpan.FromMilliseconds(0.5);

    /// <summary>Number of timed samples.</summary>
    public int Repetitions { get; init; } = 201;

    /// <summary>Measures <paramref name="body"/>(calls), which runs the operation <c>calls</c> times.</summary>
    public Measurement Measure(string name, Action<int> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        // Warm-up: run growing batches until WarmupTime has passed (tier-up and caches).
        int calls = 1;
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < WarmupTime)
        {
            body(calls);
            if (calls < 1 << 20) calls *= 2;
        }
        // Calibrate calls per sample so one sample lasts about SampleTime.
        calls = 1;
        while (true)
        {
            long t0 = Stopwatch.GetTimestamp();
            body(calls);
            double seconds = Stopwatch.GetElapsedTime(t0).TotalSeconds;
            if (seconds >= SampleTime.TotalSeconds / 4 || calls >= 1 << 26)
            {
                calls = (int)Math.Clamp(calls * SampleTime.TotalSeconds / Math.Max(seconds, 1e-9), 1, 1 << 28);
                break;
            }
            calls *= 4;
        }

        var perCall = new double[Repetitions];
        long bytes0 = GC.GetAllocatedBytesForCurrentThread();
        for (int s = 0; s < Repetitions; s++)
        {
            long t0 = Stopwatch.GetTimestamp();
            body(calls);
            perCall[s] = Stopwatch.GetElapsedTime(t0).TotalNanoseconds / calls;
        }
        long bytes = GC.GetAllocatedBytesForCurrentThread() - bytes0;
        Array.Sort(perCall);
        return new Measurement(name, Percentile(perCall, 0.5), Percentile(perCall, 0.99), perCall[0], Repetitions, calls,
            (double)bytes / ((long)calls * Repetitions));
    }

    /// <summary>Nearest-rank percentile of sorted values.</summary>
    public static double Percentile(double[] sorted, double p)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        if (sorted.Length == 0) return double.NaN;
        int i = (int)Math.Ceiling(p * sorted.Length) - 1;
        return sorted[Math.Clamp(i, 0, sorted.Length - 1)];
    }
}
