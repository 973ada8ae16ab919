namespace EdgeAttention.Cli;

/// <summary>
/// A problem the user can fix. Its message is one line naming the problem and the fix; <see cref="CliProgram"/>
/// prints it as "error: ..." and exits with <see cref="ExitCode"/>.
/// </summary>
public class CliException : Exception
{
    public CliException(string message, int exitCode = ExitCodes.Usage)
        : base(message)
    {
        ExitCode = exitCode;
    }

    public CliException()
        : this("command-line error")
    {
    }

    public CliException(string message, Exception innerException)
        : base(message, innerException)
    {
        ExitCode = ExitCodes.Usage;
    }

    public int ExitCode { get; }
}
