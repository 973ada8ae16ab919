using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace EdgeAttention.Format;

/// <summary>
/// NumPy .npy arrays for frames and logits: read v1/v2/v3 files holding a C-order 2-D '&lt;f4' or '&lt;f8'
/// array [rows, cols] (float64 is converted to float32); write '&lt;f4' v1 atomically.
/// Format: "\x93NUMPY", major, minor, header length (u16 in v1, u32 in v2/v3), a Python dict literal
/// {'descr': '&lt;f4', 'fortran_order': False, 'shape': (T, F), } padded with spaces and ending in '\n', data.
/// </summary>
public static class Npy
{
    /// <summary>Largest header accepted (numpy itself writes a few hundred bytes).</summary>
    public const int MaxHeaderBytes = 1 << 16;
    private static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Reads a 2-D float array; errors are one-line <see cref="ModelFormatException"/>s naming the file.</summary>
    public static float[] Read(string path, out int rows, out int cols)
    {
        ArgumentNullException.ThrowIfNull(path);
        FileChecks.RequireFile(path, 10, ".npy array");
        try
        {
            using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
            return Read(fs, out rows, out cols);
        }
        catch (ModelFormatException e)
        {
            throw new ModelFormatException($"{path}: {e.Message}", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new ModelFormatException($"{path}: cannot read array: {ModelConfig.OneLine(e.Message)}", e);
        }
    }

    /// <summary>Reads a 2-D float array from a seekable stream positioned at its start (all rows through <see cref="NpyReader"/>).</summary>
    public static float[] Read(Stream s, out int rows, out int cols)
    {
        using var reader = new NpyReader(s);
        rows = reader.Rows;
        cols = reader.Cols;
        var result = new float[(long)rows * cols];
        if (result.Length > 0 && reader.ReadRows(result) != rows) throw Bad("file ended early (truncated)");
        return result;
    }

    /// <summary>
    /// Reads the magic, version and header of a .npy stream and checks the data length against the stream's length
    /// (before anything is allocated for the data). Returns (float64?, rows, cols); the stream is left at the data.
    /// </summary>
    internal static (bool Float64, int Rows, int Cols) ReadHeader(Stream s)
    {
        long length = s.Length - s.Position;
        Span<byte> pre = stackalloc byte[12];
        if (length < 10) throw Bad($"{length} bytes is too short for a .npy file");
        ReadExact(s, pre[..10]);
        if (!pre[..6].SequenceEqual(Magic)) throw Bad("not a .npy file (bad magic); save the array with numpy.save");
        int major = pre[6], minor = pre[7];
        if (major is < 1 or > 3 || minor != 0) throw Bad($".npy version {major}.{minor} is not supported (1.0, 2.0 or 3.0)");
        long headerLength, prefix;
        if (major == 1)
        {
            headerLength = BinaryPrimitives.ReadUInt16LittleEndian(pre[8..]);
            prefix = 10;
        }
        else
        {
            if (length < 12) throw Bad("truncated .npy header");
            ReadExact(s, pre[10..12]);
            headerLength = BinaryPrimitives.ReadUInt32LittleEndian(pre[8..]);
            prefix = 12;
        }
        if (headerLength > MaxHeaderBytes) throw Bad($".npy header of {headerLength} bytes is too large (at most {MaxHeaderBytes})");
        if (prefix + headerLength > length) throw Bad($"truncated .npy header ({headerLength} bytes announced, {length - prefix} present)");
        var header = new byte[headerLength];
        ReadExact(s, header);
        (bool f8, long r, long c) = ParseHeader(header, major == 3);
        int itemSize = f8 ? 8 : 4;
        long elements = r * c; // each ≤ int.MaxValue → no long overflow
        if (elements > Array.MaxLength) throw Bad($"array [{r}, {c}] has too many elements");
        long dataBytes = elements * itemSize;
        long available = length - prefix - headerLength;
        // Check the data length against the file size *before* allocating.
        if (dataBytes > available) throw Bad($"truncated data: shape [{r}, {c}] needs {dataBytes} bytes but {available} are present");
        if (dataBytes < available) throw Bad($"{available - dataBytes} unexpected bytes after the [{r}, {c}] array data");
        return (f8, (int)r, (int)c);
    }

    /// <summary>Writes a float32 [rows, cols] array as a v1 '&lt;f4' .npy file, atomically (temp file + rename).</summary>
    public static void Write(string path, ReadOnlySpan<float> data, int rows, int cols)
    {
        if (rows < 0 || cols < 0 || (long)rows * cols != data.Length)
            throw new ArgumentException($"Npy.Write: {data.Length} values do not form a [{rows}, {cols}] array.");
        byte[] bytes = ToBytes(data, rows, cols);
        AtomicFile.Write(path, s => s.Write(bytes));
    }

    /// <summary>The complete v1 '&lt;f4' .npy image of a [rows, cols] array.</summary>
    public static byte[] ToBytes(ReadOnlySpan<float> data, int rows, int cols)
    {
        if (rows < 0 || cols < 0 || (long)rows * cols != data.Length)
            throw new ArgumentException($"Npy.ToBytes: {data.Length} values do not form a [{rows}, {cols}] array.");
        string dict = $"{{'descr': '<f4', 'fortran_order': False, 'shape': ({rows.ToString(CultureInfo.InvariantCulture)}, {cols.ToString(CultureInfo.InvariantCulture)}), }}";
        // Pad with spaces so that magic + version + length + header (ending in '\n') is a multiple of 64.
        int total = 10 + dict.Length + 1;
        int padded = (total + 63) / 64 * 64;
        string header = dict + new string(' ', padded - total) + "\n";
        var bytes = new byte[padded + 4L * data.Length];
        Magic.CopyTo(bytes);
        bytes[6] = 1;
        bytes[7] = 0;
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)header.Length);
        Encoding.ASCII.GetBytes(header, bytes.AsSpan(10));
        Span<byte> body = bytes.AsSpan(padded);
        for (int i = 0; i < data.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(body[(4 * i)..], data[i]);
        return bytes;
    }

