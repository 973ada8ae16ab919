using System.Globalization;
using EdgeAttention.Cli;
using EdgeAttention.Format;
using EdgeAttention.Host.Cli;
using EdgeAttention.Model;

namespace EdgeAttention.Host.Models;

/// <summary>
/// The memory check every command that loads a model runs before building a session: the session's whole memory
/// (<see cref="SessionMemory.Total"/>: arena + attention state + front end) against a limit, so a model that cannot
/// fit fails at load with one line giving the figure and the fix instead of dying later with OutOfMemoryException.
/// The limit is <c>--max-memory</c> when given (bytes, or with a K/M/G suffix: 256M, 1G; binary units), else
/// <see cref="DefaultLimit"/>: the smallest of the cgroup memory limit (v2 <c>memory.max</c>, v1
/// <c>memory.limit_in_bytes</c>) and 75 % of MemAvailable (/proc/meminfo); 512 MiB when neither can be read.
/// </summary>
internal static class MemoryBudget
{
    public const string OptionName = "--max-memory";

    /// <summary>Fallback limit when neither a cgroup limit nor /proc/meminfo is readable.</summary>
    public const long FallbackBytes = 512L << 20;

    /// <summary>The option every model-loading command declares.</summary>
    public static Option Option { get; } = Option.Value(OptionName, "SIZE",
        "refuse a model whose session needs more memory (bytes, or 256M, 1G)",
        defaultText: "min(cgroup limit, 75% of MemAvailable), else 512M");

    /// <summary>
    /// Throws a one-line HostException when the sessions the command builds (one per element of
    /// <paramref name="sessions"/>; none for `features`) plus the front end exceed the limit.
    /// </summary>
    public static void Check(CommandLine a, ModelConfig config, params Execution[] sessions)
    {
        string? given = a.String(OptionName);
        long limit = given is null ? DefaultLimit() : ParseSize(given) ?? throw a.Usage($"{OptionName} must be a size such as 268435456, 256M or 1G (got '{CommandLine.Clip(given)}')");
        Check(config, limit, given is null ? "the default limit" : $"{OptionName} {given}", sessions);
    }

    /// <summary>The check itself (tests call it with an explicit limit).</summary>
    public static void Check(ModelConfig config, long limit, string limitName, params Execution[] sessions)
    {
        long need;
        try
        {
            need = SessionMemory.FrontEndBytes(config);
            foreach (Execution e in sessions) need += SessionMemory.Estimate(config, e);
        }
        catch (ModelFormatException e)
        {
            throw new HostException(CliProgram.OneLine(e.Message), ExitCodes.Input);
        }
        if (need > limit)
        {
            throw new HostException(
                $"model '{config.Name ?? "(unnamed)"}' needs {Format(need)} for its session (arena + attention state + front end; window {config.Window}), " +
                $"above {limitName} of {Format(limit)}; convert it with a smaller window/landmarks, or pass {OptionName} {RoundUp(need)} if the board has the memory",
                ExitCodes.Input);
        }
    }

    /// <summary>min(cgroup limit, 75 % of MemAvailable); <see cref="FallbackBytes"/> when neither is known.</summary>
    public static long DefaultLimit()
    {
        long? cgroup = CgroupLimitBytes();
        long? available = MemAvailableBytes();
        long? byRam = available is { } m ? m / 4 * 3 : null;
        return (cgroup, byRam) switch
        {
            ({ } c, { } r) => Math.Min(c, r),
            ({ } c, null) => c,
            (null, { } r) => r,
            _ => FallbackBytes,
        };
    }

    /// <summary>The cgroup memory limit of this process, or null when there is none (v2 "max", v1 near 2^63).</summary>
    public static long? CgroupLimitBytes()
    {
        long? v2 = ReadLimit("/sys/fs/cgroup/memory.max");
        return v2 ?? ReadLimit("/sys/fs/cgroup/memory/memory.limit_in_bytes");
    }

    /// <summary>A cgroup limit file's value: null for "max", an unlimited v1 value (≥ 2^62), or an unreadable file.</summary>
    internal static long? ParseLimit(string text)
    {
        string t = text.Trim();
        if (t == "max") return null;
        return long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out long v) && v > 0 && v < (1L << 62) ? v : null;
    }

    private static long? ReadLimit(string path)
    {
        try
        {
            return File.Exists(path) ? ParseLimit(File.ReadAllText(path)) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>MemAvailable from /proc/meminfo in bytes, or null.</summary>
    private static long? MemAvailableBytes()
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/meminfo"))
            {
                if (!line.StartsWith("MemAvailable:", StringComparison.Ordinal)) continue;
                string[] parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                return parts.Length >= 2 && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out long kb) ? kb * 1024 : null;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        return null;
    }

    /// <summary>"268435456", "256M", "256MB", "1G", "64k" (binary units) → bytes; null when not a positive size.</summary>
    public static long? ParseSize(string text)
    {
        string t = text.Trim();
        if (t.EndsWith('B') || t.EndsWith('b')) t = t[..^1];
        int shift = 0;
        if (t.Length > 0)
        {
            switch (char.ToUpperInvariant(t[^1]))
            {
                case 'K': shift = 10; break;
                case 'M': shift = 20; break;
                case 'G': shift = 30; break;
                case 'T': shift = 40; break;
            }
        }
        if (shift != 0) t = t[..^1];
        if (!long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out long v) || v <= 0 || v > (long.MaxValue >> shift)) return null;
        return v << shift;
    }

    /// <summary>Bytes as "87.1 MiB" / "2.34 GiB" / "512 KiB".</summary>
    public static string Format(long bytes) => bytes switch
    {
        >= 1L << 30 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):F2} GiB"),
        >= 1L << 20 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 20):F1} MiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{(bytes + 1023) / 1024} KiB"),
    };

    /// <summary>A --max-memory value at least <paramref name="bytes"/>: whole MiB ("300M") or GiB ("3G").</summary>
    private static string RoundUp(long bytes) =>
        bytes >= 1L << 30 ? $"{(bytes + (1L << 30) - 1) >> 30}G" : $"{(bytes + (1L << 20) - 1) >> 20}M";
}
