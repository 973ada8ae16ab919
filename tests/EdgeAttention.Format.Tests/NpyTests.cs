using System.Buffers.Binary;
using System.Text;
using EdgeAttention.Format;

namespace EdgeAttention.Format.Tests;

public class NpyTests
{
    /// <summary>A .npy image with a given version, header text (padding added like numpy) and data.</summary>
    private static byte[] Image(int major, string dict, byte[] data, bool pad = true)
    {
        int prefix = major == 1 ? 10 : 12;
        string header = dict;
        if (pad)
        {
            int total = prefix + dict.Length + 1;
            header = dict + new string(' ', (total + 63) / 64 * 64 - total) + "\n";
        }
        byte[] h = Encoding.UTF8.GetBytes(header);
        var b = new byte[prefix + h.Length + data.Length];
        b[0] = 0x93; Encoding.ASCII.GetBytes("NUMPY", b.AsSpan(1)); b[6] = (byte)major; b[7] = 0;
        if (major == 1) BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(8), (ushort)h.Length);
        else BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(8), (uint)h.Length);
        h.CopyTo(b, prefix);
        data.CopyTo(b, prefix + h.Length);
        return b;
    }

    private static byte[] F64(double[] v)
    {
        var b = new byte[8 * v.Length];
        for (int i = 0; i < v.Length; i++) BinaryPrimitives.WriteDoubleLittleEndian(b.AsSpan(8 * i), v[i]);
        return b;
    }

    private static byte[] F32(float[] v)
    {
        var b = new byte[4 * v.Length];
        for (int i = 0; i < v.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(b.AsSpan(4 * i), v[i]);
        return b;
    }

    private static float[] Read(byte[] image, out int rows, out int cols) => Npy.Read(new MemoryStream(image), out rows, out cols);

    private static string Fails(byte[] image)
    {
        var e = Assert.Throws<ModelFormatException>(() => Read(image, out _, out _));
        Assert.DoesNotContain('\n', e.Message);
        return e.Message;
    }

    [Theory]
    [InlineData(0, 3)]
    [InlineData(1, 1)]
    [InlineData(7, 5)]
    [InlineData(100, 40)]
    public void WriteThenReadRoundTrips(int rows, int cols)
    {
        var rng = new Random(rows * 31 + cols);
        float[] data = Enumerable.Range(0, rows * cols).Select(_ => (float)rng.NextDouble() - 0.5f).ToArray();
        string dir = TestModels.TempDir();
        string path = Path.Combine(dir, "a.npy");
        Npy.Write(path, data, rows, cols);
        Assert.Single(Directory.GetFiles(dir));
        byte[] file = File.ReadAllBytes(path);
        int headerEnd = 10 + BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan(8));
        Assert.Equal(0, headerEnd % 64);
        Assert.Equal((byte)'\n', file[headerEnd - 1]);
        Assert.Contains($"'shape': ({rows}, {cols})", Encoding.ASCII.GetString(file, 10, headerEnd - 10));
        float[] back = Npy.Read(path, out int r, out int c);
        Assert.Equal((rows, cols), (r, c));
        Assert.Equal(data, back);
    }

    [Fact]
    public void ReadsFloat64AndAllHeaderVersions()
    {
        double[] v = [1.5, -2.25, 1e-3, 3.0e38, 0, 7];
        foreach (int major in new[] { 1, 2, 3 })
        {
            float[] a = Read(Image(major, "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }", F64(v)), out int r, out int c);
            Assert.Equal((2, 3), (r, c));
            Assert.Equal(v.Select(x => (float)x).ToArray(), a);
            float[] b = Read(Image(major, "{'shape': (3, 2), 'fortran_order': False, 'descr': '<f4'}", F32([1, 2, 3, 4, 5, 6])), out r, out c);
            Assert.Equal((3, 2), (r, c));
            Assert.Equal([1f, 2, 3, 4, 5, 6], b);
        }
        // numpy's own style: no spaces after commas is fine too, and double quotes.
        Assert.Single(Read(Image(1, "{\"descr\":\"<f4\",\"fortran_order\":False,\"shape\":(1,1)}", F32([9])), out _, out _));
    }

    public static TheoryData<string, string> BadHeaders() => new()
    {
        { "{'descr': '>f4', 'fortran_order': False, 'shape': (2, 3), }", "'>f4' is not supported" },
        { "{'descr': '<i4', 'fortran_order': False, 'shape': (2, 3), }", "'<i4' is not supported" },
        { "{'descr': '<f2', 'fortran_order': False, 'shape': (2, 3), }", "not supported" },
        { "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }", "Fortran order" },
        { "{'descr': '<f4', 'fortran_order': False, 'shape': (6,), }", "1 dimensions" },
        { "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2, 3), }", "3 dimensions" },
        { "{'descr': '<f4', 'fortran_order': False, 'shape': (), }", "0 dimensions" },
        { "{'descr': '<f4', 'fortran_order': False}", "lacks" },
        { "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), 'x': 1}", "unknown key 'x'" },
        { "{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (2, 3)}", "repeats key" },
        { "{'descr': '<f4', 'fortran_order': Maybe, 'shape': (2, 3)}", "True or False" },
        { "{'descr': '<f4', 'fortran_order': False, 'shape': (2, -3)}", "dimension" },
        { "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 99999999999)}", "dimension" },
        { "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3)} extra", "after the dict" },
        { "{'descr': '<f4, 'fortran_order': False, 'shape': (2, 3)}", "expected" },
        { "['descr', '<f4']", "expected '{'" },
        { "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3)", "expected" },
        { "", "expected '{'" },
    };

    [Theory]
    [MemberData(nameof(BadHeaders))]
    public void CorruptHeadersAreRejected(string dict, string expected)
    {
        Assert.Contains(expected, Fails(Image(1, dict, F32(new float[6]))));
    }

    [Fact]
    public void StructuralErrors()
    {
        byte[] good = Image(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", F32(new float[6]));
        Assert.Contains("too short", Fails(good[..5]));
        Assert.Contains("bad magic", Fails([0x94, .. good[1..]]));
        byte[] v9 = (byte[])good.Clone(); v9[6] = 9;
        Assert.Contains("version 9.0", Fails(v9));
        for (int len = 10; len < good.Length; len++) Fails(good[..len]); // truncation anywhere
        Assert.Contains("truncated data", Fails(good[..^1]));
        Assert.Contains("unexpected bytes", Fails([.. good, 0]));
        Assert.Contains("newline", Fails(Image(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", F32(new float[6]), pad: false)));
        byte[] nonAscii = Image(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), 'é': 1}", F32(new float[6]));
        Assert.Contains("not ASCII", Fails(nonAscii));
        // A v2 header length of 4 GB on a small file is rejected before allocating.
        byte[] hugeHeader = Image(2, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", F32(new float[6]));
        BinaryPrimitives.WriteUInt32LittleEndian(hugeHeader.AsSpan(8), uint.MaxValue);
        Assert.Contains("too large", Fails(hugeHeader));
        BinaryPrimitives.WriteUInt32LittleEndian(hugeHeader.AsSpan(8), 60000);
        Assert.Contains("truncated .npy header", Fails(hugeHeader));
    }

    [Fact]
    public void HugeShapeOnSmallFileIsRejectedWithoutAllocating()
    {
        byte[] image = Image(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2000000000, 2000000000), }", F64([1, 2]));
        long before = GC.GetAllocatedBytesForCurrentThread();
        string m = Fails(image);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(m.Contains("too many elements") || m.Contains("truncated data"), m);
        Assert.True(allocated < 1 << 20, $"allocated {allocated} bytes");
        image = Image(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (100000, 1000), }", F32([1, 2]));
        before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Contains("truncated data", Fails(image));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20);
    }

    [Fact]
    public void FileErrorsNameThePath()
    {
        string dir = TestModels.TempDir();
        string missing = Path.Combine(dir, "none.npy");
        Assert.Contains("none.npy", Assert.Throws<ModelFormatException>(() => Npy.Read(missing, out _, out _)).Message);
        string bad = Path.Combine(dir, "bad.npy");
        File.WriteAllBytes(bad, [1, 2, 3]);
        Assert.StartsWith(bad, Assert.Throws<ModelFormatException>(() => Npy.Read(bad, out _, out _)).Message);
        Assert.Throws<ArgumentException>(() => Npy.Write(Path.Combine(dir, "x.npy"), new float[5], 2, 3));
        Assert.False(File.Exists(Path.Combine(dir, "x.npy")));
    }
}
