using System.Globalization;
using System.Text;
using System.Text.Json;
using EdgeAttention.Cli;
using EdgeAttention.Format;
using EdgeAttention.Model;

namespace EdgeAttention.Convert;

/// <summary>
/// edge-attention-convert (models/README.md §5):
///   edge-attention-convert --config model.json --weights model.safetensors --output model.eam [--quantize int8] [--json]
///   edge-attention-convert inspect model.eam [--json]
///   edge-attention-convert compare --expected golden.npy --actual logits.npy [--min-agreement 0.95] [--json]
/// Arguments are read by the shared EdgeAttention.Cli reader (same conventions as edge-attention).
/// Exit codes: 0 success, 1 bad input (one-line "error: ..." on stderr, no output file left), 2 usage error.
/// </summary>
public static class Program
{
    public const int ExitOk = ExitCodes.Ok, ExitError = ExitCodes.Input, ExitUsage = ExitCodes.Usage;

    /// <summary>The default command: a config and weights in, a .eam out.</summary>
    internal static readonly Command ConvertCommand = new(
        "convert",
        "convert a model.json config and PyTorch safetensors weights (F32, F16, BF16 or F64) into the .eam file the runtime loads",
        [
            Option.RequiredValue("--config", "model.json", "the model config (models/README.md §1)"),
            Option.RequiredValue("--weights", "model.safetensors", "the trained weights"),
            Option.RequiredValue("--output", "model.eam", "the .eam file to write (atomically; never the config or weights)"),
            Option.Choice("--quantize", "store every Linear weight as per-output-channel symmetric int8 and report each weight's error", null, "int8"),
            Option.Flag("--json", "print the conversion report as one JSON object"),
        ],
        Convert)
    {
        Notes = "Without --quantize every tensor is stored as float32.",
    };

    internal static readonly Command InspectCommand = new(
        "inspect",
        "print the config, tensors, sizes, multiply-adds per step and arena bytes of a .eam file",
        [Option.Flag("--json", "print the description as one JSON object")],
        InspectModel)
    {
        Operand = "model.eam",
        OperandHelp = "the .eam file to describe",
    };

    internal static readonly Command CompareCommand = new(
        "compare",
        "compare logits written by 'edge-attention run' with reference logits (both [steps, classes])",
        [
            Option.RequiredValue("--expected", "golden.npy", "reference logits (e.g. from the PyTorch twin)"),
            Option.RequiredValue("--actual", "logits.npy", "logits to check"),
            Option.Value("--min-agreement", "SHARE", "pass when at least this share (0..1) of steps agree on the argmax, instead of the 2e-4 x max(1, max|expected|) tolerance (the int8 criterion)", defaultText: "off"),
            Option.Flag("--json", "print the comparison as one JSON object"),
        ],
        CompareLogits)
    {
        Notes = "Exit 0 when the logits match, 1 when they do not (or on bad input).",
    };

    internal static CliProgram Create()
    {
        var program = new CliProgram("edge-attention-convert", "model.json + safetensors -> .eam for the edge-attention runtime", typeof(Program).Assembly)
        {
            Default = ConvertCommand,
            Notes = "exit codes: 0 success, 1 bad input (or a compare mismatch), 2 usage error.",
        };
        return program.Add(InspectCommand).Add(CompareCommand);
    }

    public static int Main(string[] args)
    {
        AtomicFile.DeleteTempFilesOnSignals();   // Ctrl-C / kill during a conversion leaves no hidden temp file
        return Run(args, Console.Out, Console.Error);
    }

