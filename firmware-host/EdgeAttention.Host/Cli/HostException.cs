namespace EdgeAttention.Host.Cli;

/// <summary>
/// A problem the user can fix (bad arguments, missing device, no permission). Its message is one line that names
/// the problem and how to fix it; Program prints it as "error: ..." and exits with <see cref="ExitCode"/>.
/// </summary>
internal sealed class HostException : Exception
{
    public HostException(string message, int exitCode = 2)
        : base(message)
    {
        ExitCode = exitCode;
    }

    public int ExitCode { get; }
}
