using EdgeAttention.Cli;
using EdgeAttention.Format;
using EdgeAttention.Host.Cli;
using EdgeAttention.Host.Models;
using EdgeAttention.Model;

namespace EdgeAttention.Host.Commands;

/// <summary>
/// <c>edge-attention generate --output m.eam [--preset selftest|gtzan] [--layers L] [--int8] [--seed N]</c>:
/// writes a built-in generated model (random weights from SyntheticModel, deterministic by seed) so the whole
/// pipeline — stream, sensors, pins — can be tried and measured on a board before a trained model exists.
/// Written atomically (AtomicFile: temp file + rename).
/// </summary>
internal static class GenerateCommand
{
    public static readonly Command Definition = new(
        "generate",
        "write a built-in model with random weights (deterministic by seed) to try the pipeline before a trained model exists",
        [
            Option.RequiredValue("--output", "m.eam", "the .eam file to write (atomically)"),
            Option.Choice("--preset", "selftest: small 2-layer model; gtzan: GTZAN-sized (F=128, d=192, n=120)", "selftest", "selftest", "gtzan"),
            Option.Value("--layers", "L", "layers of the gtzan preset", "1"),
            Option.Flag("--int8", "int8 weights"),
            Option.Value("--seed", "N", "seed of the random weights", "1"),
        ],
        Execute);

    private static int Execute(CommandLine a)
    {
        TextWriter stdout = a.Out;
        string output = a.Required("--output");
        int layers = a.Int("--layers", 1, 1, 64);
        ModelConfig config = a.String("--preset") == "gtzan"
            ? GeneratedModels.Gtzan(layers)
            : a.Has("--layers") ? throw new HostException("--layers applies to --preset gtzan only") : GeneratedModels.SelfTest();
        byte[] bytes = SyntheticModel.CreateBytes(config, a.Int("--seed", 1, 0, int.MaxValue), a.Has("--int8"));
        try
        {
            AtomicFile.Write(output, s => s.Write(bytes));
        }
        catch (Exception e) when (IoErrors.IsIo(e))
        {
            throw new HostException(IoErrors.Describe(e, output, "write"), ExitCodes.Input);
        }

        stdout.WriteLine($"wrote {output}: {config.Name}, F={config.InputFeatures} d={config.DModel} heads={config.Heads} n={config.Window} layers={config.Layers} classes={config.Classes.Count}, {bytes.Length} bytes");
        return ExitCodes.Ok;
    }
}
