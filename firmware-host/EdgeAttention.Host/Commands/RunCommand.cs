using EdgeAttention.Format;
using EdgeAttention.Model;

namespace EdgeAttention.Host.Commands;

/// <summary>
/// <c>edge-attention run --model m.eam --input frames.npy --output logits.npy [--execution continual|recompute]</c>
/// (contract §5): streams every frame of [T, F] through one session and writes float32 logits
/// [T − n + 1, C], row j = logits at step t = n − 1 + j. The output is written atomically (temp + rename),
/// so a failed run never leaves a partial file in its place.
/// </summary>
public static class RunCommand
{
    public const string Usage =
        "usage: edge-attention run --model model.eam --input frames.npy --output logits.npy [--execution continual|recompute]";

    /// <summary>Runs with the process's stdout/stderr; returns the exit code (0 ok, 1 bad input/model, 2 usage).</summary>
    public static int Execute(string[] args) => Execute(args, Console.Out, Console.Error);

    /// <summary>Runs with explicit writers (tests); returns the exit code.</summary>
    public static int Execute(string[] args, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(args);
        string? model = null, input = null, output = null;
        Execution execution = Execution.Continual;
        for (int i = 0; i < args.Length; i++)
        {
            string a = args[i];
            if (a is "-h" or "--help") { stdout.WriteLine(Usage); return 0; }
            if (a is not ("--model" or "--input" or "--output" or "--execution"))
                return UsageError(stderr, $"unknown argument '{a}'");
            if (i + 1 >= args.Length) return UsageError(stderr, $"{a} needs a value");
            string v = args[++i];
            switch (a)
            {
                case "--model": model = v; break;
                case "--input": input = v; break;
                case "--output": output = v; break;
                default:
                    if (v == "continual") execution = Execution.Continual;
                    else if (v == "recompute") execution = Execution.Recompute;
                    else return UsageError(stderr, $"--execution must be 'continual' or 'recompute' (got '{v}')");
                    break;
            }
        }
        if (model is null) return UsageError(stderr, "--model is required");
        if (input is null) return UsageError(stderr, "--input is required");
        if (output is null) return UsageError(stderr, "--output is required");

        try
        {
            using ModelFile file = ModelFile.Open(model);
            float[] frames = Npy.Read(input, out int rows, out int cols);
            ModelConfig c = file.Config;
            if (cols != c.InputFeatures)
                return Fail(stderr, $"{input} has {cols} features per frame but the model expects {c.InputFeatures}; give frames of shape [T, {c.InputFeatures}]");
            int bad = EdgeAttention.Kernels.Finite.IndexOfNonFinite(frames);
            if (bad >= 0)
                return Fail(stderr, $"{input} row {bad / cols} column {bad % cols} is {frames[bad]}; replace NaN/Inf frames before running");

            using var session = new Session(file, execution);
            int n = c.Window, classes = c.Classes.Count;
            int outRows = Math.Max(0, rows - n + 1);
            var logits = new float[(long)outRows * classes];
            var sink = new float[classes];   // warm-up steps write nothing; keeps Step's span valid
            int written = 0;
            for (int t = 0; t < rows; t++)
            {
                ReadOnlySpan<float> frame = frames.AsSpan(t * cols, cols);
                Span<float> dst = written < outRows ? logits.AsSpan(written * classes, classes) : sink;
                StepStatus s = session.Step(frame, dst);
                if (s == StepStatus.Rejected)
                    return Fail(stderr, $"{input} row {t} was rejected (its token is not finite); scale the input down");
                if (s == StepStatus.Ready) written++;
            }
            if (written != outRows)
                return Fail(stderr, $"internal: expected {outRows} logit rows, produced {written}");
            if (outRows == 0)
                stderr.WriteLine($"note: {input} has {rows} frames, fewer than the window ({n}); writing an empty [0, {classes}] array");
            Npy.Write(output, logits, outRows, classes);
            return 0;
        }
        catch (ModelFormatException e) { return Fail(stderr, e.Message); }
        catch (ArgumentException e) { return Fail(stderr, e.Message); }   // e.g. attention options out of range
        catch (IOException e) { return Fail(stderr, e.Message); }
        catch (UnauthorizedAccessException e) { return Fail(stderr, e.Message); }
        catch (OutOfMemoryException) { return Fail(stderr, "out of memory loading the model or the frames; use smaller inputs"); }
    }

    private static int UsageError(TextWriter stderr, string message)
    {
        stderr.WriteLine($"error: {message}; {Usage}");
        return 2;
    }

    private static int Fail(TextWriter stderr, string message)
    {
        stderr.WriteLine($"error: {OneLine(message)}");
        return 1;
    }

    private static string OneLine(string s) => s.Replace('\r', ' ').Replace('\n', ' ');
}
