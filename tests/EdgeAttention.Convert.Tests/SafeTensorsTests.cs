using System.Buffers.Binary;
using System.Diagnostics;
using EdgeAttention.Convert;
using EdgeAttention.Format;
using EdgeAttention.Format.Tests;

namespace EdgeAttention.Convert.Tests;

public class SafeTensorsTests
{
    private static SafeTensorsFile Open(byte[] image) => SafeTensorsFile.Open(new MemoryStream(image), "w.safetensors");

    private static string Fails(byte[] image)
    {
        var e = Assert.Throws<ModelFormatException>(() => { using var f = Open(image); });
        Assert.DoesNotContain('\n', e.Message);
        Assert.StartsWith("w.safetensors: ", e.Message);
        return e.Message;
    }

    [Fact]
    public void ReadsF32F16BF16F64AsFloat32()
    {
        float[] v = [1f, -2.5f, 0.1f, 65504f, 1e-4f, -0f];
        byte[] image = new SafeTensorsBuilder { Metadata = new() { ["format"] = "pt" } }
            .Add("a", [2, 3], v, "F32").Add("b", [6], v, "F16").Add("c", [3, 2], v, "BF16").Add("d", [1, 6], v, "F64").Add("steps", [1], [7], "I64")
            .Build();
        using SafeTensorsFile f = Open(image);
        Assert.Equal("pt", f.Metadata["format"]);
        Assert.Equal(["a", "b", "c", "d", "steps"], f.Tensors.Select(t => t.Name));
        Assert.Equal([2, 3], f.Info("a").Shape);
        Assert.Equal(v, f.ReadFloat32("a"));
        Assert.Equal(v.Select(x => (float)(Half)x).ToArray(), f.ReadFloat32("b"));
        Assert.Equal(v.Select(x => BitConverter.Int32BitsToSingle((int)(BitConverter.SingleToUInt32Bits(x) & 0xFFFF0000))).ToArray(), f.ReadFloat32("c"));
        Assert.Equal(v, f.ReadFloat32("d"));
        Assert.Equal(0.1f, f.ReadFloat32("b")[2], 1e-3f);
        Assert.Equal(0.1f, f.ReadFloat32("c")[2], 1e-2f);
        Assert.Contains("dtype I64", Assert.Throws<ModelFormatException>(() => f.ReadFloat32("steps")).Message);
        Assert.Throws<ModelFormatException>(() => f.ReadFloat32("zzz"));
    }

    [Fact]
    public void F64KeepsPrecisionToFloat32AndOrderDoesNotMatter()
    {
        double[] v = Enumerable.Range(0, 5000).Select(i => Math.Sin(i) * 1e3).ToArray();
        byte[] image = new SafeTensorsBuilder().AddF64("x", [50, 100], v).Add("y", [2], [1, 2]).Build(reverseOrder: true);
        using SafeTensorsFile f = Open(image);
        Assert.Equal(v.Select(x => (float)x).ToArray(), f.ReadFloat32("x"));
        Assert.Equal(["x", "y"], f.Tensors.Select(t => t.Name)); // sorted by offset
    }

    [Fact]
    public void EmptyAndScalarTensorsAreWellFormed()
    {
        byte[] image = new SafeTensorsBuilder().Add("empty", [0, 4], []).Add("scalar", [], [3f]).Build();
        using SafeTensorsFile f = Open(image);
        Assert.Empty(f.ReadFloat32("empty"));
        Assert.Equal([3f], f.ReadFloat32("scalar"));
    }

    public static TheoryData<string, int, string> HostileHeaders() => new()
    {
        { "[1, 2]", 0, "does not start with '{'" },
        { "{\"a\": 5}", 0, "entry is not an object" },
        { "{\"a\": {\"dtype\": \"F32\", \"shape\": [1]}}", 0, "needs dtype, shape and data_offsets" },
        { "{\"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0, 4], \"x\": 1}}", 4, "unexpected or repeated key 'x'" },
        { "{\"a\": {\"dtype\": \"F32\", \"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0, 4]}}", 4, "repeated key 'dtype'" },
        { "{\"a\": {\"dtype\": \"Q4\", \"shape\": [1], \"data_offsets\": [0, 4]}}", 4, "unknown dtype 'Q4'" },
        { "{\"a\": {\"dtype\": 3, \"shape\": [1], \"data_offsets\": [0, 4]}}", 4, "dtype is not a string" },
        { "{\"a\": {\"dtype\": \"F32\", \"shape\": [-1], \"data_offsets\": [0, 4]}}", 4, "non-negative integers" },
        { "{\"a\": {\"dtype\": \"F32\", \"shape\": [1.5], \"data_offsets\": [0, 4]}}", 4, "non-negative integers" },
        { "{\"a\": {\"dtype\": \"F32\", \"shape\": [1,1,1,1,1,1,1,1,1], \"data_offsets\": [0, 4]}}", 4, "more than 8" },
        { "{\"a\": {\"dtype\": \"F32\", \"shape\": 1, \"data_offsets\": [0, 4]}}", 4, "shape is not an array" },
        { "{\"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0]}}", 4, "[begin, end]" },
        { "{\"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [4, 0]}}", 4, "reversed" },
        { "{\"a\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 4]}}", 4, "needs 8" },
        { "{\"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0, 8]}}", 4, "past the 4-byte data buffer" },
        { "{\"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0, 4]}}", 8, "cover 4 bytes of the 8-byte" },
        { "{\"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [4, 8]}}", 8, "hole" },
        { "{\"a\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 8]}, \"b\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [4, 8]}}", 8, "overlaps" },
        { "{\"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0, 4]}, \"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [4, 8]}}", 8, "appears twice" },
        { "{\"a\": {\"dtype\": \"F32\", \"shape\": [4294967296, 4294967296, 4294967296, 4294967296], \"data_offsets\": [0, 4]}}", 4, "too large" },
        { "{\"a\": {\"dtype\": \"F64\", \"shape\": [2147483647, 2147483647, 2147483647, 2147483647], \"data_offsets\": [0, 4]}}", 4, "larger than the file" },
        { "{\"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0, 18446744073709551615]}}", 4, "non-negative integers" },
        { "{\"__metadata__\": {\"k\": 1}}", 0, "not a string" },
        { "{\"__metadata__\": []}", 0, "not an object" },
        { "{\"a\": ", 0, "not valid JSON" },
        { "{\"a\": {\"dtype\": \"F32\", \"shape\": [[[[[1]]]]], \"data_offsets\": [0, 4]}}", 4, "not valid JSON" },
        { " {}", 0, "does not start with" },
    };

