using EdgeAttention.Cli;
using EdgeAttention.Format;
using EdgeAttention.FrontEnd;
using EdgeAttention.Host.Cli;
using EdgeAttention.Host.Models;

namespace EdgeAttention.Host.Audio;

/// <summary>WAV inputs of `run`, `features` and `listen` (models/README.md §5, §6): checked, read and turned into frames.</summary>
internal static class AudioInput
{
    /// <summary>True when <paramref name="path"/> names a WAV file (by extension, or a RIFF header).</summary>
    public static bool IsWav(string path)
    {
        if (path.EndsWith(".wav", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".wave", StringComparison.OrdinalIgnoreCase)) return true;
        try
        {
            using var f = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            Span<byte> head = stackalloc byte[4];
            return f.Read(head) == 4 && head.SequenceEqual("RIFF"u8);
        }
        catch (Exception e) when (IoErrors.IsIo(e))
        {
            return false;
        }
    }

    /// <summary>The model's front end, or a one-line error (exit 1) for a model without one.</summary>
    public static FrontendConfig RequireFrontend(ModelConfig config, string input) =>
        config.Frontend ?? throw new HostException(
            $"{input} is audio but the model has no audio front end (no 'frontend' in its config); give frames [T, {config.InputFeatures}] as .npy, or convert a model.json with a frontend block (models/README.md §6)",
            ExitCodes.Input);

    /// <summary>Mono int16 samples of a WAV file at the front end's rate; every problem a one-line HostException (exit 1).</summary>
    public static short[] ReadSamples(FrontendConfig f, string path)
    {
        try
        {
            return Wav.ReadMono(path, f.SampleRate);
        }
        catch (ModelFormatException e)
        {
            throw new HostException(CliProgram.OneLine(e.Message), ExitCodes.Input);
        }
    }

    /// <summary>The frames [T, mels] of a WAV clip through the model's front end.</summary>
    public static float[] Frames(ModelConfig config, string path, out int rows, out int cols)
    {
        FrontendConfig f = RequireFrontend(config, path);
        short[] samples = ReadSamples(f, path);
        float[] frames = new LogMelFrontEnd(f).Compute(samples);
        cols = f.Mels;
        rows = frames.Length / cols;
        return frames;
    }

}
