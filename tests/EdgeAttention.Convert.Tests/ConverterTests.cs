using EdgeAttention.Convert;
using EdgeAttention.Format;
using EdgeAttention.Format.Tests;

namespace EdgeAttention.Convert.Tests;

/// <summary>ModelConverter.Convert end to end on small models written by the test (model.json + safetensors).</summary>
public class ConverterTests
{
    internal sealed class Case
    {
        public required string Dir, Config, Weights, Output;
        public required ModelConfig Model;
        public required Dictionary<string, float[]> Values;
    }

    internal static Case Write(ModelConfig? config = null, string dtype = "F32", bool inputNorm = false,
        Action<Dictionary<string, float[]>>? editWeights = null, IEnumerable<(string, int[], float[])>? extras = null, int seed = 1)
    {
        ModelConfig c = config ?? TestModels.Small();
        string dir = TestModels.TempDir();
        Dictionary<string, float[]> w = TestModels.RandomWeights(c, seed, inputNorm);
        editWeights?.Invoke(w);
        string cfg = Path.Combine(dir, "model.json"), weights = Path.Combine(dir, "model.safetensors");
        File.WriteAllText(cfg, c.ToJson());
        File.WriteAllBytes(weights, SafeTensorsBuilder.ForModel(w, c, dtype, extras));
        return new Case { Dir = dir, Config = cfg, Weights = weights, Output = Path.Combine(dir, "model.eam"), Model = c, Values = w };
    }

    [Theory]
    [InlineData("F32")]
    [InlineData("F16")]
    [InlineData("BF16")]
    [InlineData("F64")]
    public void Float32ConversionKeepsEveryTensor(string dtype)
    {
        Case k = Write(dtype: dtype, inputNorm: true);
        ConversionReport r = ModelConverter.Convert(k.Config, k.Weights, k.Output, quantizeInt8: false);
        Assert.Empty(r.ExtrasIgnored);
        Assert.Empty(r.QuantizationErrors);
        Assert.Equal(new FileInfo(k.Output).Length, r.OutputBytes);
        using ModelFile m = ModelFile.Open(k.Output);
        Assert.True(k.Model.SameAs(m.Config));
        Assert.Equal(k.Values.Count, m.Tensors.Count);
        foreach ((string name, float[] v) in k.Values)
        {
            float[] stored = m.GetFloat32(name).ToArray();
            float tol = dtype switch { "F16" => 1e-3f, "BF16" => 1e-2f, _ => 0f };
            for (int i = 0; i < v.Length; i++) Assert.True(Math.Abs(stored[i] - v[i]) <= tol * Math.Max(1, Math.Abs(v[i])), $"{name}[{i}] {stored[i]} vs {v[i]}");
            Assert.Equal(dtype, r.Tensors.Single(t => t.Name == name).SourceDType);
        }
        Assert.Single(Directory.GetFiles(k.Dir, "*.eam"));
        Assert.Equal(3, Directory.GetFiles(k.Dir).Length); // no temp files left
    }

    [Fact]
    public void Int8QuantizesExactlyTheLinearWeightsAndReportsErrors()
    {
        Case k = Write(config: TestModels.Small(f: 10, d: 16, heads: 4, ff: 32, layers: 2));
        var log = new StringWriter();
        ConversionReport r = ModelConverter.Convert(k.Config, k.Weights, k.Output, quantizeInt8: true, log);
        using ModelFile m = ModelFile.Open(k.Output);
        IReadOnlyList<ExpectedTensor> expected = ModelTensors.Expected(k.Model);
        foreach (ExpectedTensor e in expected.Where(e => !e.Optional))
        {
            TensorInfo info = m.Info(e.Name);
            Assert.Equal(e.IsLinearWeight ? TensorDType.Int8 : TensorDType.Float32, info.DType);
            if (!e.IsLinearWeight) continue;
            Int8Tensor q = m.GetInt8(e.Name);
            float[] w = k.Values[e.Name];
            double maxErr = 0;
            for (int row = 0; row < q.Rows; row++)
            {
                // Per-row symmetric: scale = max|W[row,:]| / 127, so each element is within scale/2.
                float max = 0;
                for (int col = 0; col < q.Cols; col++) max = Math.Max(max, Math.Abs(w[row * q.Cols + col]));
                Assert.Equal(max / 127f, q.Scales[row], 1e-6f);
                for (int col = 0; col < q.Cols; col++)
                {
                    double err = Math.Abs(w[row * q.Cols + col] - q.Data[row * q.Cols + col] * (double)q.Scales[row]);
                    Assert.True(err <= q.Scales[row] * 0.5001, $"{e.Name}[{row},{col}]");
                    maxErr = Math.Max(maxErr, err);
                }
            }
            QuantizationError qe = r.QuantizationErrors.Single(x => x.Name == e.Name);
            Assert.Equal(maxErr, qe.MaxAbs, 1e-6);
            Assert.InRange(qe.RelativeRms, 1e-4, 1e-2);
            Assert.Contains($"quantized '{e.Name}'", log.ToString());
        }
        Assert.Equal(expected.Count(e => e.IsLinearWeight), r.QuantizationErrors.Count);
        Assert.Contains("wrote ", log.ToString());
        Assert.True(r.OutputBytes < new FileInfo(k.Weights).Length);
    }

