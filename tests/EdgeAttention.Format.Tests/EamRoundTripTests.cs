using EdgeAttention.Format;

namespace EdgeAttention.Format.Tests;

public class EamRoundTripTests
{
    public static TheoryData<int, bool> Shapes()
    {
        var d = new TheoryData<int, bool>();
        for (int i = 0; i < 8; i++) { d.Add(i, false); d.Add(i, true); }
        return d;
    }

    private static ModelConfig Config(int i) => i switch
    {
        0 => TestModels.Small(),
        1 => TestModels.Small(f: 1, d: 1, heads: 1, window: 1, layers: 1, ff: 1, period: 1, landmarks: 1, classes: 1),
        2 => TestModels.Small(f: 40, d: 64, heads: 4, window: 64, layers: 1, ff: 128, period: 64, landmarks: 8, mode: LandmarkMode.Continual),
        3 => TestModels.Small(f: 13, d: 30, heads: 5, window: 17, layers: 3, ff: 7, pos: PositionalKind.None, attn: AttentionKind.Softmax, finalNorm: false),
        4 => TestModels.Small(f: 3, d: 12, heads: 3, window: 9, layers: 4, ff: 33, period: 2, landmarks: 20, mode: LandmarkMode.Fixed, classes: 11),
        5 => TestModels.Small(f: 17, d: 16, heads: 16, window: 5, layers: 1, ff: 3, norm: NormPlacement.Pre, act: ActivationKind.Relu),
        6 => TestModels.Small(f: 2, d: 6, heads: 2, window: 4, layers: 2, ff: 5, mode: LandmarkMode.Window, classes: 2),
        _ => TestModels.Small(f: 31, d: 24, heads: 6, window: 33, layers: 2, ff: 65, period: 100, landmarks: 5, classes: 7),
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void RoundTripsEveryTensorExactly(int configIndex, bool int8)
    {
        ModelConfig c = Config(configIndex);
        List<TensorData> tensors = TestModels.Tensors(c, seed: configIndex, int8, withInputNorm: configIndex % 2 == 0);
        byte[] bytes = ModelWriter.ToBytes(c, tensors);
        Assert.Equal(0, (bytes.Length - 8) % 64);
        using ModelFile m = ModelFile.FromBytes(bytes);
        Assert.True(c.SameAs(m.Config));
        Assert.Equal(bytes.Length, m.FileBytes);
        Assert.Equal(tensors.Select(t => t.Name), m.Tensors.Select(t => t.Name));
        foreach (TensorData t in tensors)
        {
            TensorInfo info = m.Info(t.Name);
            Assert.Equal(t.Shape, info.Shape);
            Assert.Equal(t.DType, info.DType);
            Assert.True(m.Contains(t.Name));
            if (t.Int8 is not null)
            {
                Int8Tensor q = m.GetInt8(t.Name);
                Assert.Equal(t.Int8, q.Data.ToArray());
                Assert.Equal(t.Scales!, q.Scales.ToArray());
                Assert.Equal(t.Shape[0], q.Rows);
                Assert.Equal(t.Shape[1], q.Cols);
                AssertAligned(q.Data);
                AssertAligned(q.Scales);
                Assert.Throws<ModelFormatException>(() => m.GetFloat32(t.Name));
            }
            else
            {
                ReadOnlySpan<float> f = m.GetFloat32(t.Name);
                Assert.Equal(t.Float32!, f.ToArray());
                AssertAligned(f);
                Assert.Throws<ModelFormatException>(() => m.GetInt8(t.Name));
            }
        }
        Assert.False(m.Contains("nope"));
        Assert.Throws<ModelFormatException>(() => m.Info("nope"));
        // Deterministic: the same input gives the same bytes.
        Assert.Equal(bytes, ModelWriter.ToBytes(c, tensors));
    }

    [Fact]
    public void SpansAreInPlaceWithoutCopying()
    {
        ModelConfig c = TestModels.Small();
        using ModelFile m = ModelFile.FromBytes(ModelWriter.ToBytes(c, TestModels.Tensors(c, 1, int8: false)));
        using ModelFile q = ModelFile.FromBytes(ModelWriter.ToBytes(c, TestModels.Tensors(c, 1, int8: true)));
        m.GetFloat32(ModelTensors.ClassifierWeight);
        q.GetInt8(ModelTensors.ClassifierWeight);
        long before = GC.GetAllocatedBytesForCurrentThread();
        float sum = 0;
        for (int i = 0; i < 100; i++) sum += m.GetFloat32(ModelTensors.ClassifierWeight)[0] + q.GetInt8(ModelTensors.ClassifierWeight).Scales[0];
        long after = GC.GetAllocatedBytesForCurrentThread();
        Assert.Equal(before, after);
        Assert.True(float.IsFinite(sum));
        unsafe
        {
            fixed (float* a = m.GetFloat32(ModelTensors.ClassifierWeight))
            fixed (float* b = m.GetFloat32(ModelTensors.ClassifierWeight))
                Assert.True(a == b);
        }
    }

    [Fact]
    public void OpenFromFileAndWriteFileAtomically()
    {
        string dir = TestModels.TempDir();
        string path = Path.Combine(dir, "m.eam");
        ModelConfig c = TestModels.Small();
        List<TensorData> tensors = TestModels.Tensors(c, 2, int8: true);
        ModelWriter.WriteFile(path, c, tensors);
        Assert.Equal(["m.eam"], Directory.GetFiles(dir).Select(Path.GetFileName));
        using (ModelFile m = ModelFile.Open(path))
        {
            Assert.Equal(new FileInfo(path).Length, m.FileBytes);
            Assert.Equal(File.ReadAllBytes(path), m.RawBytes.ToArray());
            Assert.Equal(Crc32C.Compute(File.ReadAllBytes(path).AsSpan(0, (int)m.FileBytes - 8)), m.Checksum);
        }
        // A failing write (bad tensor) leaves the old file untouched and no temp file behind.
        byte[] old = File.ReadAllBytes(path);
        var broken = tensors.Take(tensors.Count - 1).ToList();
        Assert.Throws<ModelFormatException>(() => ModelWriter.WriteFile(path, c, broken));
        Assert.Equal(old, File.ReadAllBytes(path));
        Assert.Single(Directory.GetFiles(dir));
        // Failing in the middle of writing (stream callback throws) also leaves nothing behind.
        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(Path.Combine(dir, "x.eam"), s => { s.WriteByte(1); throw new InvalidOperationException("boom"); }));
        Assert.Single(Directory.GetFiles(dir));
        var e = Assert.Throws<ModelFormatException>(() => ModelFile.Open(Path.Combine(dir, "missing.eam")));
        Assert.Contains("missing.eam", e.Message);
    }

