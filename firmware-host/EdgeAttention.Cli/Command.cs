using System.Text;

namespace EdgeAttention.Cli;

/// <summary>
/// One command of a program, declared in one place: its name, a one-line summary, every option (with its
/// default), an optional operand and what it runs. Pattern (one file per command):
/// <code>
/// internal static class InfoCommand
/// {
///     public static readonly Command Definition = new(
///         "info", "version, CPU features, kernel variants and a model summary",
///         [Option.Value("--model", "m.eam", "model to describe", defaultText: "none"), Option.Flag("--json", "one JSON object")],
///         Execute);
///
///     private static int Execute(CommandLine a) { ... a.String("--model") ... a.Out.WriteLine(...); return ExitCodes.Ok; }
/// }
/// </code>
/// and <c>program.Add(InfoCommand.Definition)</c>. <c>--help</c> is added to every command.
/// </summary>
public sealed class Command
{
    public Command(string name, string summary, IReadOnlyList<Option> options, Func<CommandLine, int> run)
    {
        ArgumentNullException.ThrowIfNull(options);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var o in options)
        {
            if (!seen.Add(o.Name) || o.Name is "--help")
            {
                throw new ArgumentException($"option {o.Name} declared twice for '{name}'", nameof(options));
            }
        }

        Name = name;
        Summary = summary;
        Options = options;
        Run = run;
    }

    /// <summary>"run", "stream".</summary>
    public string Name { get; }

    /// <summary>One line: what the command does.</summary>
    public string Summary { get; }

    public IReadOnlyList<Option> Options { get; }

    public Func<CommandLine, int> Run { get; }

    /// <summary>Placeholder of the one operand the command takes (e.g. "model.eam"); null: none.</summary>
    public string? Operand { get; init; }

    /// <summary>What the operand is, for help.</summary>
    public string? OperandHelp { get; init; }

    /// <summary>Further help lines printed after the options (value forms, output format, examples).</summary>
    public string? Notes { get; init; }

    public Option? Find(string name)
    {
        foreach (var o in Options)
        {
            if (o.Name == name)
            {
                return o;
            }
        }

        return null;
    }

    /// <summary>"edge-attention bench [--model m.eam] ..." (without the command name for a program's default command).</summary>
    public string Synopsis(string program, bool isDefault = false)
    {
        var b = new StringBuilder(program);
        if (!isDefault)
        {
            b.Append(' ').Append(Name);
        }

        foreach (var o in Options)
        {
            if (o.Required)
            {
                b.Append(' ').Append(o.Synopsis());
            }
        }

        if (Operand is not null)
        {
            b.Append(' ').Append(Operand);
        }

        foreach (var o in Options)
        {
            if (!o.Required)
            {
                b.Append(' ').Append(o.Synopsis());
            }
        }

        return b.ToString();
    }

    /// <summary>The command's help: usage line, summary, every option with its default, notes.</summary>
    public void WriteHelp(TextWriter w, string program, bool isDefault = false)
    {
        ArgumentNullException.ThrowIfNull(w);
        w.WriteLine("usage: " + Synopsis(program, isDefault));
        w.WriteLine(Summary);
        var rows = new List<(string Left, string Right)>();
        if (Operand is not null)
        {
            rows.Add((Operand, OperandHelp ?? string.Empty));
        }

        foreach (var o in Options)
        {
            string left = o.IsFlag ? o.Name : $"{o.Name} {o.ValueName}";
            string right = o.Help;
            if (o.Required)
            {
                right += " (required)";
            }
            else if (o.DescribeDefault() is { } d)
            {
                right += $" (default: {d})";
            }

            rows.Add((left, right));
        }

        rows.Add(("--help", "print this help"));
        int width = 0;
        foreach (var r in rows)
        {
            width = Math.Max(width, r.Left.Length);
        }

        w.WriteLine();
        w.WriteLine(Operand is null ? "options:" : "arguments:");
        foreach (var r in rows)
        {
            w.WriteLine($"  {r.Left.PadRight(width)}  {r.Right}");
        }

        if (Notes is not null)
        {
            w.WriteLine();
            w.WriteLine(Notes);
        }
    }
}
