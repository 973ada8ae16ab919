using EdgeAttention.Cli;

namespace EdgeAttention.Host.Cli;

/// <summary>
/// A problem the user can fix (bad arguments, missing device, no permission). Its message is one line that names
/// the problem and how to fix it; the program prints it as "error: ..." and exits with its exit code
/// (<see cref="ExitCodes"/>: 2 usage by default, 1 model/input, 3 device).
/// </summary>
internal sealed class HostException : CliException
{
    public HostException(string message, int exitCode = ExitCodes.Usage)
        : base(message, exitCode)
    {
    }
}
