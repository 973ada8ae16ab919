using EdgeAttention.Format;

namespace EdgeAttention.Convert;

/// <summary>
/// edge-attention-convert — contract §5:
///   edge-attention-convert --config model.json --weights model.safetensors --output model.eam [--quantize int8]
///   edge-attention-convert inspect model.eam
/// Exit codes: 0 success, 1 bad input (one-line "error: ..." on stderr, no output file left), 2 usage error.
/// </summary>
public static class Program
{
    public const int ExitOk = 0, ExitError = 1, ExitUsage = 2;

    public const string Usage =
        "usage: edge-attention-convert --config model.json --weights model.safetensors --output model.eam [--quantize int8]\n" +
        "       edge-attention-convert inspect model.eam\n" +
        "       edge-attention-convert compare --expected golden.npy --actual logits.npy [--min-agreement 0.95]\n" +
        "\n" +
        "Converts a model.json config and PyTorch safetensors weights (F32, F16, BF16 or F64) into the flat .eam file\n" +
        "the edge-attention runtime loads. --quantize int8 stores every Linear weight as per-output-channel symmetric\n" +
        "int8 and prints each weight's quantization error. 'inspect' prints the tensors, sizes and costs of a .eam file.\n" +
        "Exit codes: 0 success, 1 bad input, 2 usage error.";

    public static int Main(string[] args) => Run(args, Console.Out, Console.Error);

    /// <summary>The whole CLI with injectable output (used by tests).</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (args.Length == 0)
            return UsageError(stderr, "no arguments");
        if (args.Length == 1 && args[0] is "--help" or "-h" or "help")
        {
            stdout.WriteLine(Usage);
            return ExitOk;
        }
        if (Array.IndexOf(args, "--help") >= 0 || Array.IndexOf(args, "-h") >= 0)
        {
            stdout.WriteLine(Usage);
            return ExitOk;
        }
        try
        {
            if (args[0] == "compare")
                return Compare.Execute(args[1..], stdout, stderr);
            if (args[0] == "inspect")
            {
                if (args.Length != 2 || args[1].StartsWith("--", StringComparison.Ordinal))
                    return UsageError(stderr, "inspect takes exactly one .eam file");
                Inspect.Print(args[1], stdout);
                return ExitOk;
            }
            string? config = null, weights = null, output = null, quantize = null;
            for (int i = 0; i < args.Length; i++)
            {
                string a = args[i];
                string? inline = null;
                int eq = a.IndexOf('=');
                if (a.StartsWith("--", StringComparison.Ordinal) && eq > 0) { inline = a[(eq + 1)..]; a = a[..eq]; }
                if (a is not ("--config" or "--weights" or "--output" or "--quantize"))
                    return UsageError(stderr, $"unknown argument '{Clip(args[i])}'");
                string? value = inline;
                if (value is null)
                {
                    if (i + 1 >= args.Length) return UsageError(stderr, $"{a} needs a value");
                    value = args[++i];
                }
                if (value.Length == 0) return UsageError(stderr, $"{a} needs a non-empty value");
                switch (a)
                {
                    case "--config" when config is null: config = value; break;
                    case "--weights" when weights is null: weights = value; break;
                    case "--output" when output is null: output = value; break;
                    case "--quantize" when quantize is null: quantize = value; break;
                    default: return UsageError(stderr, $"{a} given twice");
                }
            }
            if (config is null) return UsageError(stderr, "--config is required");
            if (weights is null) return UsageError(stderr, "--weights is required");
            if (output is null) return UsageError(stderr, "--output is required");
            if (quantize is not null and not "int8") return UsageError(stderr, $"--quantize supports only 'int8' (got '{Clip(quantize)}')");
            ModelConverter.Convert(config, weights, output, quantize == "int8", stdout);
            return ExitOk;
        }
        catch (ModelFormatException e)
        {
            return Fail(stderr, e.Message);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Fail(stderr, e.Message);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Should not happen (every input problem is a ModelFormatException); still one line, never a stack trace.
            return Fail(stderr, $"unexpected {e.GetType().Name}: {e.Message}");
        }
    }

    private static int Fail(TextWriter stderr, string message)
    {
        stderr.WriteLine("error: " + ModelConfigText.OneLine(message));
        return ExitError;
    }

    private static int UsageError(TextWriter stderr, string problem)
    {
        stderr.WriteLine($"error: {problem}");
        stderr.WriteLine(Usage);
        return ExitUsage;
    }

    private static string Clip(string s) => ModelConfigText.OneLine(s.Length <= 60 ? s : s[..60] + "...");
}

internal static class ModelConfigText
{
    public static string OneLine(string s) => s.Replace('\r', ' ').Replace('\n', ' ');
}
