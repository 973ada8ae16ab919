using EdgeAttention.Cli;
using EdgeAttention.Format;
using EdgeAttention.Host.Cli;

namespace EdgeAttention.Host.Models;

/// <summary>Opens a model file for the commands, turning every failure into a one-line HostException (exit 1).</summary>
internal static class ModelLoader
{
    public static ModelFile Open(string path)
    {
        if (!File.Exists(path))
        {
            throw new HostException(
                Directory.Exists(path)
                    ? $"{path} is a folder; pass --model <path to a .eam file>"
                    : $"model file {path} not found; convert one with edge-attention-convert or pass --model <path to .eam>",
                ExitCodes.Input);
        }

        try
        {
            return ModelFile.Open(path);
        }
        catch (ModelFormatException e) when (e.InnerException is { } inner && IoErrors.IsIo(inner))
        {
            throw new HostException(IoErrors.Describe(inner, path, "read"), ExitCodes.Input);
        }
        catch (ModelFormatException e)
        {
            // The message already names the file.
            throw new HostException(CliProgram.OneLine(e.Message), ExitCodes.Input);
        }
        catch (Exception e) when (IoErrors.IsIo(e))
        {
            throw new HostException(IoErrors.Describe(e, path, "read"), ExitCodes.Input);
        }
    }

    /// <summary>Opens a [T, F] .npy file the user named for reading row blocks (<see cref="ReadRows"/>); every failure a one-line HostException (exit 1).</summary>
    public static NpyReader OpenFrames(string path) => FramesIo(path, () => NpyReader.Open(path));

    /// <summary>The next rows of an opened frames file (<see cref="NpyReader.ReadRows"/>); every failure a one-line HostException (exit 1).</summary>
    public static int ReadRows(NpyReader reader, string path, Span<float> destination)
    {
        try
        {
            return reader.ReadRows(destination);
        }
        catch (Exception e) when (FramesError(path, e) is { } error)
        {
            throw error;
        }
    }

    private static T FramesIo<T>(string path, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (FramesError(path, e) is { } error)
        {
            throw error;
        }
    }

    // The one-line error for a frames file that cannot be read, or null for an exception that is not about the file.
    private static HostException? FramesError(string path, Exception e) => e switch
    {
        ModelFormatException { InnerException: { } inner } when IoErrors.IsIo(inner) => new HostException(IoErrors.Describe(inner, path, "read"), ExitCodes.Input),
        ModelFormatException => new HostException(CliProgram.OneLine(e.Message), ExitCodes.Input),
        _ when IoErrors.IsIo(e) => new HostException(IoErrors.Describe(e, path, "read"), ExitCodes.Input),
        _ => null,
    };

    /// <summary>Reads a float32 [T, F] .npy file the user named; every failure a one-line HostException (exit 1).</summary>
    public static float[] ReadFrames(string path, out int rows, out int cols)
    {
        try
        {
            return Npy.Read(path, out rows, out cols);
        }
        catch (Exception e) when (FramesError(path, e) is { } error)
        {
            throw error;
        }
    }
}
