using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace EdgeAttention.Format;

/// <summary>
/// Atomic file output: write a temp file in the destination folder, flush it to disk, rename it over the
/// destination. On any failure the temp file is deleted and the destination is untouched, so a reader never
/// sees a partial file presented as complete. The temp file is named <c>.{name}.tmp-{pid}-{8 hex}</c>; a program
/// that may be interrupted calls <see cref="DeleteTempFilesOnSignals"/> once so SIGINT/SIGTERM remove the temp files
/// being written, and every <see cref="Write"/> first removes temp files of the same destination left by a process
/// that no longer runs (killed with SIGKILL, power loss).
/// </summary>
public static class AtomicFile
{
    private static readonly ConcurrentDictionary<string, byte> Active = new(StringComparer.Ordinal);
    private static readonly List<PosixSignalRegistration> Registrations = [];

    public static void Write(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        string full = Path.GetFullPath(path);
        string dir = Path.GetDirectoryName(full) ?? ".";
        string prefix = "." + Path.GetFileName(full) + ".tmp-";
        DeleteStaleTempFiles(dir, prefix);
        string temp = Path.Combine(dir, prefix + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..8]);
        Active[temp] = 0;
        try
        {
            using (var fs = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(fs);
                fs.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
        finally
        {
            Active.TryRemove(temp, out _);
        }
    }

    /// <summary>
    /// Makes SIGINT and SIGTERM delete the temp files being written before the process ends (the signals keep
    /// their default action: the process still terminates). For programs whose only response to those signals is
    /// to stop (the converter); idempotent.
    /// </summary>
    public static void DeleteTempFilesOnSignals()
    {
        lock (Registrations)
        {
            if (Registrations.Count > 0) return;
            foreach (PosixSignal s in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM })
                Registrations.Add(PosixSignalRegistration.Create(s, _ => DeleteActiveTempFiles()));
        }
    }

    /// <summary>Deletes every temp file a <see cref="Write"/> of this process is writing now (signal handlers).</summary>
    public static void DeleteActiveTempFiles()
    {
        foreach (string temp in Active.Keys) TryDelete(temp);
    }

    /// <summary>Deletes <c>{prefix}{pid}-…</c> files in <paramref name="dir"/> whose process is not running.</summary>
    private static void DeleteStaleTempFiles(string dir, string prefix)
    {
        string[] found;
        try
        {
            found = Directory.GetFiles(dir, prefix + "*");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return;
        }
        foreach (string file in found)
        {
            string rest = Path.GetFileName(file)[prefix.Length..];
            int dash = rest.IndexOf('-', StringComparison.Ordinal);
            if (dash <= 0 || !int.TryParse(rest.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out int pid)) continue;
            if (pid == Environment.ProcessId || IsRunning(pid)) continue;
            TryDelete(file);
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var p = Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException)
        {
            return false;   // no such process
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static void TryDelete(string file)
    {
        try { File.Delete(file); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
