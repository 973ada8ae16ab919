using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace EdgeAttention.Host.Sinks;

/// <summary>
/// One JSON object per step on a stream (stdout), e.g.
/// <c>{"step":63,"time":0.012345,"class":"yes","index":1,"score":0.934211,"latency_us":45,"frames":64,"dropped":0,"rejected":0,"corrupted":0,"missing":0}</c>.
/// The line is assembled in a preallocated UTF-8 buffer with Utf8Formatter (class names are escaped once, up
/// front) and written with one Stream.Write: no allocation per step.
/// </summary>
internal sealed class JsonLinesSink : ISink
{
    private static readonly StandardFormat Fixed6 = new('F', 6);
    private readonly Stream _output;
    private readonly byte[][] _classNames;
    private readonly byte[] _line;

    public JsonLinesSink(Stream output, IReadOnlyList<string> classNames)
    {
        _output = output;
        _classNames = new byte[classNames.Count][];
        int longest = 0;
        for (int i = 0; i < classNames.Count; i++)
        {
            _classNames[i] = Encoding.UTF8.GetBytes(JsonString(classNames[i]));
            longest = Math.Max(longest, _classNames[i].Length);
        }

        _line = new byte[512 + longest];
    }

    public void OnStep(in StepOutput o, ReadOnlySpan<float> logits, ReadOnlySpan<float> probabilities)
    {
        int n = Format(o, _line);
        _output.Write(_line, 0, n);
    }

    /// <summary>Writes the line (with its newline) into dest; returns the byte count.</summary>
    public int Format(in StepOutput o, Span<byte> dest)
    {
        var w = new Utf8Writer(dest);
        w.Raw("{\"step\":"u8);
        w.Long(o.Step);
        w.Raw(",\"time\":"u8);
        w.Double(o.TimeSeconds);
        w.Raw(",\"class\":"u8);
        w.Raw((uint)o.TopClass < (uint)_classNames.Length ? _classNames[o.TopClass] : "null"u8);
        w.Raw(",\"index\":"u8);
        w.Long(o.TopClass);
        w.Raw(",\"score\":"u8);
        w.Double(o.Score);
        w.Raw(",\"latency_us\":"u8);
        w.Long(o.LatencyMicros);
        w.Raw(",\"frames\":"u8);
        w.Long(o.Frames);
        w.Raw(",\"dropped\":"u8);
        w.Long(o.Dropped);
        w.Raw(",\"rejected\":"u8);
        w.Long(o.Rejected);
        w.Raw(",\"corrupted\":"u8);
        w.Long(o.Corrupted);
        w.Raw(",\"missing\":"u8);
        w.Long(o.Missing);
        w.Raw("}\n"u8);
        return w.Written;
    }

    public void Dispose() => _output.Flush();

    /// <summary>A JSON string literal with quotes (RFC 8259 escapes; non-ASCII kept as UTF-8).</summary>
    internal static string JsonString(string s)
    {
        var b = new StringBuilder(s.Length + 2).Append('"');
        foreach (char c in s)
        {
            switch (c)
            {
                case '"': b.Append("\\\""); break;
                case '\\': b.Append("\\\\"); break;
                case '\n': b.Append("\\n"); break;
                case '\r': b.Append("\\r"); break;
                case '\t': b.Append("\\t"); break;
                default:
                    if (c < 0x20)
                    {
                        b.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        b.Append(c);
                    }

                    break;
            }
        }

        return b.Append('"').ToString();
    }

    /// <summary>Appends to a fixed span; numbers via Utf8Formatter (invariant, no allocation).</summary>
    private ref struct Utf8Writer
    {
        private readonly Span<byte> _dest;
        private int _pos;

        public Utf8Writer(Span<byte> dest)
        {
            _dest = dest;
            _pos = 0;
        }

        public readonly int Written => _pos;

        public void Raw(ReadOnlySpan<byte> bytes)
        {
            bytes.CopyTo(_dest.Slice(_pos));
            _pos += bytes.Length;
        }

        public void Long(long value)
        {
            Utf8Formatter.TryFormat(value, _dest.Slice(_pos), out int n);
            _pos += n;
        }

        public void Double(double value)
        {
            if (!double.IsFinite(value))
            {
                Raw("null"u8);
                return;
            }

            Utf8Formatter.TryFormat(value, _dest.Slice(_pos), out int n, Fixed6);
            _pos += n;
        }
    }
}
