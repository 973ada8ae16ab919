using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace EdgeAttention.Host.Platform;

/// <summary>
/// x64 start-up choice between the two builds shipped in <c>artifacts/linux-x64/</c>:
/// <c>edge-attention</c> (the .NET baseline instruction set, runs on every x64 CPU; Vector128 kernels) and
/// <c>edge-attention-v3</c> (x86-64-v3: AVX, AVX2, FMA, BMI1/2, LZCNT, MOVBE, F16C; Vector256/AVX2 kernels).
/// NativeAOT folds <c>Avx2.IsSupported</c> at compile time (false in a baseline build), so one binary cannot pick the
/// AVX2 kernels at run time; instead the baseline binary checks the CPU with CPUID and, when it is x86-64-v3
/// capable and the sibling exists, replaces itself with the sibling through execv(3) (same arguments, same pid,
/// nothing written yet). The v3 build never re-executes.
/// Env <c>EDGEATTN_X64_LEVEL</c>: <c>auto</c> (default), <c>baseline</c> (stay in the baseline build),
/// <c>v3</c> (require the v3 build: a clear error when the CPU or the sibling lacks it).
/// </summary>
internal static partial class X64Level
{
    internal const string EnvVar = "EDGEATTN_X64_LEVEL";
    internal const string V3FileName = "edge-attention-v3";

    /// <summary>Set in the environment before execv; a baseline build that sees it does not execute again (no loop
    /// when a baseline binary was copied over the sibling).</summary>
    private const string ExecMarker = "EDGEATTN_X64_EXEC";

    /// <summary>Why this process runs the build it runs (null: not decided, or not x64).</summary>
    private static string? reason;

    /// <summary>True in the x86-64-v3 build (a compile-time constant under NativeAOT; under the JIT: the CPU).</summary>
    internal static bool IsV3Build => Avx2.IsSupported && Fma.IsSupported;

    /// <summary>
    /// Called first thing in Main. Returns null to go on in this process; an exit code after printing a one-line
    /// error (bad EDGEATTN_X64_LEVEL, or v3 required but unavailable). On success of execv it never returns.
    /// </summary>
    internal static int? SelectAtStart(string[] args, TextWriter stderr)
    {
        if (RuntimeInformation.ProcessArchitecture != Architecture.X64) return null;
        string want = Environment.GetEnvironmentVariable(EnvVar) ?? "auto";
        if (want is not ("auto" or "" or "baseline" or "v3"))
        {
            stderr.WriteLine($"error: {EnvVar}='{want}' is not a level; use auto (default), baseline or v3");
            return 2;
        }
        if (IsV3Build)
        {
            reason = Environment.GetEnvironmentVariable(ExecMarker) is null ? "started directly" : "chosen at start: CPU is x86-64-v3";
            return null;
        }
        if (want == "baseline")
        {
            reason = $"{EnvVar}=baseline";
            return null;
        }
        if (Environment.GetEnvironmentVariable(ExecMarker) is not null)
        {
            reason = $"{V3FileName} beside this binary is not an x86-64-v3 build";
            return null;
        }
        string? missing = MissingV3Features();
        string? self = Environment.ProcessPath;
        string sibling = Path.Combine(Path.GetDirectoryName(self) ?? ".", V3FileName);
        string? obstacle = missing is not null ? $"CPU lacks {missing}"
                         : self is null || !File.Exists(sibling) ? $"{V3FileName} not found beside the binary"
                         : null;
        if (obstacle is null)
        {
            setenv(ExecMarker, "1", 1);
            var argv = new string?[args.Length + 2];
            argv[0] = sibling;
            args.CopyTo(argv, 1);
            execv(sibling, argv);                      // returns only on failure
            int errno = Marshal.GetLastPInvokeError();
            unsetenv(ExecMarker);
            obstacle = $"execv {sibling} failed (errno {errno})";
        }
        if (want == "v3")
        {
            stderr.WriteLine($"error: {EnvVar}=v3 but {obstacle}; unset {EnvVar} (or set it to baseline) to run the baseline build");
            return 1;
        }
        reason = obstacle;
        return null;
    }

    /// <summary>"x86-64-v3 build (why)" / "baseline build (why)" on x64; empty elsewhere. For info and selftest.</summary>
    internal static string Describe() =>
        RuntimeInformation.ProcessArchitecture != Architecture.X64 ? ""
        : $"{(IsV3Build ? "x86-64-v3" : "baseline")} build ({reason ?? "not selected at start"})";

    /// <summary>
    /// The x86-64-v3 features this CPU lacks (comma-separated), or null when it has them all. CPUID leaves:
    /// 1.ECX FMA(12) MOVBE(22) OSXSAVE(27) AVX(28) F16C(29); 7.0.EBX BMI1(3) AVX2(5) BMI2(8); 0x80000001.ECX LZCNT(5).
    /// OSXSAVE stands in for "the OS saves YMM state" (Linux enables YMM in XCR0 whenever the CPU has AVX); the v3
    /// build's runtime re-checks the instruction sets at start and refuses with a message rather than faulting.
    /// </summary>
    internal static string? MissingV3Features()
    {
        if (!X86Base.IsSupported) return "cpuid";
        var missing = new List<string>();
        int maxLeaf = X86Base.CpuId(0, 0).Eax;
        int ecx1 = X86Base.CpuId(1, 0).Ecx;
        int ebx7 = maxLeaf >= 7 ? X86Base.CpuId(7, 0).Ebx : 0;
        int maxExt = X86Base.CpuId(unchecked((int)0x80000000), 0).Eax;
        int ecxExt = (uint)maxExt >= 0x80000001 ? X86Base.CpuId(unchecked((int)0x80000001), 0).Ecx : 0;
        Need(ecx1, 28, "avx");
        Need(ebx7, 5, "avx2");
        Need(ecx1, 12, "fma");
        Need(ebx7, 3, "bmi1");
        Need(ebx7, 8, "bmi2");
        Need(ecxExt, 5, "lzcnt");
        Need(ecx1, 22, "movbe");
        Need(ecx1, 29, "f16c");
        Need(ecx1, 27, "osxsave");
        return missing.Count == 0 ? null : string.Join(',', missing);

        void Need(int register, int bit, string name)
        {
            if ((register & (1 << bit)) == 0) missing.Add(name);
        }
    }

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int execv(string path, string?[] argv);

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int setenv(string name, string value, int overwrite);

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int unsetenv(string name);
}