    [Fact]
    public void ExtraTensorsAreReportedAndIgnored()
    {
        Case k = Write(extras: [("layers.0.self_attn.bias_k", [1, 8], new float[8]), ("num_batches_tracked", [1], [3f])]);
        var log = new StringWriter();
        ConversionReport r = ModelConverter.Convert(k.Config, k.Weights, k.Output, false, log);
        Assert.Equal(["layers.0.self_attn.bias_k", "num_batches_tracked"], r.ExtrasIgnored.Order());
        Assert.Contains("ignored extra tensor 'num_batches_tracked'", log.ToString());
        using ModelFile m = ModelFile.Open(k.Output);
        Assert.False(m.Contains("num_batches_tracked"));
    }

    [Fact]
    public void ExtraTensorsMayHaveNonFloatDtypes()
    {
        ModelConfig c = TestModels.Small();
        string dir = TestModels.TempDir();
        var b = new SafeTensorsBuilder();
        foreach ((string n, float[] v) in TestModels.RandomWeights(c, 3)) b.Add(n, ModelTensors.Expected(c).Single(e => e.Name == n).Shape, v);
        b.Add("steps", [1], [5f], "I64");
        File.WriteAllText(Path.Combine(dir, "m.json"), c.ToJson());
        File.WriteAllBytes(Path.Combine(dir, "w.safetensors"), b.Build());
        ConversionReport r = ModelConverter.Convert(Path.Combine(dir, "m.json"), Path.Combine(dir, "w.safetensors"), Path.Combine(dir, "o.eam"), true);
        Assert.Equal(["steps"], r.ExtrasIgnored);
    }

    private static string Fails(Case k, bool int8 = false)
    {
        var e = Assert.Throws<ModelFormatException>(() => ModelConverter.Convert(k.Config, k.Weights, k.Output, int8));
        Assert.DoesNotContain('\n', e.Message);
        Assert.False(File.Exists(k.Output), "output file left behind");
        Assert.Equal(2, Directory.GetFiles(k.Dir).Length); // no temp files either
        return e.Message;
    }

    [Fact]
    public void MissingTensorIsNamed()
    {
        string m = Fails(Write(editWeights: w => w.Remove("layers.1.linear2.weight")));
        Assert.Contains("missing tensor 'layers.1.linear2.weight' with shape [8, 12]", m);
        Assert.Contains("ff_dim=12", m);
        Assert.Contains("'layers.0.self_attn.landmarks_k'", Fails(Write(editWeights: w => w.Remove("layers.0.self_attn.landmarks_k"))));
        Assert.Contains("'pos_embedding.weight'", Fails(Write(editWeights: w => w.Remove("pos_embedding.weight"))));
    }

    [Fact]
    public void WrongShapeIsNamed()
    {
        Case k = Write();
        // Rewrite the weights with a transposed classifier.
        var b = new SafeTensorsBuilder();
        foreach (ExpectedTensor e in ModelTensors.Expected(k.Model).Where(e => k.Values.ContainsKey(e.Name)))
            b.Add(e.Name, e.Name == "classifier.weight" ? [e.Shape[1], e.Shape[0]] : e.Shape, k.Values[e.Name]);
        File.WriteAllBytes(k.Weights, b.Build());
        string m = Fails(k);
        Assert.Contains("tensor 'classifier.weight' has shape [8, 3] but the config needs [3, 8]", m);
        Assert.Contains("classes", m);
    }

