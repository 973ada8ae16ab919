using System.Runtime.InteropServices;
using EdgeAttention.Kernels;

namespace EdgeAttention.Host.Platform;

/// <summary>Architecture and instruction-set extensions for `info` and `selftest` (detection lives in KernelDispatch).</summary>
internal static class CpuFeatures
{
    public static string Architecture => RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();

    public static string Describe()
    {
        IReadOnlyList<string> f = KernelDispatch.CpuFeatures();
        return f.Count == 0 ? "none" : string.Join(' ', f);
    }
}
