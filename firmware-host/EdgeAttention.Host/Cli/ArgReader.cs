using System.Globalization;

namespace EdgeAttention.Host.Cli;

/// <summary>
/// Minimal option reader for `--name value` and `--flag` arguments. Unknown options, missing values and
/// malformed numbers become <see cref="HostException"/>s naming the option and the fix.
/// </summary>
internal sealed class ArgReader
{
    private readonly string _command;
    private readonly Dictionary<string, string?> _values = new(StringComparer.Ordinal);

    /// <param name="valueOptions">options that take a value (e.g. "--model")</param>
    /// <param name="flagOptions">options without a value (e.g. "--json")</param>
    public ArgReader(string command, string[] args, IEnumerable<string> valueOptions, IEnumerable<string> flagOptions)
    {
        _command = command;
        var takesValue = new HashSet<string>(valueOptions, StringComparer.Ordinal);
        var flags = new HashSet<string>(flagOptions, StringComparer.Ordinal);
        for (int i = 0; i < args.Length; i++)
        {
            string a = args[i];
            if (takesValue.Contains(a))
            {
                if (i + 1 >= args.Length || (args[i + 1].StartsWith("--", StringComparison.Ordinal) && args[i + 1].Length > 2))
                {
                    throw new HostException($"{a} needs a value; see 'edge-attention {command} --help'");
                }

                _values[a] = args[++i];
            }
            else if (flags.Contains(a))
            {
                _values[a] = null;
            }
            else
            {
                throw new HostException($"unknown argument '{a}' for '{command}'; see 'edge-attention {command} --help'");
            }
        }
    }

    public bool Has(string option) => _values.ContainsKey(option);

    public string? String(string option) => _values.TryGetValue(option, out var v) ? v : null;

    public string Required(string option, string hint) =>
        String(option) ?? throw new HostException($"{option} is required for '{_command}': {hint}");

    public int Int(string option, int fallback, int min, int max)
    {
        string? v = String(option);
        if (v is null)
        {
            return fallback;
        }

        if (!int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) || n < min || n > max)
        {
            throw new HostException($"{option} must be an integer in {min}..{max} (got '{v}')");
        }

        return n;
    }

    public long Long(string option, long fallback, long min, long max)
    {
        string? v = String(option);
        if (v is null)
        {
            return fallback;
        }

        if (!long.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out long n) || n < min || n > max)
        {
            throw new HostException($"{option} must be an integer in {min}..{max} (got '{v}')");
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
            throw new HostException($"{option} must be a number in {min.ToString(CultureInfo.InvariantCulture)}..{max.ToString(CultureInfo.InvariantCulture)} (got '{v}')");
        }

        return d;
    }

    public static bool WantsHelp(string[] args) => Array.Exists(args, a => a is "--help" or "-h");
}
