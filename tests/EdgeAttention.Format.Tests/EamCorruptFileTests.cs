using System.Buffers.Binary;
using System.Text;
using EdgeAttention.Format;

namespace EdgeAttention.Format.Tests;

/// <summary>Truncated, corrupted, wrong-version and hostile .eam files: always one-line ModelFormatException.</summary>
public class EamCorruptFileTests
{
    // Header and table-entry field offsets (see the layout comment at the top of ModelFile.cs).
    private const int Version = 8, HeaderBytes = 12, FileBytes = 16, ConfigBytes = 24, Count = 28, TableOffset = 32, DataOffset = 40, DataBytes = 48, Reserved = 56;
    private const int EName = 0, EDType = 2, ERank = 3, EDims = 4, EReserved = 20, EData = 24, EDataBytes = 32, EScales = 40, ENameBytes = 48;

    internal static byte[] Valid(bool int8 = true)
    {
        ModelConfig c = TestModels.Small();
        return ModelWriter.ToBytes(c, TestModels.Tensors(c, 7, int8));
    }

    internal static void FixCrc(byte[] b) =>
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(b.Length - 8), Crc32C.Compute(b.AsSpan(0, b.Length - 8)));

    private static int Entry(byte[] b, string name)
    {
        int table = (int)BinaryPrimitives.ReadUInt64LittleEndian(b.AsSpan(TableOffset));
        int count = (int)BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(Count));
        for (int i = 0; i < count; i++)
        {
            int e = table + 128 * i;
            int len = BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(e));
            if (Encoding.ASCII.GetString(b, e + ENameBytes, len) == name) return e;
        }
        throw new InvalidOperationException(name);
    }

    private static string Fails(byte[] b)
    {
        var e = Assert.Throws<ModelFormatException>(() => { using var m = ModelFile.FromBytes(b); });
        Assert.DoesNotContain('\n', e.Message);
        Assert.False(string.IsNullOrWhiteSpace(e.Message));
        return e.Message;
    }

    private static string FailsAfterEdit(Action<byte[]> edit, bool fixCrc = true)
    {
        byte[] b = Valid();
        edit(b);
        if (fixCrc) FixCrc(b);
        return Fails(b);
    }

    [Fact]
    public void TruncationAtEveryLengthIsRejected()
    {
        byte[] b = Valid();
        for (int len = 0; len < b.Length; len++)
        {
            string m = Fails(b[..len]);
            Assert.True(m.Contains("truncated", StringComparison.Ordinal) || m.Contains("too short", StringComparison.Ordinal), m);
            Assert.Contains("edge-attention-convert", m);
        }
    }

    [Fact]
    public void TrailingBytesAreRejected()
    {
        byte[] b = Valid();
        Assert.Contains("trailing", Fails([.. b, 0]));
    }

    [Fact]
    public void BadMagicVersionAndChecksum()
    {
        Assert.Contains("bad magic", FailsAfterEdit(b => b[0] = (byte)'X', fixCrc: false));
        Assert.Contains("bad magic", Fails(Encoding.ASCII.GetBytes(new string('x', 200))));
        string v = FailsAfterEdit(b => b[Version] = 2);
        Assert.Contains("version 2 is not supported", v);
        Assert.Contains("re-run edge-attention-convert", v);
        Assert.Contains("checksum mismatch", FailsAfterEdit(b => b[b.Length - 100] ^= 1, fixCrc: false));
        Assert.Contains("checksum mismatch", FailsAfterEdit(b => b[b.Length - 8] ^= 0x80, fixCrc: false));
        Assert.Contains("end marker", FailsAfterEdit(b => b[^1] = 1, fixCrc: false));
    }

    [Fact]
    public void HeaderFieldsOutOfRange()
    {
        Assert.Contains("header size", FailsAfterEdit(b => b[HeaderBytes] = 32));
        Assert.Contains("reserved header", FailsAfterEdit(b => b[Reserved + 3] = 1));
        Assert.Contains("truncated", FailsAfterEdit(b => BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(FileBytes), ulong.MaxValue)));
        Assert.Contains("config size", FailsAfterEdit(b => BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(ConfigBytes), 0)));
        Assert.Contains("config size", FailsAfterEdit(b => BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(ConfigBytes), uint.MaxValue)));
        Assert.Contains("table offset", FailsAfterEdit(b => BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(ConfigBytes), 1000)));
        Assert.Contains("tensor count", FailsAfterEdit(b => BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(Count), 0)));
        Assert.Contains("tensor count", FailsAfterEdit(b => BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(Count), uint.MaxValue)));
        Assert.Contains("data offset", FailsAfterEdit(b => BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(Count), 65536)));
        Assert.Contains("table offset", FailsAfterEdit(b => BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(TableOffset), ulong.MaxValue)));
        Assert.Contains("data offset", FailsAfterEdit(b => BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(DataOffset), 1UL << 62)));
        Assert.Contains("multiple of 64", FailsAfterEdit(b => BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(DataBytes), 100)));
        Assert.Contains("does not fit", FailsAfterEdit(b => BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(DataBytes), 1UL << 63)));
        Assert.Contains("does not fit", FailsAfterEdit(b => BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(DataBytes), BinaryPrimitives.ReadUInt64LittleEndian(b.AsSpan(DataBytes)) - 64)));
    }

    [Fact]
    public void EmbeddedConfigIsValidated()
    {
        string m = FailsAfterEdit(b =>
        {
            int i = Encoding.ASCII.GetString(b, 64, 400).IndexOf("gelu", StringComparison.Ordinal);
            b[64 + i + 3] = (byte)'x';
        });
        Assert.Contains("embedded config", m);
        Assert.Contains("activation", m);
        Assert.Contains("embedded config", FailsAfterEdit(b => b[64] = (byte)'['));
    }

    [Fact]
    public void TableEntriesAreChecked()
    {
        const string W = "classifier.weight", Bias = "classifier.bias", Pos = "pos_embedding.weight";
        Assert.Contains("name length", FailsAfterEdit(b => BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(Entry(b, W) + EName), 0)));
        Assert.Contains("name length", FailsAfterEdit(b => BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(Entry(b, W) + EName), ushort.MaxValue)));
        Assert.Contains("printable", FailsAfterEdit(b => b[Entry(b, W) + ENameBytes + 2] = 7));
        Assert.Contains("padding", FailsAfterEdit(b => b[Entry(b, W) + 127] = (byte)'x'));
        Assert.Contains("dtype code 9", FailsAfterEdit(b => b[Entry(b, W) + EDType] = 9));
        Assert.Contains("rank 0", FailsAfterEdit(b => b[Entry(b, W) + ERank] = 0));
        Assert.Contains("rank 200", FailsAfterEdit(b => b[Entry(b, W) + ERank] = 200));
        Assert.Contains("must have rank 2", FailsAfterEdit(b => b[Entry(b, W) + ERank] = 3));
        Assert.Contains("unused dimension", FailsAfterEdit(b => b[Entry(b, Bias) + EDims + 4] = 1));
        Assert.Contains("dimension 0 is 0", FailsAfterEdit(b => BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(Entry(b, W) + EDims), 0)));
        Assert.Contains("out of range", FailsAfterEdit(b => BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(Entry(b, W) + EDims), uint.MaxValue)));
        // Shape product overflow: rank 4 with every dimension 2^28 (each allowed alone, product 2^112).
        Assert.Contains("element count exceeds", FailsAfterEdit(b =>
        {
            int e = Entry(b, Pos);
            b[e + ERank] = 4;
            for (int k = 0; k < 4; k++) BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(e + EDims + 4 * k), 1u << 28);
        }));
        Assert.Contains("reserved field", FailsAfterEdit(b => b[Entry(b, W) + EReserved] = 1));
        Assert.Contains("not 64-byte aligned", FailsAfterEdit(b => b[Entry(b, W) + EData] += 4));
        Assert.Contains("not 64-byte aligned", FailsAfterEdit(b => b[Entry(b, W) + EScales] += 4));
        Assert.Contains("extends past", FailsAfterEdit(b => BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(Entry(b, W) + EData), 1UL << 62)));
        Assert.Contains("extends past", FailsAfterEdit(b => BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(Entry(b, W) + EData), ulong.MaxValue - 63)));
        Assert.Contains("extends past", FailsAfterEdit(b => BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(Entry(b, W) + EScales), ulong.MaxValue - 63)));
        Assert.Contains("does not match its shape", FailsAfterEdit(b => b[Entry(b, W) + EDataBytes] += 1));
        Assert.Contains("scales offset 0", FailsAfterEdit(b => b[Entry(b, Bias) + EScales] = 64));
        // Overlap: point the classifier bias at the classifier weight's data.
        Assert.Contains("overlaps", FailsAfterEdit(b => BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(Entry(b, Bias) + EData), BinaryPrimitives.ReadUInt64LittleEndian(b.AsSpan(Entry(b, W) + EData)))));
        // Data placed inside the tensor table.
        Assert.Contains("overlaps", FailsAfterEdit(b => BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(Entry(b, "input_proj.weight") + EData), 64)));
    }

    [Fact]
    public void TableMustMatchTheConfig()
    {
        Assert.Contains("not part of a model", FailsAfterEdit(b => b[Entry(b, "classifier.weight") + ENameBytes] = (byte)'k'));
        // Renaming classifier.bias to classifier.weight (same length prefix is not possible) → rename layers.0 → layers.1 duplicate.
        Assert.Contains("appears more than once", FailsAfterEdit(b => b[Entry(b, "layers.0.norm1.bias") + ENameBytes + 7] = (byte)'1'));
        Assert.Contains("needs [3, 8]", FailsAfterEdit(b =>
        {
            int e = Entry(b, "classifier.weight");
            BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(e + EDims), 1);
            BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(e + EDataBytes), 8);
        }));
        Assert.Contains("only Linear weights", FailsAfterEdit(b =>
        {
            int e = Entry(b, "pos_embedding.weight"); // [7, 8] float32 → claim int8 with scales after it
            b[e + EDType] = 2;
            BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(e + EDataBytes), 56);
            BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(e + EScales), BinaryPrimitives.ReadUInt64LittleEndian(b.AsSpan(e + EData)) + 64);
        }));
    }

    [Fact]
    public void NonFiniteValuesAndNegativeScalesAreRejected()
    {
        Assert.Contains("not a finite number", FailsAfterEdit(b =>
            BinaryPrimitives.WriteSingleLittleEndian(b.AsSpan((int)BinaryPrimitives.ReadUInt64LittleEndian(b.AsSpan(Entry(b, "classifier.bias") + EData)) + 4), float.NaN)));
        Assert.Contains("scale of row 2", FailsAfterEdit(b =>
            BinaryPrimitives.WriteSingleLittleEndian(b.AsSpan((int)BinaryPrimitives.ReadUInt64LittleEndian(b.AsSpan(Entry(b, "classifier.weight") + EScales)) + 8), -1f)));
    }

    private static int DataOf(byte[] b, string name, int field = EData) =>
        (int)BinaryPrimitives.ReadUInt64LittleEndian(b.AsSpan(Entry(b, name) + field));

    [Fact]
    public void ZeroOrNegativeInputStdIsRejectedByTheReader()
    {
        // Before: a zero std passed the reader (and `inspect`), and only the runtime session refused the model.
        ModelConfig c = TestModels.Small();
        byte[] valid = ModelWriter.ToBytes(c, TestModels.Tensors(c, 7, int8: false, withInputNorm: true));
        using (ModelFile.FromBytes(valid)) { }
        foreach (float bad in new[] { 0f, -0f, -1.5f })
        {
            byte[] b = (byte[])valid.Clone();
            BinaryPrimitives.WriteSingleLittleEndian(b.AsSpan(DataOf(b, ModelTensors.InputNormStd) + 8), bad);
            FixCrc(b);
            string m = Fails(b);
            Assert.Contains("'input_norm.std' element 2", m);
            Assert.Contains("must be > 0", m);
        }
    }

    [Fact]
    public void NonZeroPaddingIsRejected()
    {
        // FORMAT.md: padding bytes are zero. Before, the reader accepted any padding (behind a repaired CRC).
        byte[] valid = Valid();
        int configEnd = 64 + (int)BinaryPrimitives.ReadUInt32LittleEndian(valid.AsSpan(ConfigBytes));
        int table = (int)BinaryPrimitives.ReadUInt64LittleEndian(valid.AsSpan(TableOffset));
        int tableEnd = table + 128 * (int)BinaryPrimitives.ReadUInt32LittleEndian(valid.AsSpan(Count));
        int data = (int)BinaryPrimitives.ReadUInt64LittleEndian(valid.AsSpan(DataOffset));
        int dataEnd = data + (int)BinaryPrimitives.ReadUInt64LittleEndian(valid.AsSpan(DataBytes));
        int biasEnd = DataOf(valid, ModelTensors.InputProjBias) + 4 * 8;    // [8] float32, then 32 bytes of padding
        var places = new List<(int Offset, string Where)>
        {
            (biasEnd, "before the data of tensor"),
            (dataEnd - 1, "after the last tensor"),
        };
        if (configEnd < table) places.Add((table - 1, "after the config"));
        if (tableEnd < data) places.Add((data - 1, "after the tensor table"));
        Assert.True(places.Count >= 3, "the test model should have padding after the config or the table");
        foreach ((int offset, string where) in places)
        {
            Assert.Equal(0, valid[offset]);
            string m = FailsAfterEdit(b => b[offset] = 0x5A);
            Assert.Contains("is not zero", m);
            Assert.Contains(where, m);
        }
    }

    [Fact]
    public void AbsurdValuesAndInt8MinusOneTwentyEightAreRejected()
    {
        // 3e38 is finite, but no trained weight is near it: products overflow float32 at run time.
        string m = FailsAfterEdit(b => BinaryPrimitives.WriteSingleLittleEndian(b.AsSpan(DataOf(b, "layers.0.norm1.weight") + 4), 3e38f));
        Assert.Contains("'layers.0.norm1.weight' element 1 is 3E+38", m);
        Assert.Contains("1000000", m);
        Assert.Contains("-128", FailsAfterEdit(b => b[DataOf(b, ModelTensors.ClassifierWeight) + 5] = 0x80));
        Assert.Contains("scale of row 1", FailsAfterEdit(b =>
            BinaryPrimitives.WriteSingleLittleEndian(b.AsSpan(DataOf(b, ModelTensors.ClassifierWeight, EScales) + 4), 1e5f)));
        // The bound itself is accepted.
        byte[] edge = Valid();
        BinaryPrimitives.WriteSingleLittleEndian(edge.AsSpan(DataOf(edge, "layers.0.norm1.weight") + 4), -TensorValues.MaxAbsValue);
        FixCrc(edge);
        using (ModelFile.FromBytes(edge)) { }
    }

    [Fact]
    public void OpenNamesTheFileAndCopesWithNonFiles()
    {
        string dir = TestModels.TempDir();
        string path = Path.Combine(dir, "bad.eam");
        File.WriteAllBytes(path, Valid()[..100]);
        var e = Assert.Throws<ModelFormatException>(() => ModelFile.Open(path));
        Assert.StartsWith(path, e.Message);
        Assert.Throws<ModelFormatException>(() => ModelFile.Open(dir));
        File.WriteAllBytes(path, []);
        Assert.Contains("too short", Assert.Throws<ModelFormatException>(() => ModelFile.Open(path)).Message);
    }
}
