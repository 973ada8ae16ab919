using System.Diagnostics;

namespace EdgeAttention.OnnxCompare;

/// <summary>Runs `edge-attention run --model M --input I --output O`: its wall time (start to exit) and CPU time (getrusage of the waited child).</summary>
internal static class ProgramRun
{
    public static (double Wall, double Cpu) Seconds(string binary, string model, string input, string output)
    {
        var psi = new ProcessStartInfo(binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in (string[])["run", "--model", model, "--input", input, "--output", output]) psi.ArgumentList.Add(a);
        double cpu0 = CpuTime.WaitedChildren();
        long t0 = Stopwatch.GetTimestamp();
        using Process p = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {binary}");
        Task<string> err = p.StandardError.ReadToEndAsync();
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        double seconds = Stopwatch.GetElapsedTime(t0).TotalSeconds;
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"{binary} run --model {model} exited {p.ExitCode}: {err.Result.Trim()}");
        return (seconds, CpuTime.WaitedChildren() - cpu0);
    }
}
