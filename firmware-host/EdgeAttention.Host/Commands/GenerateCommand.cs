using EdgeAttention.Format;
using EdgeAttention.Host.Cli;
using EdgeAttention.Model;

namespace EdgeAttention.Host.Commands;

/// <summary>
/// <c>edge-attention generate --output m.eam [--preset selftest|gtzan] [--layers L] [--int8] [--seed N]</c>:
/// writes a built-in generated model (random weights from SyntheticModel, deterministic by seed) so the whole
/// pipeline — stream, sensors, pins — can be tried and measured on a board before a trained model exists.
/// Written atomically (temp file + rename).
/// </summary>
internal static class GenerateCommand
{
    public const string Usage = "usage: edge-attention generate --output m.eam [--preset selftest|gtzan] [--layers L] [--int8] [--seed N]";

    public static int Execute(string[] args, TextWriter stdout)
    {
        if (ArgReader.WantsHelp(args))
        {
            stdout.WriteLine(Usage);
            return 0;
        }

        var a = new ArgReader("generate", args, ["--output", "--preset", "--layers", "--seed"], ["--int8"]);
        string output = a.Required("--output", "pass --output <path of the .eam to write>");
        int layers = a.Int("--layers", 1, 1, 64);
        ModelConfig config = a.String("--preset") switch
        {
            null or "selftest" => a.Has("--layers") ? throw new HostException("--layers applies to --preset gtzan only") : GeneratedModels.SelfTest(),
            "gtzan" => GeneratedModels.Gtzan(layers),
            var p => throw new HostException($"--preset must be gtzan or selftest (got '{p}')"),
        };
        byte[] bytes = SyntheticModel.CreateBytes(config, a.Int("--seed", 1, 0, int.MaxValue), a.Has("--int8"));
        string full = Path.GetFullPath(output);
        string? dir = Path.GetDirectoryName(full);
        if (dir is null || !Directory.Exists(dir))
        {
            throw new HostException($"folder of {output} does not exist; create it first");
        }

        string temp = full + ".tmp";
        File.WriteAllBytes(temp, bytes);
        File.Move(temp, full, overwrite: true);
        stdout.WriteLine($"wrote {output}: {config.Name}, F={config.InputFeatures} d={config.DModel} heads={config.Heads} n={config.Window} layers={config.Layers} classes={config.Classes.Count}, {bytes.Length} bytes");
        return 0;
    }
}
