namespace EdgeAttention.Cli;

/// <summary>
/// One option of a command, declared once: its name, what it takes, what it does and its default. The reader
/// checks arguments against it and the help text is written from it.
/// </summary>
public sealed class Option
{
    private Option(string name, string? valueName, string help, string? defaultValue, string? defaultText, bool required, string[]? choices)
    {
        if (!name.StartsWith("--", StringComparison.Ordinal) || name.Length < 3 || name.Contains('=', StringComparison.Ordinal))
        {
            throw new ArgumentException($"option name '{name}' must look like --name", nameof(name));
        }

        Name = name;
        ValueName = valueName;
        Help = help;
        Default = defaultValue;
        DefaultText = defaultText;
        Required = required;
        Choices = choices;
    }

    /// <summary>"--model".</summary>
    public string Name { get; }

    /// <summary>Placeholder of the value in help ("m.eam", "N"); null for a flag.</summary>
    public string? ValueName { get; }

    public bool IsFlag => ValueName is null;

    /// <summary>One line saying what the option does.</summary>
    public string Help { get; }

    /// <summary>The value used when the option is not given (parsed like a given value); null: none.</summary>
    public string? Default { get; }

    /// <summary>How help describes the default when it is not a plain value ("off", "every frame").</summary>
    public string? DefaultText { get; }

    public bool Required { get; }

    /// <summary>The only values accepted, when the option is a choice.</summary>
    public IReadOnlyList<string>? Choices { get; }

    /// <summary>An option that takes a value: <c>--name value</c> or <c>--name=value</c>.</summary>
    /// <param name="defaultValue">used when the option is not given; shown in help</param>
    /// <param name="defaultText">shown in help instead of a plain default ("off", "the model's")</param>
    public static Option Value(string name, string valueName, string help, string? defaultValue = null, string? defaultText = null) =>
        new(name, valueName, help, defaultValue, defaultText, required: false, choices: null);

    /// <summary>An option that must be given.</summary>
    public static Option RequiredValue(string name, string valueName, string help) =>
        new(name, valueName, help, null, null, required: true, choices: null);

    /// <summary>An option whose value is one of <paramref name="choices"/>; help lists them.</summary>
    public static Option Choice(string name, string help, string? defaultValue, params string[] choices) =>
        new(name, string.Join('|', choices), help, defaultValue, null, required: false, choices: choices);

    /// <summary>An option without a value (off unless given).</summary>
    public static Option Flag(string name, string help) =>
        new(name, null, help, null, null, required: false, choices: null);

    /// <summary>"--model m.eam", "[--json]" as it appears in a usage line.</summary>
    internal string Synopsis()
    {
        string text = IsFlag ? Name : $"{Name} {ValueName}";
        return Required ? text : $"[{text}]";
    }

    internal string? DescribeDefault() =>
        Default is not null ? Default : DefaultText;
}