    [Fact]
    public void BadValuesAreNamed()
    {
        Assert.Contains("'layers.0.norm1.bias' element 2 is NaN", Fails(Write(editWeights: w => w["layers.0.norm1.bias"][2] = float.NaN)));
        Assert.Contains("'classifier.bias' element 0 is", Fails(Write(editWeights: w => w["classifier.bias"][0] = float.PositiveInfinity), int8: true));
        // A float64 value beyond float32 range becomes infinite: reported, not silently kept.
        Case big = Write(dtype: "F64");
        var b = new SafeTensorsBuilder();
        foreach (ExpectedTensor e in ModelTensors.Expected(big.Model).Where(e => big.Values.ContainsKey(e.Name)))
            b.AddF64(e.Name, e.Shape, big.Values[e.Name].Select((v, i) => e.Name == "input_proj.bias" && i == 1 ? 1e300 : v).ToArray());
        File.WriteAllBytes(big.Weights, b.Build());
        Assert.Contains("'input_proj.bias' element 1 is", Fails(big));
        Assert.Contains("standard deviations must be > 0", Fails(Write(inputNorm: true, editWeights: w => w["input_norm.std"][0] = 0)));
        Assert.Contains("must be given together", Fails(Write(inputNorm: true, editWeights: w => w.Remove("input_norm.std"))));
    }

    [Fact]
    public void AbsurdWeightsAreRefusedWithTheTensorName()
    {
        // 3e38 is a finite float32 that the converter used to accept; |w| <= 1e6 (TensorValues.MaxAbsValue) now.
        string m = Fails(Write(editWeights: w => w["layers.1.linear1.weight"][7] = 3e38f));
        Assert.Contains("'layers.1.linear1.weight' element 7 is 3E+38", m);
        Assert.Contains("1000000", m);
        Assert.Contains("'classifier.bias' element 1 is -2000000", Fails(Write(editWeights: w => w["classifier.bias"][1] = -2e6f), int8: true));
        Case edge = Write(editWeights: w => w["layers.1.linear1.weight"][7] = 1e6f);
        ModelConverter.Convert(edge.Config, edge.Weights, Path.Combine(edge.Dir, "edge.eam"), false);
    }

    [Fact]
    public void ConfigAndWeightsFileErrorsAreNamed()
    {
        Case k = Write();
        File.WriteAllText(k.Config, k.Model.ToJson().Replace("\"heads\": 2", "\"heads\": 3"));
        string m = Fails(k);
        Assert.Contains("model.json", m);
        Assert.Contains("'heads'", m);

        k = Write();
        File.WriteAllBytes(k.Weights, File.ReadAllBytes(k.Weights)[..100]);
        Assert.Contains("model.safetensors", Fails(k));

        k = Write();
        File.Delete(k.Weights);
        var e = Assert.Throws<ModelFormatException>(() => ModelConverter.Convert(k.Config, k.Weights, k.Output, false));
        Assert.Contains("model.safetensors", e.Message);
        Assert.False(File.Exists(k.Output));
    }

    [Fact]
    public void OutputMustNotOverwriteAnInput()
    {
        Case k = Write();
        byte[] before = File.ReadAllBytes(k.Weights);
        var e = Assert.Throws<ModelFormatException>(() => ModelConverter.Convert(k.Config, k.Weights, k.Weights, false));
        Assert.Contains("overwrite an input", e.Message);
        Assert.Equal(before, File.ReadAllBytes(k.Weights));
        Assert.Contains("is a directory", Assert.Throws<ModelFormatException>(() => ModelConverter.Convert(k.Config, k.Weights, k.Dir, false)).Message);
    }

    [Fact]
    public void FailedConversionKeepsAnExistingOutputUntouched()
    {
        Case k = Write();
        ModelConverter.Convert(k.Config, k.Weights, k.Output, false);
        byte[] good = File.ReadAllBytes(k.Output);
        File.WriteAllText(k.Config, "{}");
        Assert.Throws<ModelFormatException>(() => ModelConverter.Convert(k.Config, k.Weights, k.Output, false));
        Assert.Equal(good, File.ReadAllBytes(k.Output));
    }
}
