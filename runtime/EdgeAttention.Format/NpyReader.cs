using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace EdgeAttention.Format;

/// <summary>
/// Reads a 2-D float .npy array ([rows, cols], C order, '&lt;f4' or '&lt;f8'; layout and checks: <see cref="Npy"/>)
/// row block by row block into a caller's buffer, so a long stream of frames is processed in a small, reused,
/// cache-resident buffer instead of one array of the whole file (`edge-attention run`). The header and the data
/// length are checked when the reader is made, before any data is read; float64 is converted to float32.
/// </summary>
public sealed class NpyReader : IDisposable
{
    private readonly Stream _stream;
    private readonly bool _ownsStream, _float64;
    private readonly string? _path;
    private byte[] _wide = [];
    private int _done;

    /// <summary>Reads and checks the header of a .npy stream positioned at its start; the stream stays the caller's.</summary>
    public NpyReader(Stream stream) : this(stream, owns: false, path: null) { }

    private NpyReader(Stream stream, bool owns, string? path)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _stream = stream;
        _ownsStream = owns;
        _path = path;
        (_float64, Rows, Cols) = Npy.ReadHeader(stream);
    }

    /// <summary>Opens a .npy file; errors are one-line <see cref="ModelFormatException"/>s naming the file (as <see cref="Npy.Read(string, out int, out int)"/>).</summary>
    public static NpyReader Open(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        FileChecks.RequireFile(path, 10, ".npy array");
        FileStream? fs = null;
        try
        {
            fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
            return new NpyReader(fs, owns: true, path);
        }
        catch (Exception e) when (e is ModelFormatException or IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            fs?.Dispose();
            throw Named(path, e);
        }
    }

    /// <summary>Rows of the array.</summary>
    public int Rows { get; }

    /// <summary>Columns of the array (values per row).</summary>
    public int Cols { get; }

    /// <summary>Rows read so far.</summary>
    public int RowsRead => _done;

    /// <summary>
    /// Reads the next min(⌊destination.Length / Cols⌋, Rows − RowsRead) rows into the start of
    /// <paramref name="destination"/> and returns how many (0 at the end). A [rows, 0] array reads as 0 rows.
    /// </summary>
    public int ReadRows(Span<float> destination)
    {
        if (Cols == 0) return 0;
        int count = Math.Min(destination.Length / Cols, Rows - _done);
        if (count <= 0) return 0;
        Span<float> dst = destination[..(count * Cols)];
        try
        {
            if (!_float64)
            {
                Npy.ReadExact(_stream, MemoryMarshal.AsBytes(dst));
                if (!BitConverter.IsLittleEndian)
                {
                    Span<int> bits = MemoryMarshal.Cast<float, int>(dst);
                    for (int i = 0; i < bits.Length; i++) bits[i] = BinaryPrimitives.ReverseEndianness(bits[i]);
                }
            }
            else
            {
                // float64 → float32 through a bounded scratch of 8192 values.
                if (_wide.Length == 0) _wide = new byte[8 * 8192];
                for (int at = 0; at < dst.Length;)
                {
                    int n = Math.Min(8192, dst.Length - at);
                    Npy.ReadExact(_stream, _wide.AsSpan(0, 8 * n));
                    for (int i = 0; i < n; i++) dst[at + i] = (float)BinaryPrimitives.ReadDoubleLittleEndian(_wide.AsSpan(8 * i));
                    at += n;
                }
            }
        }
        catch (Exception e) when (_path is not null && e is ModelFormatException or IOException or UnauthorizedAccessException or NotSupportedException)
        {
            throw Named(_path, e);
        }
        _done += count;
        return count;
    }

    private static ModelFormatException Named(string path, Exception e) => e is ModelFormatException
        ? new ModelFormatException($"{path}: {e.Message}", e)
        : new ModelFormatException($"{path}: cannot read array: {ModelConfig.OneLine(e.Message)}", e);

    /// <summary>Closes the file when the reader opened it.</summary>
    public void Dispose()
    {
        if (_ownsStream) _stream.Dispose();
    }
}
