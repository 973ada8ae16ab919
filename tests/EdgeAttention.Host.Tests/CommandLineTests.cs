using EdgeAttention.Cli;

namespace EdgeAttention.Host.Tests;

/// <summary>The shared argument reader (EdgeAttention.Cli) on its own: forms, errors, defaults, help.</summary>
public class CommandLineTests
{
    private static readonly Command Demo = new(
        "demo",
        "a command for the reader's tests",
        [
            Option.RequiredValue("--input", "PATH", "input file"),
            Option.Value("--count", "N", "how many", "3"),
            Option.Value("--offset", "X", "a signed number", defaultText: "none"),
            Option.Choice("--mode", "fast or exact", "exact", "fast", "exact"),
            Option.Flag("--json", "JSON output"),
        ],
        _ => 0);

    private static CommandLine Parse(params string[] args) => CommandLine.Parse("prog", Demo, args, TextWriter.Null, TextWriter.Null);

    private static string Error(params string[] args) => Assert.Throws<CliException>(() => Parse(args)).Message;

    [Fact]
    public void BothValueForms_Flags_AndDefaults()
    {
        var a = Parse("--input", "a.npy", "--count=7", "--json");
        Assert.Equal("a.npy", a.Required("--input"));
        Assert.Equal(7, a.Int("--count", 0, 0, 10));
        Assert.True(a.Has("--json"));
        Assert.Equal("exact", a.String("--mode"));
        Assert.False(a.Has("--mode"));
        Assert.Null(a.String("--offset"));

        var b = Parse("--input=-", "--offset", "-3", "--mode", "fast");
        Assert.Equal("-", b.Required("--input"));
        Assert.Equal(-3, b.Int("--offset", 0, -10, 10));
        Assert.Equal(3, b.Int("--count", 0, 0, 10));
        Assert.Equal("fast", b.String("--mode"));
        Assert.Equal("a=b", Parse("--input=a=b").Required("--input"));
    }

    [Theory]
    [InlineData("unknown argument '--bogus' for 'demo'; see 'prog demo --help'", "--input", "a", "--bogus")]
    [InlineData("unknown argument 'stray' for 'demo'", "--input", "a", "stray")]
    [InlineData("--input is required; see 'prog demo --help'", "--json")]
    [InlineData("--input needs a value (--input PATH)", "--input")]
    [InlineData("--input needs a value", "--input", "--json")]
    [InlineData("--input needs a non-empty value", "--input=")]
    [InlineData("--input given twice", "--input", "a", "--input=b")]
    [InlineData("--json takes no value", "--input", "a", "--json=1")]
    [InlineData("--mode must be fast or exact (got 'slow')", "--input", "a", "--mode", "slow")]
    public void Errors_NameTheOption_AndPointAtHelp(string expected, params string[] args)
    {
        string message = Error(args);
        Assert.Contains(expected, message);
        Assert.EndsWith("see 'prog demo --help'", message);
    }

    [Fact]
    public void NumbersOutOfRange_AreUsageErrors()
    {
        var a = Parse("--input", "a", "--count", "11");
        var e = Assert.Throws<CliException>(() => a.Int("--count", 0, 0, 10));
        Assert.Equal(ExitCodes.Usage, e.ExitCode);
        Assert.StartsWith("--count must be an integer in 0..10 (got '11')", e.Message);
        Assert.Throws<ArgumentException>(() => a.Has("--undeclared"));
    }

    [Fact]
    public void Help_ListsEveryOptionWithItsDefault()
    {
        var w = new StringWriter();
        Demo.WriteHelp(w, "prog");
        string help = w.ToString();
        Assert.StartsWith("usage: prog demo --input PATH [--count N] [--offset X] [--mode fast|exact] [--json]\n", help);
        Assert.Contains("--count N", help);
        Assert.Contains("how many (default: 3)", help);
        Assert.Contains("a signed number (default: none)", help);
        Assert.Contains("fast or exact (default: exact)", help);
        Assert.Contains("input file (required)", help);
        Assert.Contains("--help", help);
    }

    [Fact]
    public void Program_HelpVersionAndUnknownCommand()
    {
        var program = new CliProgram("prog", "test program", typeof(CommandLineTests).Assembly).Add(Demo);
        var o = new StringWriter();
        var e = new StringWriter();
        Assert.Equal(0, program.Run(["--version"], o, e));
        Assert.StartsWith("prog ", o.ToString());
        Assert.Equal(2, program.Run(["fly"], o, e));
        Assert.Equal("error: unknown command 'fly'; see 'prog --help' for the commands", e.ToString().TrimEnd('\n'));
        Assert.Equal(0, program.Run(["demo", "-h"], o, TextWriter.Null));
        Assert.Equal(2, program.Run([], TextWriter.Null, TextWriter.Null));
    }
}
