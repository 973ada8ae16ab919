using System.Buffers.Binary;
using System.Text;
using EdgeAttention.Format;

namespace EdgeAttention.Format.Tests;

/// <summary>NpyReader: row blocks through a small buffer give exactly Npy.Read's array; the same checks at open.</summary>
public class NpyReaderTests
{
    private static byte[] Image(string descr, int rows, int cols, byte[] data)
    {
        string dict = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': ({rows}, {cols}), }}";
        int total = 10 + dict.Length + 1;
        string header = dict + new string(' ', (total + 63) / 64 * 64 - total) + "\n";
        byte[] h = Encoding.ASCII.GetBytes(header);
        var b = new byte[10 + h.Length + data.Length];
        b[0] = 0x93; Encoding.ASCII.GetBytes("NUMPY", b.AsSpan(1)); b[6] = 1; b[7] = 0;
        BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(8), (ushort)h.Length);
        h.CopyTo(b, 10);
        data.CopyTo(b, 10 + h.Length);
        return b;
    }

    private static (byte[] Image, float[] Expected) Array(bool float64, int rows, int cols)
    {
        var rng = new Random(rows * 7 + cols);
        double[] v = Enumerable.Range(0, rows * cols).Select(_ => rng.NextDouble() * 6 - 3).ToArray();
        var data = new byte[(float64 ? 8 : 4) * v.Length];
        for (int i = 0; i < v.Length; i++)
        {
            if (float64) BinaryPrimitives.WriteDoubleLittleEndian(data.AsSpan(8 * i), v[i]);
            else BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(4 * i), (float)v[i]);
        }
        return (Image(float64 ? "<f8" : "<f4", rows, cols, data), v.Select(x => (float)x).ToArray());
    }

    [Theory]
    [InlineData(false, 20, 5, 7)]     // blocks of 7 rows: 7 + 7 + 6
    [InlineData(true, 20, 5, 7)]
    [InlineData(false, 3, 4, 100)]    // buffer larger than the array
    [InlineData(true, 3000, 3, 2731)] // float64 through more than one 8192-value scratch pass per block
    [InlineData(false, 0, 4, 8)]
    public void RowBlocks_EqualTheWholeArray(bool float64, int rows, int cols, int blockRows)
    {
        (byte[] image, float[] expected) = Array(float64, rows, cols);
        Assert.Equal(expected, Npy.Read(new MemoryStream(image), out _, out _));
        using var reader = new NpyReader(new MemoryStream(image));
        Assert.Equal((rows, cols), (reader.Rows, reader.Cols));
        var buffer = new float[blockRows * cols + cols - 1]; // a partial row of room is not used
        var got = new List<float>();
        int n;
        while ((n = reader.ReadRows(buffer)) > 0)
        {
            Assert.Equal(Math.Min(blockRows, rows - reader.RowsRead + n), n);
            got.AddRange(buffer.AsSpan(0, n * cols).ToArray());
        }
        Assert.Equal(rows, reader.RowsRead);
        Assert.Equal(expected, got);
        Assert.Equal(0, reader.ReadRows(buffer));
    }

    [Fact]
    public void ABufferShorterThanOneRow_ReadsNothing()
    {
        (byte[] image, _) = Array(false, 4, 6);
        using var reader = new NpyReader(new MemoryStream(image));
        Assert.Equal(0, reader.ReadRows(new float[5]));
        Assert.Equal(0, reader.RowsRead);
    }

    [Fact]
    public void Open_ChecksTheDataLengthBeforeReading_AndNamesTheFile()
    {
        (byte[] image, _) = Array(false, 10, 3);
        string dir = TestModels.TempDir();
        string path = Path.Combine(dir, "short.npy");
        File.WriteAllBytes(path, image.AsSpan(0, image.Length - 4).ToArray());
        var e = Assert.Throws<ModelFormatException>(() => NpyReader.Open(path));
        Assert.StartsWith($"{path}: truncated data: shape [10, 3] needs 120 bytes but 116 are present", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        string good = Path.Combine(dir, "good.npy");
        File.WriteAllBytes(good, image);
        using NpyReader r = NpyReader.Open(good);
        Assert.Equal(10, r.ReadRows(new float[30]));
    }
}
