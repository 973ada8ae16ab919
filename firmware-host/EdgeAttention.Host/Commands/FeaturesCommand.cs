using System.Diagnostics;
using System.Globalization;
using EdgeAttention.Cli;
using EdgeAttention.Format;
using EdgeAttention.Host.Audio;
using EdgeAttention.Host.Cli;
using EdgeAttention.Host.Models;

namespace EdgeAttention.Host.Commands;

/// <summary>
/// <c>edge-attention features --model m.eam --input clip.wav --output frames.npy</c> (models/README.md §5, §6): the
/// model's front end on a PCM16 WAV clip, written as float32 [T, mels] with T = ⌊(S − W)/H⌋ + 1 (0 rows when S &lt; W),
/// the exact frames `run --input clip.wav` feeds the model. Written atomically.
/// </summary>
internal static class FeaturesCommand
{
    public static readonly Command Definition = new(
        "features",
        "compute the model's log-mel frames of a WAV clip (its audio front end) and write them as .npy",
        [
            Option.RequiredValue("--model", "m.eam", "a model with an audio front end (frontend in its config)"),
            Option.RequiredValue("--input", "clip.wav", "PCM 16-bit WAV at the front end's sample rate (stereo is mixed down)"),
            Option.RequiredValue("--output", "frames.npy", "where to write float32 frames [T, mels]"),
            MemoryBudget.Option,
        ],
        Execute)
    {
        Notes = "Other sample rates: resample first, e.g. sox in.wav -r 16000 -c 1 -b 16 out.wav (the error names the model's rate).",
    };

    private static int Execute(CommandLine a)
    {
        string model = a.Required("--model");
        string input = a.Required("--input");
        string output = a.Required("--output");
        if (SamePath(output, model) || SamePath(output, input))
        {
            throw new HostException($"--output {output} is the {(SamePath(output, model) ? "model" : "input")} file; write the frames to another path");
        }

        long start = Stopwatch.GetTimestamp();
        using ModelFile file = ModelLoader.Open(model);
        MemoryBudget.Check(a, file.Config);
        if (!File.Exists(input))
        {
            throw new HostException($"WAV file {input} not found; pass --input <path to a PCM16 WAV>", ExitCodes.Input);
        }

        float[] frames = AudioInput.Frames(file.Config, input, out int rows, out int cols);
        try
        {
            Npy.Write(output, frames, rows, cols);
        }
        catch (Exception e) when (IoErrors.IsIo(e))
        {
            throw new HostException(IoErrors.Describe(e, output, "write"), ExitCodes.Input);
        }

        double ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        a.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wrote {output}: frames [{rows}, {cols}] ({file.Config.Frontend}, {ms:F0} ms)"));
        return ExitCodes.Ok;
    }

    private static bool SamePath(string a, string b) =>
        string.Equals(Path.GetFullPath(a), Path.GetFullPath(b), StringComparison.Ordinal);
}
