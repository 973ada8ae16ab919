using System.Diagnostics;
using EdgeAttention.Cli;
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
    /// <summary>The program's version: the project's Version property (major = the .eam format version, Directory.Build.props).</summary>
    public static string Version { get; } = typeof(Program).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    public static int Main(string[] args)
    {
        long startTicks = Stopwatch.GetTimestamp();
        if (Platform.X64Level.SelectAtStart(args, Console.Error) is int exitCode) return exitCode;   // x64: may execv the v3 build
        return Run(args, startTicks, Console.Out, Console.Error);
    }

    /// <summary>The program and its commands (one file each under Commands/).</summary>
    internal static CliProgram Create(long startTicks) =>
        new CliProgram("edge-attention", "continual transformer attention on edge boards", typeof(Program).Assembly)
        {
            Notes = "exit codes: 0 ok, 1 model or input (or a selftest mismatch), 2 usage, 3 device.",
        }
            .Add(RunCommand.Definition)
            .Add(StreamCommand.Create(startTicks))
            .Add(SelfTestCommand.Definition)
            .Add(InfoCommand.Definition)
            .Add(BenchCommand.Definition)
            .Add(GenerateCommand.Definition)
            .Add(FeaturesCommand.Definition)
            .Add(ListenCommand.Create());

    internal static int Run(string[] args, long startTicks, TextWriter stdout, TextWriter stderr)
    {
        try
        {
            return Create(startTicks).Run(args, stdout, stderr);
        }
        catch (ModelFormatException e)
        {
            stderr.WriteLine($"error: {CliProgram.OneLine(e.Message)}");
            return ExitCodes.Input;
        }
        catch (Exception e)
        {
            // Last line of defence: still one line, never a stack trace on a board's console.
            stderr.WriteLine($"error: {e.GetType().Name}: {CliProgram.OneLine(e.Message)}");
            return ExitCodes.Input;
        }
    }
}