    /// <summary>The whole CLI with injectable output (used by tests).</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        try
        {
            return Create().Run(args, stdout, stderr);
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

    private static int Convert(CommandLine a)
    {
        bool json = a.Has("--json");
        string output = a.Required("--output");
        ConversionReport r;
        try
        {
            r = ModelConverter.Convert(a.Required("--config"), a.Required("--weights"), output, a.String("--quantize") == "int8", json ? TextWriter.Null : a.Out);
        }
        catch (Exception e) when (IoErrors.IsIo(e))
        {
            // Reading errors arrive as ModelFormatExceptions naming the file; a bare I/O error is the output's
            // (its text would name the temp file and, in the AOT build, be a bare resource key).
            throw new CliException(IoErrors.Describe(e, output, "write"), ExitCodes.Input);
        }

        if (json)
        {
            a.Out.WriteLine(Json(w =>
            {
                w.WriteString("output", r.OutputPath);
                w.WriteNumber("bytes", r.OutputBytes);
                w.WriteBoolean("int8", r.Quantized);
                w.WriteNumber("parameters", r.ParameterCount);
                w.WriteStartArray("tensors");
                foreach (ConvertedTensor t in r.Tensors)
                {
                    w.WriteStartObject();
                    w.WriteString("name", t.Name);
                    w.WriteString("dtype", t.DType == TensorDType.Int8 ? "int8" : "float32");
                    w.WriteString("source_dtype", t.SourceDType);
                    w.WriteStartArray("shape");
                    foreach (int s in t.Shape)
                    {
                        w.WriteNumberValue(s);
                    }

                    w.WriteEndArray();
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteStartArray("extras_ignored");
                foreach (string e in r.ExtrasIgnored)
                {
                    w.WriteStringValue(e);
                }

                w.WriteEndArray();
                w.WriteStartArray("quantization_errors");
                foreach (QuantizationError q in r.QuantizationErrors)
                {
                    w.WriteStartObject();
                    w.WriteString("name", q.Name);
                    w.WriteNumber("max_abs", q.MaxAbs);
                    w.WriteNumber("relative_rms", q.RelativeRms);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
            }));
        }

        return ExitOk;
    }

    private static int InspectModel(CommandLine a)
    {
        string path = a.Operand!;
        if (!a.Has("--json"))
        {
            Inspect.Print(path, a.Out);
            return ExitOk;
        }

        using ModelFile model = ModelFile.Open(path);
        ModelConfig c = model.Config;
        a.Out.WriteLine(Json(w =>
        {
            w.WriteString("file", path);
            w.WriteNumber("bytes", model.FileBytes);
            w.WriteString("crc32c", string.Create(CultureInfo.InvariantCulture, $"0x{model.Checksum:X8}"));
            w.WriteString("name", c.Name);
            w.WriteNumber("input_features", c.InputFeatures);
            w.WriteNumber("d_model", c.DModel);
            w.WriteNumber("heads", c.Heads);
            w.WriteNumber("window", c.Window);
            w.WriteNumber("layers", c.Layers);
            w.WriteNumber("ff_dim", c.FfDim);
            w.WriteString("attention", c.Attention.ToString());
            w.WriteNumber("landmarks", c.Landmarks);
            w.WriteStartArray("classes");
            foreach (string name in c.Classes)
            {
                w.WriteStringValue(name);
            }

            w.WriteEndArray();
            w.WriteNumber("parameters", model.ParameterCount);
            w.WriteStartArray("tensors");
            foreach (TensorInfo t in model.Tensors)
            {
                w.WriteStartObject();
                w.WriteString("name", t.Name);
                w.WriteString("dtype", t.DType == TensorDType.Int8 ? "int8" : "float32");
                w.WriteStartArray("shape");
                foreach (int d in t.Shape)
                {
                    w.WriteNumberValue(d);
                }

                w.WriteEndArray();
                w.WriteNumber("parameters", t.ElementCount);
                w.WriteNumber("bytes", t.StoredBytes);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartObject("multiply_adds_per_step");
            w.WriteNumber("continual", ModelCost.Total(c, Execution.Continual));
            w.WriteNumber("recompute", ModelCost.Total(c, Execution.Recompute));
            w.WriteEndObject();
            w.WriteStartObject("arena_bytes");
            w.WriteNumber("continual", Session.EstimateArenaBytes(c, Execution.Continual));
            w.WriteNumber("recompute", Session.EstimateArenaBytes(c, Execution.Recompute));
            w.WriteEndObject();
            w.WriteStartObject("session_bytes");   // arena + attention state + front end: what the device checks at load
            w.WriteNumber("continual", SessionMemory.Total(c, Execution.Continual));
            w.WriteNumber("recompute", SessionMemory.Total(c, Execution.Recompute));
            w.WriteEndObject();
        }));
        return ExitOk;
    }

    private static int CompareLogits(CommandLine a)
    {
        double? minAgreement = a.Has("--min-agreement") ? a.Double("--min-agreement", 0, 0, 1) : null;
        Compare.Result r = Compare.Run(a.Required("--expected"), a.Required("--actual"));
        bool ok = minAgreement is double min ? r.ArgmaxAgreement >= min : r.MaxAbsError <= r.Tolerance;
        if (a.Has("--json"))
        {
            a.Out.WriteLine(Json(w =>
            {
                w.WriteBoolean("match", ok);
                w.WriteNumber("steps", r.Steps);
                w.WriteNumber("classes", r.Classes);
                if (double.IsFinite(r.MaxAbsError))
                {
                    w.WriteNumber("max_abs_diff", r.MaxAbsError);
                }
                else
                {
                    w.WriteNull("max_abs_diff");
                }

                w.WriteNumber("tolerance", r.Tolerance);
                w.WriteNumber("argmax_agreement", r.ArgmaxAgreement);
                if (minAgreement is double m)
                {
                    w.WriteNumber("min_agreement", m);
                }
            }));
        }
        else
        {
            a.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{(ok ? "match" : "MISMATCH")}: {r.Steps} steps x {r.Classes} classes, max |diff| {r.MaxAbsError:0.###e+0} (tolerance {r.Tolerance:0.###e+0}), argmax agreement {100 * r.ArgmaxAgreement:0.0}%"));
        }

        return ok ? ExitOk : ExitError;
    }

    /// <summary>One JSON object written by <paramref name="body"/> (Utf8JsonWriter: no reflection, AOT-safe).</summary>
    private static string Json(Action<Utf8JsonWriter> body)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static int Fail(TextWriter stderr, string message)
    {
        stderr.WriteLine("error: " + ModelConfigText.OneLine(message));
        return ExitError;
    }
}

internal static class ModelConfigText
{
    public static string OneLine(string s) => s.Replace('\r', ' ').Replace('\n', ' ');
}
