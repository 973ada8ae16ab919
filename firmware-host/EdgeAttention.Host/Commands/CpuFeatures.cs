using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Arm = System.Runtime.Intrinsics.Arm;
using X86 = System.Runtime.Intrinsics.X86;

namespace EdgeAttention.Host.Commands;

/// <summary>The instruction-set extensions this process may use (as the runtime/NativeAOT sees them).</summary>
internal static class CpuFeatures
{
    public static string Architecture => RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();

    public static string Describe()
    {
        var f = new List<string>();
        if (Vector128.IsHardwareAccelerated)
        {
            f.Add("Vector128");
        }

        if (Vector256.IsHardwareAccelerated)
        {
            f.Add("Vector256");
        }

        if (Arm.AdvSimd.IsSupported)
        {
            f.Add("AdvSimd");
        }

        if (Arm.AdvSimd.Arm64.IsSupported)
        {
            f.Add("AdvSimd.Arm64");
        }

        if (Arm.Dp.IsSupported)
        {
            f.Add("Dp");
        }

        if (Arm.Rdm.IsSupported)
        {
            f.Add("Rdm");
        }

        if (Arm.Crc32.IsSupported)
        {
            f.Add("Crc32");
        }

        if (X86.Sse42.IsSupported)
        {
            f.Add("Sse4.2");
        }

        if (X86.Avx.IsSupported)
        {
            f.Add("Avx");
        }

        if (X86.Avx2.IsSupported)
        {
            f.Add("Avx2");
        }

        if (X86.Fma.IsSupported)
        {
            f.Add("Fma");
        }

        if (X86.AvxVnni.IsSupported)
        {
            f.Add("AvxVnni");
        }

        if (X86.Avx512F.IsSupported)
        {
            f.Add("Avx512F");
        }

        return f.Count == 0 ? "none" : string.Join(' ', f);
    }
}
