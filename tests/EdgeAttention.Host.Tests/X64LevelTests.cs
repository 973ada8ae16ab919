using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using EdgeAttention.Host.Platform;

namespace EdgeAttention.Host.Tests;

/// <summary>The x64 start-up choice between the baseline and x86-64-v3 builds (the execv itself runs in CI on the
/// published binaries: .ci/emulated-boards.sh).</summary>
public class X64LevelTests
{
    [Fact]
    public void CpuidCheckAgreesWithTheRuntimesOwnDetection()
    {
        if (RuntimeInformation.ProcessArchitecture != Architecture.X64) return;
        // Under the JIT the IsSupported properties reflect the CPU (and the OS's YMM state).
        bool runtimeSaysV3 = Avx2.IsSupported && Fma.IsSupported && Bmi1.IsSupported && Bmi2.IsSupported && Lzcnt.IsSupported;
        string? missing = X64Level.MissingV3Features();
        Assert.True(runtimeSaysV3 == (missing is null), $"CPUID says missing=[{missing}], runtime says v3={runtimeSaysV3}");
    }

    [Fact]
    public void UnknownLevelIsAOneLineErrorWithExitCode2()
    {
        string? saved = Environment.GetEnvironmentVariable(X64Level.EnvVar);
        try
        {
            Environment.SetEnvironmentVariable(X64Level.EnvVar, "avx9");
            var err = new StringWriter();
            int? code = X64Level.SelectAtStart(["--version"], err);
            if (RuntimeInformation.ProcessArchitecture != Architecture.X64)
            {
                Assert.Null(code);
                return;
            }
            Assert.Equal(2, code);
            Assert.StartsWith("error: EDGEATTN_X64_LEVEL='avx9'", err.ToString());
            Assert.Single(err.ToString().TrimEnd('\n').Split('\n'));
        }
        finally
        {
            Environment.SetEnvironmentVariable(X64Level.EnvVar, saved);
        }
    }

    [Fact]
    public void DescribeNamesTheBuild()
    {
        string d = X64Level.Describe();
        if (RuntimeInformation.ProcessArchitecture != Architecture.X64)
            Assert.Equal("", d);
        else
            Assert.Matches(@"^(x86-64-v3|baseline) build \(.+\)$", d);
    }
}