    [Fact]
    public void DisposeInvalidatesAccess()
    {
        ModelConfig c = TestModels.Small();
        ModelFile m = ModelFile.FromBytes(ModelWriter.ToBytes(c, TestModels.Tensors(c, 3, int8: false)));
        m.Dispose();
        m.Dispose();
        Assert.Throws<ObjectDisposedException>(() => m.GetFloat32(ModelTensors.ClassifierBias).ToArray());
    }

    [Fact]
    public void WriterRejectsInconsistentTensors()
    {
        ModelConfig c = TestModels.Small();
        List<TensorData> good = TestModels.Tensors(c, 4, int8: false);
        List<TensorData> With(Func<TensorData, TensorData?> edit, string name) =>
            good.Select(t => t.Name == name ? edit(t) : t).Where(t => t is not null).Select(t => t!).ToList();
        void Expect(List<TensorData> list, string text) =>
            Assert.Contains(text, Assert.Throws<ModelFormatException>(() => ModelWriter.ToBytes(c, list)).Message);

        Expect(With(_ => null, ModelTensors.ClassifierWeight), "'classifier.weight' [3, 8] is missing");
        Expect(With(t => TensorData.FromFloat32(t.Name, [3, 4], new float[12]), ModelTensors.ClassifierWeight), "has shape [3, 4]");
        Expect(With(t => TensorData.FromFloat32(t.Name, t.Shape, new float[1]), ModelTensors.ClassifierWeight), "values for shape");
        Expect([.. good, TensorData.FromFloat32("extra.weight", [1], [0f])], "'extra.weight' is not part");
        Expect([.. good, good[0]], "appears more than once");
        Expect(With(t => TensorData.FromFloat32(t.Name, t.Shape, t.Float32!.Select((v, i) => i == 2 ? float.NaN : v).ToArray()), ModelTensors.ClassifierBias), "finite");
        Expect(With(t => TensorData.FromFloat32(t.Name, t.Shape, t.Float32!.Select((v, i) => i == 2 ? 3e38f : v).ToArray()), ModelTensors.ClassifierBias), "'classifier.bias' element 2 is 3E+38");
        Expect(With(t => TensorData.FromInt8(t.Name, 3, 8, [.. new sbyte[23], -128], [1, 1, 1]), ModelTensors.ClassifierWeight), "-128");
        Expect(With(t => new TensorData { Name = t.Name, Shape = [8], Int8 = new sbyte[8], Scales = new float[8] }, ModelTensors.InputProjBias), "rank 2");
        Expect(With(t => TensorData.FromInt8(t.Name, 8, 1, new sbyte[8], new float[8]), ModelTensors.InputProjBias), "has shape [8, 1]");
        Expect(With(t => TensorData.FromInt8(t.Name, 3, 8, new sbyte[24], new float[3]), ModelTensors.FinalNormWeight), "has shape [3, 8]");
        Expect(With(t => TensorData.FromInt8(t.Name, 3, 8, new sbyte[24], new float[2]), ModelTensors.ClassifierWeight), "per-row scales");
        Expect(With(t => TensorData.FromInt8(t.Name, 3, 8, new sbyte[24], [1, -1, 1]), ModelTensors.ClassifierWeight), "scale of row 1");
        Expect(With(t => TensorData.FromInt8(t.Name + "\n", 3, 8, new sbyte[24], [1, 1, 1]), ModelTensors.ClassifierWeight), "printable ASCII");
        Expect(With(t => new TensorData { Name = t.Name, Shape = t.Shape }, ModelTensors.ClassifierBias), "exactly one of");
        Expect([TensorData.FromFloat32(ModelTensors.InputNormMean, [5], new float[5]), .. good], "must be given together");
        Expect(With(t => TensorData.FromInt8(t.Name, 8, 8, new sbyte[64], new float[8]), "layers.0.self_attn.landmarks_q"), "has shape [8, 8]");
    }

    private static unsafe void AssertAligned<T>(ReadOnlySpan<T> span) where T : unmanaged
    {
        fixed (T* p = span) Assert.Equal(0, (long)p % 64);
    }
}
