using System.Runtime.InteropServices;

namespace EdgeAttention.OnnxCompare;

/// <summary>
/// CPU seconds (user + system) from getrusage(2): of this process (all its threads, ONNX Runtime's pool included) or
/// of its waited-for children (the `edge-attention run` processes). Unlike wall time, CPU time does not count the
/// time a process waits for a core, so on a shared, loaded machine it is the steadier measure of the work.
/// </summary>
internal static partial class CpuTime
{
    private const int Self = 0, Children = -1;

    public static double Process() => Get(Self);

    public static double WaitedChildren() => Get(Children);

    private static double Get(int who)
    {
        if (getrusage(who, out RUsage u) != 0) throw new InvalidOperationException($"getrusage failed (errno {Marshal.GetLastPInvokeError()})");
        return u.UserSeconds + u.UserMicros * 1e-6 + u.SystemSeconds + u.SystemMicros * 1e-6;
    }

    /// <summary>struct rusage (Linux, 64-bit): ru_utime, ru_stime (struct timeval), then 14 longs.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private unsafe struct RUsage
    {
        public long UserSeconds, UserMicros, SystemSeconds, SystemMicros;
        public fixed long Rest[14];
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int getrusage(int who, out RUsage usage);
}
