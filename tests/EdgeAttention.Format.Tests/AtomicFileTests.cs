using System.Diagnostics;
using EdgeAttention.Format;

namespace EdgeAttention.Format.Tests;

/// <summary>AtomicFile: temp files removed on failure, on the signal path, and left-overs of dead processes cleaned.</summary>
public sealed class AtomicFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ea-atomic-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string[] Temps() => Directory.GetFiles(_dir, ".out.eam.tmp-*");

    [Fact]
    public void DeletingActiveTempFiles_RemovesTheFileBeingWritten_AndTheDestinationIsUntouched()
    {
        string dest = Path.Combine(_dir, "out.eam");
        File.WriteAllText(dest, "old");
        Assert.ThrowsAny<IOException>(() => AtomicFile.Write(dest, s =>
        {
            s.Write(new byte[1 << 16]);
            Assert.Single(Temps());
            AtomicFile.DeleteActiveTempFiles();   // what the SIGINT/SIGTERM handler does
            Assert.Empty(Temps());
        }));
        Assert.Empty(Temps());
        Assert.Equal("old", File.ReadAllText(dest));
    }

    [Fact]
    public void TempFilesOfDeadProcesses_AreCleaned_OnTheNextWrite_OthersAreKept()
    {
        int deadPid;
        using (var p = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!)
        {
            p.WaitForExit();
            deadPid = p.Id;
        }
        string stale = Path.Combine(_dir, $".out.eam.tmp-{deadPid}-0123abcd");
        string live = Path.Combine(_dir, ".out.eam.tmp-1-0123abcd");              // pid 1 always runs
        string other = Path.Combine(_dir, $".other.eam.tmp-{deadPid}-0123abcd");  // another destination's
        foreach (string f in new[] { stale, live, other }) File.WriteAllBytes(f, new byte[100]);

        AtomicFile.Write(Path.Combine(_dir, "out.eam"), s => s.WriteByte(1));

        Assert.False(File.Exists(stale));
        Assert.True(File.Exists(live));
        Assert.True(File.Exists(other));
        Assert.Equal([1], File.ReadAllBytes(Path.Combine(_dir, "out.eam")));
    }

    [Fact]
    public void RegisteringTheSignalHandlers_IsIdempotent()
    {
        AtomicFile.DeleteTempFilesOnSignals();
        AtomicFile.DeleteTempFilesOnSignals();
    }
}
