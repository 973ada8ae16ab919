using System.Diagnostics;
using EdgeAttention.Host.Tests.Native;

namespace EdgeAttention.Host.Tests;

/// <summary>
/// The real program in a child process (`dotnet edge-attention.dll stream --source stdin`): SIGINT with idle stdin
/// and a stdout whose reader went away (EPIPE). Bounds are generous (a loaded 2-core machine); the old behaviour
/// took 4 s and more, or ran until its input ended.
/// </summary>
public class SignalProcessTests
{
    [Fact]
    public async Task Sigint_WithIdleStdin_EndsTheProgramPromptly_WithTheSummary()
    {
        using var m = new TestModel(window: 4);
        using var p = Start(m);
        byte[] frames = Bytes(m.Frames(4));
        p.StandardInput.BaseStream.Write(frames);
        p.StandardInput.BaseStream.Flush(); // then stdin stays open and idle
        var stderr = p.StandardError.ReadToEndAsync();
        Assert.NotNull(await p.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60))); // running, handlers registered
        var sw = Stopwatch.StartNew();
        Assert.Equal(0, LibC.kill(p.Id, LibC.SIGINT));
        bool exited = p.WaitForExit(10_000);
        long ms = sw.ElapsedMilliseconds;
        if (!exited)
        {
            p.Kill();
        }

        Assert.True(exited && ms < 3_000, $"exit took {ms} ms after SIGINT");
        Assert.Equal(0, p.ExitCode);
        Assert.Contains("\"summary\"", await stderr.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task ClosedStdoutPipe_EndsTheProgram_AndTheSummarySaysSo()
    {
        using var m = new TestModel(window: 4);
        using var p = Start(m);
        byte[] frames = Bytes(m.Frames(64));
        var feed = new Thread(() =>
        {
            try
            {
                while (true)
                {
                    p.StandardInput.BaseStream.Write(frames); // a sensor that never stops
                }
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
            {
                // the program ended
            }
        })
        { IsBackground = true };
        feed.Start();
        var stderr = p.StandardError.ReadToEndAsync();
        Assert.NotNull(await p.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60)));
        p.StandardOutput.Close(); // `| head -1`: the reader goes away
        bool exited = p.WaitForExit(15_000);
        if (!exited)
        {
            p.Kill();
        }

        Assert.True(exited, "the program kept running with nobody reading stdout");
        Assert.Contains("\"stdout\":\"closed\"", await stderr.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    private static Process Start(TestModel m)
    {
        string dotnet = Environment.ProcessPath is string host && Path.GetFileNameWithoutExtension(host) == "dotnet" ? host : "dotnet";
        var psi = new ProcessStartInfo(dotnet)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in new[] { Path.Combine(AppContext.BaseDirectory, "edge-attention.dll"), "stream", "--model", m.Path, "--source", "stdin,features=3" })
        {
            psi.ArgumentList.Add(arg);
        }

        return Process.Start(psi)!;
    }

    private static byte[] Bytes(float[] values)
    {
        var bytes = new byte[values.Length * 4];
        Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
        return bytes;
    }
}
