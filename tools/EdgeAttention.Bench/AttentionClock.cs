using System.Diagnostics;
using System.Runtime.InteropServices;

namespace EdgeAttention.Bench;

/// <summary>
/// Per-thread CPU time (Linux clock_gettime(CLOCK_THREAD_CPUTIME_ID), ns resolution) for the attention benchmark:
/// on a shared, oversubscribed machine wall time includes time spent preempted, CPU time does not. Falls back to
/// the wall clock where the call is unavailable.
/// </summary>
internal static partial class AttentionClock
{
    private const int ClockThreadCpuTime = 3;

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out Timespec value);

    /// <summary>True when thread CPU time is measured; false when wall time is.</summary>
    public static bool ThreadCpu { get; } = Probe();

    private static bool Probe()
    {
        if (!OperatingSystem.IsLinux()) return false;
        try { return ClockGetTime(ClockThreadCpuTime, out _) == 0; }
        catch (DllNotFoundException) { return false; }
        catch (EntryPointNotFoundException) { return false; }
    }

    /// <summary>Current reading in nanoseconds (thread CPU time, or wall time when unavailable).</summary>
    public static double NowNs()
    {
        if (ThreadCpu && ClockGetTime(ClockThreadCpuTime, out Timespec t) == 0) return t.Seconds * 1e9 + t.Nanoseconds;
        return Stopwatch.GetTimestamp() * (1e9 / Stopwatch.Frequency);
    }
}
