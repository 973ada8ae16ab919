using System.Diagnostics;
using EdgeAttention.Format;
using EdgeAttention.Host.Cli;
using EdgeAttention.Host.Commands;

namespace EdgeAttention.Host;

/// <summary>
/// `edge-attention`: the device program. Dispatches to the commands; every user-fixable problem ends as one line
/// "error: ..." on stderr and a non-zero exit code (2 usage, 1 model/input/mismatch, 3 device), never a stack trace.
/// </summary>
public static class Program
{
    public const string Version = "0.1.0";

    internal const string Usage =
        "edge-attention " + Version + " — continual transformer attention on edge boards\n" +
        "usage:\n" +
        "  edge-attention run --model m.eam --input frames.npy --output logits.npy [--execution continual|recompute]\n" +
        "  edge-attention stream --model m.eam --source SOURCE [--reply] [--alert-pin N --alert-class NAME --alert-threshold P] [--busy-pin N] [--max-frames N]\n" +
        "      SOURCE: " + SourceSpec.Forms + "\n" +
        "  edge-attention selftest [--model m.eam] [--json]\n" +
        "  edge-attention info [--model m.eam]\n" +
        "  edge-attention bench [--model m.eam | --preset gtzan|selftest] [--steps N] [--json]\n" +
        "  edge-attention generate --output m.eam [--preset selftest|gtzan] [--int8]   (a built-in model with random weights)\n" +
        "  edge-attention --help | --version\n" +
        "  '<command> --help' shows a command's options.";

    public static int Main(string[] args)
    {
        long startTicks = Stopwatch.GetTimestamp();
        if (Native.X64Level.SelectAtStart(args, Console.Error) is int exitCode) return exitCode;   // x64: may execv the v3 build
        return Run(args, startTicks, Console.Out, Console.Error);
    }

    internal static int Run(string[] args, long startTicks, TextWriter stdout, TextWriter stderr)
    {
        if (args.Length == 0)
        {
            stderr.WriteLine(Usage);
            return 2;
        }

        string[] rest = args[1..];
        try
        {
            switch (args[0])
            {
                case "-h" or "--help" or "help":
                    stdout.WriteLine(Usage);
                    return 0;
                case "--version" or "version":
                    stdout.WriteLine($"edge-attention {Version}");
                    return 0;
                case "run":
                    return RunCommand.Execute(rest);
                case "stream":
                    return StreamCommand.Execute(rest, startTicks);
                case "selftest":
                    return SelfTestCommand.Execute(rest, stdout, stderr);
                case "info":
                    return InfoCommand.Execute(rest, stdout);
                case "bench":
                    return BenchCommand.Execute(rest, stdout);
                case "generate":
                    return GenerateCommand.Execute(rest, stdout);
                default:
                    stderr.WriteLine($"error: unknown command '{args[0]}'; run 'edge-attention --help' for the commands");
                    return 2;
            }
        }
        catch (HostException e)
        {
            stderr.WriteLine($"error: {e.Message}");
            return e.ExitCode;
        }
        catch (ModelFormatException e)
        {
            stderr.WriteLine($"error: {e.Message}");
            return 1;
        }
        catch (Exception e)
        {
            // Last line of defence: still one line, never a stack trace on a board's console.
            stderr.WriteLine($"error: {e.GetType().Name}: {e.Message}");
            return 1;
        }
    }
}
