namespace EdgeAttention.Format;

/// <summary>
/// Pre-open checks on input paths. The size comes from stat (FileInfo), so a FIFO or character device
/// (size 0) is rejected as too short *before* it is opened — opening a FIFO for reading would block
/// until a writer appears, i.e. hang.
/// </summary>
public static class FileChecks
{
    /// <summary>Returns the file size, or throws a one-line error when the path is missing, a directory or smaller than <paramref name="minBytes"/>.</summary>
    public static long RequireFile(string path, long minBytes, string what)
    {
        FileInfo info;
        try
        {
            info = new FileInfo(path);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException or UnauthorizedAccessException or System.Security.SecurityException)
        {
            throw new ModelFormatException($"{path}: invalid path for the {what} ({ModelConfig.OneLine(e.Message)})", e);
        }
        if (Directory.Exists(path))
            throw new ModelFormatException($"{path}: is a directory; give the path of the {what}");
        if (!info.Exists)
            throw new ModelFormatException($"{path}: {what} not found; check the path");
        long length = info.Length;
        if (length < minBytes)
            throw new ModelFormatException($"{path}: {length} bytes is too short for a {what} (empty, truncated, or not a regular file)");
        return length;
    }
}
