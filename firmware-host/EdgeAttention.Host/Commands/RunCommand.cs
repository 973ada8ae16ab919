using System.Diagnostics;
using System.Globalization;
using EdgeAttention.Cli;
using EdgeAttention.Format;
using EdgeAttention.Host.Cli;
using EdgeAttention.Host.Models;
using EdgeAttention.Model;

namespace EdgeAttention.Host.Commands;

/// <summary>
/// <c>edge-attention run --model m.eam --input frames.npy --output logits.npy [--execution continual|recompute]</c>
/// (models/README.md §5): streams every frame of [T, F] through one session and writes float32 logits
/// [T − n + 1, C], row j = logits at step t = n − 1 + j. The output is written atomically (temp + rename),
/// so a failed run never leaves a partial file in its place; it may not be the model or the input.
/// One summary line goes to stderr.
/// </summary>
internal static class RunCommand
{
    public static readonly Command Definition = new(
        "run",
        "run every frame of a .npy file through the model and write the logits of every ready step",
        [
            Option.RequiredValue("--model", "m.eam", "the model (.eam, from edge-attention-convert)"),
            Option.RequiredValue("--input", "frames.npy", "float32 frames [T, F], F = the model's input features; or a PCM16 WAV clip for a model with a front end"),
            Option.RequiredValue("--output", "logits.npy", "where to write float32 logits [T - n + 1, classes] (n = window)"),
            Option.Choice("--execution", "continual: one new token per step; recompute: the whole window every step (reference)", "continual", "continual", "recompute"),
            MemoryBudget.Option,
        ],
        Execute)
    {
        Notes = "The output is written atomically (temp file + rename) and must differ from --model and --input.",
    };

    private static int Execute(CommandLine a)
    {
        string model = a.Required("--model");
        string input = a.Required("--input");
        string output = a.Required("--output");
        var execution = a.String("--execution") == "recompute" ? Execution.Recompute : Execution.Continual;
        if (SamePath(output, model) || SamePath(output, input))
        {
            throw new HostException($"--output {output} would overwrite the {(SamePath(output, model) ? "model" : "input")} file; choose another output path", ExitCodes.Input);
        }

        long start = Stopwatch.GetTimestamp();
        using ModelFile file = ModelLoader.Open(model);
        MemoryBudget.Check(a, file.Config, execution);
        float[] frames = Audio.AudioInput.ReadFramesOrWav(file.Config, input, out int rows, out int cols);
        ModelConfig c = file.Config;
        if (cols != c.InputFeatures)
        {
            throw new HostException($"{input} has {cols} features per frame but the model expects {c.InputFeatures}; give frames of shape [T, {c.InputFeatures}]", ExitCodes.Input);
        }

        int bad = EdgeAttention.Kernels.Finite.IndexOfNonFinite(frames);
        if (bad >= 0)
        {
            throw new HostException($"{input} row {bad / cols} column {bad % cols} is {frames[bad]}; replace NaN/Inf frames before running", ExitCodes.Input);
        }

        using var session = new Session(file, execution);
        int n = c.Window, classes = c.Classes.Count;
        int outRows = Math.Max(0, rows - n + 1);
        var logits = new float[(long)outRows * classes];
        var discard = new float[classes]; // warm-up steps write nothing; keeps Step's span valid
        int written = 0;
        for (int t = 0; t < rows; t++)
        {
            ReadOnlySpan<float> frame = frames.AsSpan(t * cols, cols);
            Span<float> dst = written < outRows ? logits.AsSpan(written * classes, classes) : discard;
            StepStatus s = session.Step(frame, dst);
            if (s == StepStatus.Rejected)
            {
                throw new HostException($"{input} row {t} was rejected (its token is beyond ±{Session.MaxTokenMagnitude:G3}, so the logits would overflow); scale the input down or drop the row", ExitCodes.Input);
            }

            if (s == StepStatus.Ready)
            {
                written++;
            }
        }

        if (written != outRows)
        {
            throw new HostException($"internal: expected {outRows} logit rows, produced {written}", ExitCodes.Input);
        }

        if (outRows == 0)
        {
            a.Error.WriteLine($"note: {input} has {rows} frames, fewer than the window ({n}); writing an empty [0, {classes}] array");
        }

        try
        {
            Npy.Write(output, logits, outRows, classes);
        }
        catch (Exception e) when (IoErrors.IsIo(e))
        {
            throw new HostException(IoErrors.Describe(e, output, "write"), ExitCodes.Input);
        }

        double ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        a.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"wrote {output}: logits [{outRows}, {classes}] from {rows} frames ({execution.ToString().ToLowerInvariant()}, {ms:F0} ms)"));
        return ExitCodes.Ok;
    }

    private static bool SamePath(string a, string b) =>
        string.Equals(Path.GetFullPath(a), Path.GetFullPath(b), StringComparison.Ordinal);
}
