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

    /// <summary>Reads a float32 [T, F] .npy file the user named; every failure a one-line HostException (exit 1).</summary>
    public static float[] ReadFrames(string path, out int rows, out int cols)
    {
        try
        {
            return Npy.Read(path, out rows, out cols);
        }
        catch (ModelFormatException e) when (e.InnerException is { } inner && IoErrors.IsIo(inner))
        {
            throw new HostException(IoErrors.Describe(inner, path, "read"), ExitCodes.Input);
        }
        catch (ModelFormatException e)
        {
            throw new HostException(CliProgram.OneLine(e.Message), ExitCodes.Input);
        }
        catch (Exception e) when (IoErrors.IsIo(e))
        {
            throw new HostException(IoErrors.Describe(e, path, "read"), ExitCodes.Input);
        }
    }
}
