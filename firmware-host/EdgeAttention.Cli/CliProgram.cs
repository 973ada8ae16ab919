using System.Reflection;

namespace EdgeAttention.Cli;

/// <summary>
/// A program made of <see cref="Command"/>s. <see cref="Run"/> handles what every program shares:
/// <c>--help</c> (program or command), <c>--version</c>, finding the command, reading its arguments, and turning
/// a <see cref="CliException"/> into one "error: ..." line on stderr and its exit code. Other exceptions reach
/// the caller, which maps its own (model format, I/O) to one line too.
/// </summary>
public sealed class CliProgram
{
    private readonly List<Command> _commands = [];

    /// <param name="name">the binary's name ("edge-attention")</param>
    /// <param name="description">one line after the name in the program's help</param>
    /// <param name="assembly">the program's assembly: its informational version (version+commit) is printed</param>
    public CliProgram(string name, string description, Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        Name = name;
        Description = description;
        Version = VersionOf(assembly);
    }

    public string Name { get; }

    public string Description { get; }

    /// <summary>"0.1.0 (commit 1a2b3c4)", or "0.1.0" when the build knew no commit.</summary>
    public string Version { get; }

    /// <summary>Runs when the first argument is an option rather than a command name (the converter's convert).</summary>
    public Command? Default { get; set; }

    /// <summary>Lines printed at the end of the program's help (exit codes, notes).</summary>
    public string? Notes { get; init; }

    public IReadOnlyList<Command> Commands => _commands;

    public CliProgram Add(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (Find(command.Name) is not null)
        {
            throw new ArgumentException($"command '{command.Name}' added twice", nameof(command));
        }

        _commands.Add(command);
        return this;
    }

    public Command? Find(string name) => _commands.Find(c => c.Name == name);

    /// <summary>"edge-attention 0.1.0 (commit 1a2b3c4)".</summary>
    public string VersionLine => $"{Name} {Version}";

    /// <summary>Runs the command line; returns the exit code.</summary>
    public int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        if (args.Length == 0)
        {
            stderr.WriteLine("error: no arguments");
            WriteHelp(stderr);
            return ExitCodes.Usage;
        }

        Command? command = Find(args[0]);
        bool isDefault = false;
        string[] rest = args[1..];
        if (command is null)
        {
            switch (args[0])
            {
                case "--help" or "-h" or "help":
                    WriteHelp(stdout);
                    return ExitCodes.Ok;
                case "--version" or "version":
                    stdout.WriteLine(VersionLine);
                    return ExitCodes.Ok;
            }

            if (Default is not null)
            {
                command = Default;
                isDefault = true;
                rest = args;
            }
            else
            {
                stderr.WriteLine($"error: unknown command '{CommandLine.Clip(args[0])}'; see '{Name} --help' for the commands");
                return ExitCodes.Usage;
            }
        }

        if (CommandLine.WantsHelp(rest))
        {
            command.WriteHelp(stdout, Name, isDefault);
            return ExitCodes.Ok;
        }

        try
        {
            var line = CommandLine.Parse(Name, command, rest, stdout, stderr, isDefault);
            return command.Run(line);
        }
        catch (CliException e)
        {
            stderr.WriteLine("error: " + OneLine(e.Message));
            return e.ExitCode;
        }
    }

    /// <summary>The program's help: every command's usage line, then what each does.</summary>
    public void WriteHelp(TextWriter w)
    {
        ArgumentNullException.ThrowIfNull(w);
        w.WriteLine($"{VersionLine} — {Description}");
        var all = new List<(Command Command, bool IsDefault)>();
        if (Default is not null)
        {
            all.Add((Default, true));
        }

        foreach (var c in _commands)
        {
            all.Add((c, false));
        }

        string prefix = "usage: ";
        foreach (var (c, isDefault) in all)
        {
            w.WriteLine(prefix + c.Synopsis(Name, isDefault));
            prefix = "       ";
        }

        w.WriteLine($"{prefix}{Name} --help | --version");
        w.WriteLine();
        w.WriteLine("commands:");
        int width = 0;
        foreach (var (c, _) in all)
        {
            width = Math.Max(width, c.Name.Length);
        }

        foreach (var (c, isDefault) in all)
        {
            w.WriteLine($"  {c.Name.PadRight(width)}  {c.Summary}{(isDefault ? " (the default: runs when no command name is given)" : string.Empty)}");
        }

        w.WriteLine();
        w.WriteLine($"'{Name} <command> --help' explains every option of a command and its default.");
        if (Notes is not null)
        {
            w.WriteLine(Notes);
        }
    }

    /// <summary>A message as one line (exception texts may hold line breaks).</summary>
    public static string OneLine(string s)
    {
        ArgumentNullException.ThrowIfNull(s);
        return s.Replace("\r\n", " ", StringComparison.Ordinal).Replace('\r', ' ').Replace('\n', ' ');
    }

    // "0.1.0+<40 hex>" (the SDK appends the commit to the informational version) → "0.1.0 (commit 1a2b3c4)".
    private static string VersionOf(Assembly assembly)
    {
        string v = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? assembly.GetName().Version?.ToString(3) ?? "0.0.0";
        int plus = v.IndexOf('+', StringComparison.Ordinal);
        if (plus < 0)
        {
            return v;
        }

        string commit = v[(plus + 1)..];
        return $"{v[..plus]} (commit {(commit.Length > 7 ? commit[..7] : commit)})";
    }
}
