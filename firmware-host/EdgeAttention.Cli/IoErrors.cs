namespace EdgeAttention.Cli;

/// <summary>
/// One sentence for an I/O failure that names the user's path and the fix. The runtime's own texts are not
/// usable on the boards: the binaries are built with UseSystemResourceKeys, which leaves bare resource keys
/// ("IO_PathNotFound_Path, /dir/.x.npy.tmp-…") naming temp files the user never asked for.
/// </summary>
public static class IoErrors
{
    /// <summary>True for the exceptions <see cref="Describe"/> explains (file system and memory failures).</summary>
    public static bool IsIo(Exception e) =>
        e is IOException or UnauthorizedAccessException or OutOfMemoryException or NotSupportedException;

    /// <param name="e">the failure</param>
    /// <param name="path">the path the user gave</param>
    /// <param name="action">"read", "write" or "open"</param>
    public static string Describe(Exception e, string path, string action) => e switch
    {
        FileNotFoundException => $"{path} not found; check the path",
        DirectoryNotFoundException => action == "write"
            ? $"cannot write {path}: its folder does not exist; create it first"
            : $"{path} not found: a folder on its path does not exist",
        PathTooLongException => $"cannot {action} {path}: the path is too long",
        UnauthorizedAccessException => $"no permission to {action} {path}; check its owner and mode (or that it is not a folder)",
        OutOfMemoryException => $"out of memory to {action} {path}; use a smaller file",
        EndOfStreamException => $"{path} ended early; the file is truncated",
        NotSupportedException => $"cannot {action} {path}: not a file path",
        IOException io when IsDiskFull(io) => $"cannot {action} {path}: the disk is full",
        IOException => $"cannot {action} {path}: input/output error (is it a regular file on a working disk?)",
        _ => $"cannot {action} {path}",
    };

    // ENOSPC is 28 on Linux; .NET reports it in HResult's low bits for IOException from the Unix file layer.
    private static bool IsDiskFull(IOException e) => (e.HResult & 0xFFFF) == 28 || e.HResult == unchecked((int)0x80070070);
}
