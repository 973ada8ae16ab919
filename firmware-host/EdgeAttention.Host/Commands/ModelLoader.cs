using EdgeAttention.Format;
using EdgeAttention.Host.Cli;

namespace EdgeAttention.Host.Commands;

/// <summary>Opens a model file for the commands, turning every failure into a one-line HostException.</summary>
internal static class ModelLoader
{
    public static ModelFile Open(string path)
    {
        if (!File.Exists(path))
        {
            throw new HostException($"model file {path} not found; convert one with edge-attention-convert or pass --model <path to .eam>", 1);
        }

        try
        {
            return ModelFile.Open(path);
        }
        catch (ModelFormatException e)
        {
            throw new HostException($"{path}: {e.Message}", 1);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new HostException($"cannot read {path}: {e.Message}", 1);
        }
    }
}
