using System.Diagnostics;
using EdgeAttention.Format;

namespace EdgeAttention.Format.Tests;

/// <summary>
/// Directories, devices and FIFOs given as input paths: a one-line error, never a hang (opening a FIFO blocks).
/// The converter's safetensors reader has the same test in EdgeAttention.Convert.Tests.
/// </summary>
public class NonRegularFileTests
{
    public static TheoryData<string> Readers() => new() { "eam", "config", "npy" };

    private static void ReadWith(string reader, string path)
    {
        switch (reader)
        {
            case "eam": ModelFile.Open(path).Dispose(); break;
            case "config": ModelConfig.Load(path); break;
            default: Npy.Read(path, out _, out _); break;
        }
    }

    private static string FailsQuickly(string reader, string path)
    {
        var task = Task.Run(() => Assert.Throws<ModelFormatException>(() => ReadWith(reader, path)).Message);
        Assert.True(task.Wait(TimeSpan.FromSeconds(20)), $"{reader} reader hung on {path}");
        string message = task.Result;
        Assert.DoesNotContain('\n', message);
        Assert.Contains(path, message);
        return message;
    }

    [Theory]
    [MemberData(nameof(Readers))]
    public void DirectoryMissingDeviceAndFifo(string reader)
    {
        string dir = TestModels.TempDir();
        Assert.Contains("is a directory", FailsQuickly(reader, dir));
        Assert.Contains("not found", FailsQuickly(reader, Path.Combine(dir, "none")));
        Assert.Contains("too short", FailsQuickly(reader, "/dev/null"));
        string fifo = Path.Combine(dir, "fifo");
        using (Process p = Process.Start(new ProcessStartInfo("mkfifo", fifo) { UseShellExecute = false })!) p.WaitForExit();
        Assert.True(File.Exists(fifo));
        Assert.Contains("not a regular file", FailsQuickly(reader, fifo));
    }
}