    [Theory]
    [MemberData(nameof(HostileHeaders))]
    public void HostileHeadersAreRejected(string header, int dataBytes, string expected)
    {
        Assert.Contains(expected, Fails(SafeTensorsBuilder.Raw(header, new byte[dataBytes])));
    }

    [Fact]
    public void InvalidUtf8HeaderIsRejected()
    {
        byte[] image = SafeTensorsBuilder.Raw("{\"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0, 4]}}", new byte[4]);
        image[10] = 0xFF; // inside the tensor name
        Assert.Contains("not valid UTF-8", Fails(image));
    }

    [Fact]
    public void HeaderLengthIsBounded()
    {
        byte[] image = new SafeTensorsBuilder().Add("a", [1], [1]).Build();
        Assert.Contains("too short", Fails(image[..7]));
        for (int len = 8; len < image.Length; len++) Fails(image[..len]);
        byte[] huge = (byte[])image.Clone();
        BinaryPrimitives.WriteUInt64LittleEndian(huge, ulong.MaxValue);
        long before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Contains("exceeds", Fails(huge));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20);
        BinaryPrimitives.WriteUInt64LittleEndian(huge, 50_000_000);
        Assert.Contains("runs past the end", Fails(huge));
        BinaryPrimitives.WriteUInt64LittleEndian(huge, 1);
        Assert.Contains("too small", Fails(huge));
    }

    [Fact]
    public void RandomMutationsOnlyGiveModelFormatException()
    {
        byte[] valid = new SafeTensorsBuilder().Add("a", [2, 3], [1, 2, 3, 4, 5, 6], "F16").Add("b", [3], [1, 2, 3]).Build();
        var rng = new Random(11);
        for (int i = 0; i < 2000; i++)
        {
            byte[] b = (byte[])valid.Clone();
            if (rng.Next(4) == 0) b = b[..rng.Next(b.Length)];
            else for (int k = rng.Next(1, 4); k > 0; k--) b[rng.Next(b.Length)] = (byte)rng.Next(256);
            try
            {
                using SafeTensorsFile f = Open(b);
                foreach (SafeTensorInfo t in f.Tensors)
                    if (t.IsFloat) Assert.Equal(t.ElementCount, f.ReadFloat32(t.Name).Length);
            }
            catch (ModelFormatException)
            {
            }
        }
    }

    [Fact]
    public void OpenNamesTheFile()
    {
        string dir = TestModels.TempDir();
        string path = Path.Combine(dir, "m.safetensors");
        Assert.Contains("m.safetensors", Assert.Throws<ModelFormatException>(() => SafeTensorsFile.Open(path)).Message);
        File.WriteAllBytes(path, new SafeTensorsBuilder().Add("a", [1], [1]).Build());
        using SafeTensorsFile f = SafeTensorsFile.Open(path);
        Assert.Equal([1f], f.ReadFloat32("a"));
    }

    [Fact]
    public void DirectoryMissingDeviceAndFifoAreOneLineErrorsNotHangs()
    {
        static string FailsQuickly(string path)
        {
            var task = Task.Run(() => Assert.Throws<ModelFormatException>(() => SafeTensorsFile.Open(path).Dispose()).Message);
            Assert.True(task.Wait(TimeSpan.FromSeconds(20)), $"safetensors reader hung on {path}");
            Assert.DoesNotContain('\n', task.Result);
            Assert.Contains(path, task.Result);
            return task.Result;
        }
        string dir = TestModels.TempDir();
        Assert.Contains("is a directory", FailsQuickly(dir));
        Assert.Contains("not found", FailsQuickly(Path.Combine(dir, "none")));
        Assert.Contains("too short", FailsQuickly("/dev/null"));
        string fifo = Path.Combine(dir, "fifo");
        using (Process p = Process.Start(new ProcessStartInfo("mkfifo", fifo) { UseShellExecute = false })!) p.WaitForExit();
        Assert.Contains("not a regular file", FailsQuickly(fifo));
    }
}
