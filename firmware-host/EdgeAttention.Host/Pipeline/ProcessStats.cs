using System.Globalization;

namespace EdgeAttention.Host.Pipeline;

/// <summary>Resident memory of this process from /proc/self/status (Linux), in kB; −1 when unavailable.</summary>
internal static class ProcessStats
{
    /// <summary>VmRSS: resident now.</summary>
    public static long ResidentKb() => Read("VmRSS:");

    /// <summary>VmHWM: peak resident.</summary>
    public static long PeakResidentKb() => Read("VmHWM:");

    private static long Read(string key)
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith(key, StringComparison.Ordinal))
                {
                    var digits = line.AsSpan(key.Length).Trim();
                    int space = digits.IndexOf(' ');
                    return long.Parse(space < 0 ? digits : digits.Slice(0, space), CultureInfo.InvariantCulture);
                }
            }
        }
        catch (IOException)
        {
        }

        return -1;
    }
}