    internal static void ReadExact(Stream s, Span<byte> buffer)
    {
        try
        {
            s.ReadExactly(buffer);
        }
        catch (EndOfStreamException)
        {
            throw Bad("file ended early (truncated)");
        }
    }

    internal static ModelFormatException Bad(string problem) => new(problem);

    /// <summary>
    /// Strict parser of the header dict: exactly the keys 'descr', 'fortran_order', 'shape' (any order, once each),
    /// descr '&lt;f4' or '&lt;f8', fortran_order False, shape a 2-tuple of non-negative ints; optional trailing comma;
    /// then only spaces and a final '\n'.
    /// </summary>
    internal static (bool Float64, long Rows, long Cols) ParseHeader(ReadOnlySpan<byte> header, bool utf8)
    {
        if (header.Length == 0 || header[^1] != (byte)'\n') throw Bad(".npy header does not end with a newline (corrupt header)");
        string text;
        try
        {
            text = utf8 ? new UTF8Encoding(false, true).GetString(header) : Encoding.ASCII.GetString(header);
        }
        catch (DecoderFallbackException)
        {
            throw Bad(".npy header is not valid text");
        }
        if (!utf8)
        {
            foreach (byte b in header)
                if (b > 0x7E) throw Bad(".npy v1/v2 header is not ASCII");
        }

        var p = new HeaderParser(text);
        p.Skip();
        p.Expect('{');
        string? descr = null;
        bool? fortran = null;
        long[]? shape = null;
        while (true)
        {
            p.Skip();
            if (p.TryConsume('}')) break;
            string key = p.PythonString();
            p.Skip();
            p.Expect(':');
            p.Skip();
            switch (key)
            {
                case "descr" when descr is null: descr = p.PythonString(); break;
                case "fortran_order" when fortran is null: fortran = p.PythonBool(); break;
                case "shape" when shape is null: shape = p.Tuple(); break;
                case "descr" or "fortran_order" or "shape": throw Bad($".npy header repeats key '{key}'");
                default: throw Bad($".npy header has unknown key '{ModelConfig.OneLine(key.Length > 30 ? key[..30] : key)}'");
            }
            p.Skip();
            if (p.TryConsume(',')) continue;
            p.Skip();
            p.Expect('}');
            break;
        }
        p.Skip();
        if (!p.AtEnd) throw Bad(".npy header has unexpected text after the dict");
        if (descr is null || fortran is null || shape is null) throw Bad(".npy header lacks one of 'descr', 'fortran_order', 'shape'");
        bool f8 = descr switch
        {
            "<f4" => false,
            "<f8" => true,
            _ => throw Bad($".npy dtype '{ModelConfig.OneLine(descr.Length > 20 ? descr[..20] : descr)}' is not supported; save float32 or float64 little-endian, e.g. arr.astype('<f4')"),
        };
        if (fortran.Value) throw Bad(".npy array is in Fortran order; save it with numpy.ascontiguousarray(arr)");
        if (shape.Length != 2) throw Bad($".npy array has {shape.Length} dimensions; a 2-D array [T, F] is required");
        return (f8, shape[0], shape[1]);
    }

    private ref struct HeaderParser(string text)
    {
        private readonly string _t = text;
        private int _i;

        public readonly bool AtEnd => _i >= _t.Length;

        public void Skip()
        {
            while (_i < _t.Length && (_t[_i] == ' ' || _t[_i] == '\n' || _t[_i] == '\t')) _i++;
        }

        public bool TryConsume(char c)
        {
            if (_i < _t.Length && _t[_i] == c) { _i++; return true; }
            return false;
        }

        public void Expect(char c)
        {
            if (!TryConsume(c)) throw Bad($".npy header: expected '{c}' at offset {_i} (corrupt header)");
        }

        public string PythonString()
        {
            if (_i >= _t.Length || (_t[_i] != '\'' && _t[_i] != '"')) throw Bad($".npy header: expected a quoted string at offset {_i}");
            char q = _t[_i++];
            int start = _i;
            while (_i < _t.Length && _t[_i] != q)
            {
                if (_t[_i] == '\\' || _t[_i] == '\n') throw Bad(".npy header: unsupported character in a string");
                _i++;
            }
            if (_i >= _t.Length) throw Bad(".npy header: unterminated string");
            return _t[start.._i++];
        }

        public bool PythonBool()
        {
            if (_t.AsSpan(_i).StartsWith("False")) { _i += 5; return false; }
            if (_t.AsSpan(_i).StartsWith("True")) { _i += 4; return true; }
            throw Bad($".npy header: expected True or False at offset {_i}");
        }

        public long[] Tuple()
        {
            Expect('(');
            var dims = new List<long>();
            while (true)
            {
                Skip();
                if (TryConsume(')')) break;
                if (dims.Count >= 32) throw Bad(".npy header: too many dimensions");
                int start = _i;
                while (_i < _t.Length && _t[_i] >= '0' && _t[_i] <= '9') _i++;
                if (_i == start || _i - start > 10) throw Bad($".npy header: expected a dimension at offset {start}");
                long v = long.Parse(_t.AsSpan(start, _i - start), NumberStyles.None, CultureInfo.InvariantCulture);
                if (v > int.MaxValue) throw Bad($".npy header: dimension {v} is too large");
                dims.Add(v);
                Skip();
                if (TryConsume(',')) continue;
                Skip();
                Expect(')');
                break;
            }
            return dims.ToArray();
        }
    }
}
