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
    /// <summary>Rows of a .npy input read per block: 256 rows of 128 features are 128 KiB, well inside L2.</summary>
    private const int BlockRows = 256;

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
        // A WAV clip becomes one array of frames through the front end; a .npy file of frames is streamed in blocks of
        // BlockRows rows through one reused buffer (a long file is never held whole, and each block is read into memory
        // that is still in cache when its rows are stepped, instead of first touching a fresh array of the whole file).
        ModelConfig c = file.Config;
        bool wav = File.Exists(input) && Audio.AudioInput.IsWav(input);
        int rows = 0, cols = 0;
        float[] frames = wav ? Audio.AudioInput.Frames(c, input, out rows, out cols) : [];
        using NpyReader? reader = wav ? null : ModelLoader.OpenFrames(input);
        if (reader is not null)
        {
            rows = reader.Rows;
            cols = reader.Cols;
        }

        if (cols != c.InputFeatures)
        {
            throw new HostException($"{input} has {cols} features per frame but the model expects {c.InputFeatures}; give frames of shape [T, {c.InputFeatures}]", ExitCodes.Input);
        }

        using var session = new Session(file, execution);
        int n = c.Window, classes = c.Classes.Count;
        int outRows = Math.Max(0, rows - n + 1);
        var logits = new float[(long)outRows * classes];
        var discard = new float[classes]; // warm-up steps write nothing; keeps Step's span valid
        float[] block = reader is null ? frames : new float[Math.Min(rows, BlockRows) * cols];
        int written = 0;
        for (int first = 0; first < rows;)
        {
            int count = reader is null ? rows : ModelLoader.ReadRows(reader, input, block);
            if (count == 0)
            {
                throw new HostException($"{input} ended after {first} of {rows} rows; the file is truncated", ExitCodes.Input);
            }

            // Every value of the block is checked before its rows are stepped (the session rejects a non-finite frame
            // too, but this names the row and column).
            int bad = EdgeAttention.Kernels.Finite.IndexOfNonFinite(block.AsSpan(0, count * cols));
            if (bad >= 0)
            {
                throw new HostException($"{input} row {first + bad / cols} column {bad % cols} is {block[bad]}; replace NaN/Inf frames before running", ExitCodes.Input);
            }

            for (int r = 0; r < count; r++)
            {
                int t = first + r;
                ReadOnlySpan<float> frame = block.AsSpan(r * cols, cols);
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

            first += count;
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
