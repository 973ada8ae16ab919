using System.Globalization;

namespace EdgeAttention.Host.Cli;

/// <summary>
/// A parsed --source value: "kind[:target][,key=value]...". Examples:
/// serial:/dev/ttyUSB0,baud=921600 · gpio:mcp3008,spi=0.0,ready=17 · file:frames.npy,rate=100 · stdin:framed · stdin,features=40.
/// </summary>
internal sealed class SourceSpec
{
    public const string Forms =
        "serial:/dev/ttyUSB0[,baud=921600] | gpio:mcp3008,spi=0.0,ready=17[,channels=8] | gpio:ads1115,i2c=1,ready=17[,address=0x48,channels=4] | gpio:mpu6050,i2c=1,ready=17[,address=0x68,rate=100] | file:frames.npy[,rate=100] | stdin[:framed|:raw][,features=40][,rate=100] | wav:clip.wav[,realtime] | pcm:-[,rate=16000] (audio: models with a frontend)";

    private readonly Dictionary<string, string> _options;
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    private SourceSpec(string text, string kind, string target, Dictionary<string, string> options)
    {
        Text = text;
        Kind = kind;
        Target = target;
        _options = options;
    }

    public string Text { get; }

    /// <summary>serial, gpio, file, stdin, wav or pcm.</summary>
    public string Kind { get; }

    /// <summary>Device path, sensor name, file path, or for stdin its format: framed, raw or "" (raw).</summary>
    public string Target { get; }

    public static SourceSpec Parse(string text)
    {
        var parts = text.Split(',');
        string head = parts[0];
        int colon = head.IndexOf(':', StringComparison.Ordinal);
        string kind = colon < 0 ? head : head.Substring(0, colon);
        string target = colon < 0 ? string.Empty : head.Substring(colon + 1);
        if (kind is not ("serial" or "gpio" or "file" or "stdin" or "wav" or "pcm"))
        {
            throw new HostException($"unknown source '{text}'; use one of: {Forms}");
        }

        if (kind != "stdin" && target.Length == 0)
        {
            throw new HostException($"source '{text}' needs a target after '{kind}:'; use one of: {Forms}");
        }

        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 1; i < parts.Length; i++)
        {
            int eq = parts[i].IndexOf('=', StringComparison.Ordinal);
            if (parts[i] == "realtime")
            {
                options["realtime"] = "true"; // the one bare flag (wav:clip.wav,realtime)
                continue;
            }

            if (eq <= 0)
            {
                throw new HostException($"source option '{parts[i]}' in '{text}' is not key=value; use one of: {Forms}");
            }

            options[parts[i].Substring(0, eq)] = parts[i].Substring(eq + 1);
        }

        return new SourceSpec(text, kind, target, options);
    }

    public string? Option(string key)
    {
        _used.Add(key);
        return _options.TryGetValue(key, out var v) ? v : null;
    }

    public int Int(string key, int fallback, int min, int max)
    {
        string? v = Option(key);
        if (v is null)
        {
            return fallback;
        }

        int n;
        bool ok = v.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? int.TryParse(v.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out n)
            : int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out n);
        if (!ok || n < min || n > max)
        {
            throw new HostException($"source option {key}={v} must be an integer in {min}..{max}");
        }

        return n;
    }

    public int RequiredInt(string key, int min, int max, string example)
    {
        if (Option(key) is null)
        {
            throw new HostException($"source '{Text}' needs {key}=N, e.g. {example}");
        }

        return Int(key, 0, min, max);
    }

    public double Double(string key, double fallback, double min, double max)
    {
        string? v = Option(key);
        if (v is null)
        {
            return fallback;
        }

        if (!double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) || !(d >= min && d <= max))
        {
            throw new HostException($"source option {key}={v} must be a number in {min.ToString(CultureInfo.InvariantCulture)}..{max.ToString(CultureInfo.InvariantCulture)}");
        }

        return d;
    }

    /// <summary>True when the bare flag (or key=true/1) was given.</summary>
    public bool Flag(string key) => Option(key) is "true" or "1";

    /// <summary>Throws when an option was given that the source kind does not know.</summary>
    public void RejectUnused()
    {
        foreach (var key in _options.Keys)
        {
            if (!_used.Contains(key))
            {
                throw new HostException($"source option '{key}' is not known for {Kind} sources; use one of: {Forms}");
            }
        }
    }
}
