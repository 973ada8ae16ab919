using System.Globalization;

namespace EdgeAttention.Cli;

/// <summary>
/// A command's arguments, checked against its declared options: <c>--key value</c>, <c>--key=value</c>,
/// <c>--flag</c>, and the operand if the command takes one. Unknown options, a missing or empty value, an option
/// given twice, a value outside a choice, a missing required option: each a <see cref="CliException"/> (exit 2)
/// naming the option and pointing at <c>--help</c>. Accessors return the given value, else the declared default.
/// </summary>
public sealed class CommandLine
{
    private readonly Dictionary<string, string?> _given = new(StringComparer.Ordinal);

    private CommandLine(string program, Command command, bool isDefault, TextWriter output, TextWriter error)
    {
        Program = program;
        Command = command;
        IsDefault = isDefault;
        Out = output;
        Error = error;
    }

    public string Program { get; }

    public Command Command { get; }

    /// <summary>True when the command runs without its name (the program's default command).</summary>
    public bool IsDefault { get; }

    /// <summary>Where the command writes its results (stdout).</summary>
    public TextWriter Out { get; }

    /// <summary>Where the command writes notes and summaries (stderr).</summary>
    public TextWriter Error { get; }

    /// <summary>The operand, when the command declares one.</summary>
    public string? Operand { get; private set; }

    /// <summary>"see 'edge-attention stream --help'".</summary>
    public string SeeHelp => IsDefault ? $"see '{Program} --help'" : $"see '{Program} {Command.Name} --help'";

    private string ForCommand => IsDefault ? string.Empty : $" for '{Command.Name}'";

    /// <summary>True when <c>--help</c> or <c>-h</c> is among the arguments.</summary>
    public static bool WantsHelp(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        foreach (var a in args)
        {
            if (a is "--help" or "-h")
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Reads <paramref name="args"/> (the arguments after the command name) for <paramref name="command"/>.</summary>
    /// <param name="isDefault">the command runs without its name (the program's default command)</param>
    public static CommandLine Parse(string program, Command command, IReadOnlyList<string> args, TextWriter output, TextWriter error, bool isDefault = false)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(args);
        var line = new CommandLine(program, command, isDefault, output, error);
        int operands = 0;
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            if (!IsOptionLike(arg))
            {
                operands++;
                if (command.Operand is null)
                {
                    throw line.Usage($"unknown argument '{Clip(arg)}'{line.ForCommand}");
                }

                line.Operand ??= arg;
                continue;
            }

            int eq = arg.IndexOf('=', StringComparison.Ordinal);
            string name = eq > 0 ? arg[..eq] : arg;
            Option option = command.Find(name) ?? throw line.Usage($"unknown argument '{Clip(name)}'{line.ForCommand}");
            string? value = null;
            if (option.IsFlag)
            {
                if (eq > 0)
                {
                    throw line.Usage($"{name} takes no value");
                }
            }
            else if (eq > 0)
            {
                value = arg[(eq + 1)..];
            }
            else
            {
                if (i + 1 >= args.Count || IsOptionLike(args[i + 1]))
                {
                    throw line.Usage($"{name} needs a value ({name} {option.ValueName})");
                }

                value = args[++i];
            }

            if (value is { Length: 0 })
            {
                throw line.Usage($"{name} needs a non-empty value");
            }

            if (!line._given.TryAdd(name, value))
            {
                throw line.Usage($"{name} given twice");
            }

            if (value is not null && option.Choices is { } choices && !Contains(choices, value))
            {
                throw line.Usage($"{name} {DescribeChoices(choices)} (got '{Clip(value)}')");
            }
        }

        if (command.Operand is not null && operands != 1)
        {
            throw line.Usage($"{command.Name} takes exactly one {command.Operand}");
        }

        foreach (var o in command.Options)
        {
            if (o.Required && !line._given.ContainsKey(o.Name))
            {
                throw line.Usage($"{o.Name} is required");
            }
        }

        return line;
    }

    /// <summary>True when the option was given on the command line (for flags: on).</summary>
    public bool Has(string option)
    {
        Declared(option);
        return _given.ContainsKey(option);
    }

    /// <summary>The given value, else the declared default, else null.</summary>
    public string? String(string option) =>
        _given.TryGetValue(option, out var v) ? v : Declared(option).Default;

    /// <summary>The given value of an option declared required (Parse already checked it is there).</summary>
    public string Required(string option) =>
        String(option) ?? throw Usage($"{option} is required");

    /// <summary>An integer option in [min, max], else <paramref name="fallback"/> when not given (same rule as <see cref="Long"/>).</summary>
    public int Int(string option, int fallback, int min, int max) => (int)Long(option, fallback, min, max);

    public long Long(string option, long fallback, long min, long max)
    {
        string? v = String(option);
        if (v is null)
        {
            return fallback;
        }

        if (!long.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out long n) || n < min || n > max)
        {
            throw Usage($"{option} must be an integer in {min}..{max} (got '{Clip(v)}')");
        }

        return n;
    }

    public double Double(string option, double fallback, double min, double max)
    {
        string? v = String(option);
        if (v is null)
        {
            return fallback;
        }

        if (!double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) || !(d >= min && d <= max))
        {
            var inv = CultureInfo.InvariantCulture;
            throw Usage($"{option} must be a number in {min.ToString(inv)}..{max.ToString(inv)} (got '{Clip(v)}')");
        }

        return d;
    }

    /// <summary>A usage error (exit 2) naming the problem and pointing at this command's help.</summary>
    public CliException Usage(string problem) => new($"{problem}; {SeeHelp}", ExitCodes.Usage);

    /// <summary>An argument as it may be quoted in a one-line message: at most 60 characters, no line breaks.</summary>
    public static string Clip(string s)
    {
        ArgumentNullException.ThrowIfNull(s);
        string t = s.Length <= 60 ? s : s[..60] + "...";
        return t.Replace('\r', ' ').Replace('\n', ' ');
    }

    private Option Declared(string option) =>
        Command.Find(option) ?? throw new ArgumentException($"'{Command.Name}' does not declare {option}", nameof(option));

    // "-" alone (stdin) and negative numbers are values, not options.
    private static bool IsOptionLike(string arg) => arg.Length > 2 && arg.StartsWith("--", StringComparison.Ordinal);

    private static bool Contains(IReadOnlyList<string> choices, string value)
    {
        foreach (var c in choices)
        {
            if (c == value)
            {
                return true;
            }
        }

        return false;
    }

    private static string DescribeChoices(IReadOnlyList<string> c) => c.Count switch
    {
        1 => $"supports only '{c[0]}'",
        2 => $"must be {c[0]} or {c[1]}",
        _ => $"must be one of {string.Join(", ", c)}",
    };
}
