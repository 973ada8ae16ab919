using System.Diagnostics;
using EdgeAttention.Format.Tests;

namespace EdgeAttention.Convert.Tests;

/// <summary>The converter killed with SIGTERM/SIGINT while writing leaves no hidden temp file beside the output.</summary>
public sealed class SignalCleanupTests
{
    [Theory]
    [InlineData("TERM")]
    [InlineData("INT")]
    public void ASignalDuringTheWrite_LeavesNoTempFile(string signal)
    {
        if (!OperatingSystem.IsLinux()) return;
        // ~40 MB of float32 weights: the write takes long enough to be interrupted.
        ConverterTests.Case k = ConverterTests.Write(TestModels.Small(d: 512, heads: 8, window: 16, layers: 4, ff: 2048, f: 64));
        string dll = Path.Combine(AppContext.BaseDirectory, "edge-attention-convert.dll");
        var psi = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string arg in new[] { "exec", dll, "--config", k.Config, "--weights", k.Weights, "--output", k.Output })
            psi.ArgumentList.Add(arg);
        using Process p = Process.Start(psi)!;
        string dir = Path.GetDirectoryName(k.Output)!;
        var sw = Stopwatch.StartNew();
        while (Directory.GetFiles(dir, ".model.eam.tmp-*").Length == 0 && !p.HasExited && sw.ElapsedMilliseconds < 20_000) Thread.Sleep(1);
        bool interrupted = !p.HasExited;
        if (interrupted) Process.Start("kill", [$"-{signal}", p.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();
        Assert.True(p.WaitForExit(20_000));
        Assert.Empty(Directory.GetFiles(dir, ".model.eam.tmp-*"));
        if (interrupted) Assert.NotEqual(0, p.ExitCode);
    }
}
