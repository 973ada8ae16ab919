using System.Globalization;
using EdgeAttention.Format;
using EdgeAttention.Kernels;

namespace EdgeAttention.Convert;

/// <summary>
/// model.json + model.safetensors → model.eam. Every tensor the config needs (ModelTensors.Expected, models/README.md §2)
/// must be present with its exact shape and values the .eam reader accepts (TensorValues: finite, |v| ≤ 1e6,
/// input_norm.std &gt; 0); F16/BF16/F64 become float32; extra tensors are
/// reported and ignored. With int8 quantization every Linear weight becomes per-output-channel symmetric int8
/// (Quantize.Weights: s[r] = max|W[r,:]|/127, q = round(W/s)); norms, biases, embeddings and landmarks stay float32.
/// The output is written atomically (temp file + rename): on any error no output file is left behind.
/// </summary>
public static class ModelConverter
{
    public static ConversionReport Convert(string configPath, string weightsPath, string outputPath, bool quantizeInt8, TextWriter? log = null)
    {
        ArgumentNullException.ThrowIfNull(configPath);
        ArgumentNullException.ThrowIfNull(weightsPath);
        ArgumentNullException.ThrowIfNull(outputPath);
        string outFull = Path.GetFullPath(outputPath);
        if (outFull == Path.GetFullPath(configPath) || outFull == Path.GetFullPath(weightsPath))
            throw new ModelFormatException($"--output {outputPath} would overwrite an input file; choose another output path");
        if (Directory.Exists(outFull))
            throw new ModelFormatException($"--output {outputPath} is a directory; give a file name like model.eam");

        ModelConfig config = ModelConfig.Load(configPath);
        IReadOnlyList<ExpectedTensor> expected = ModelTensors.Expected(config);
        var written = new List<TensorData>(expected.Count);
        var converted = new List<ConvertedTensor>(expected.Count);
        var extras = new List<string>();
        var errors = new List<QuantizationError>();

        using (SafeTensorsFile weights = SafeTensorsFile.Open(weightsPath))
        {
            foreach (SafeTensorInfo t in weights.Tensors)
            {
                if (ModelTensors.Find(expected, t.Name) is null)
                {
                    extras.Add(t.Name);
                    log?.WriteLine($"ignored extra tensor '{t.Name}' {t.DType} {t.ShapeText}");
                }
            }

            bool hasMean = weights.Contains(ModelTensors.InputNormMean), hasStd = weights.Contains(ModelTensors.InputNormStd);
            if (hasMean != hasStd)
                throw new ModelFormatException($"{weightsPath}: '{(hasMean ? ModelTensors.InputNormStd : ModelTensors.InputNormMean)}' is missing: input_norm.mean and input_norm.std must be given together");

            foreach (ExpectedTensor e in expected)
            {
                if (!weights.Contains(e.Name))
                {
                    if (e.Optional) continue;
                    throw new ModelFormatException($"{weightsPath}: missing tensor '{e.Name}' with shape {e.ShapeText} (required by the config: {Why(e.Name, config)})");
                }
                SafeTensorInfo src = weights.Info(e.Name);
                if (!src.Shape.AsSpan().SequenceEqual(e.Shape))
                    throw new ModelFormatException($"{weightsPath}: tensor '{e.Name}' has shape {src.ShapeText} but the config needs {e.ShapeText} ({Why(e.Name, config)})");
                float[] values = weights.ReadFloat32(e.Name);
                // The reader's value rules (finite, |v| <= 1e6, std > 0), checked here to name the source file and dtype.
                string? problem = TensorValues.CheckFloat32(e.Name, values);
                if (problem is not null)
                    throw new ModelFormatException($"{weightsPath}: tensor '{e.Name}' {problem} (after conversion from {src.DType} to float32); fix the weights");

                if (quantizeInt8 && e.IsLinearWeight)
                {
                    int rows = e.Shape[0], cols = e.Shape[1];
                    var q = new sbyte[values.Length];
                    var scales = new float[rows];
                    Quantize.Weights(values, rows, cols, q, scales);
                    QuantizationError err = Measure(e.Name, values, q, scales, rows, cols);
                    errors.Add(err);
                    log?.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"quantized '{e.Name}' [{rows}, {cols}] int8: max abs error {err.MaxAbs:E3}, relative RMS error {err.RelativeRms:E3}"));
                    written.Add(TensorData.FromInt8(e.Name, rows, cols, q, scales));
                    converted.Add(new ConvertedTensor(e.Name, TensorDType.Int8, e.Shape, src.DType));
                }
                else
                {
                    written.Add(TensorData.FromFloat32(e.Name, e.Shape, values));
                    converted.Add(new ConvertedTensor(e.Name, TensorDType.Float32, e.Shape, src.DType));
                }
            }
        }

        ModelWriter.WriteFile(outputPath, config, written);
        long bytes = new FileInfo(outputPath).Length;
        var report = new ConversionReport
        {
            Config = config, OutputPath = outputPath, OutputBytes = bytes, Quantized = quantizeInt8,
            Tensors = converted, ExtrasIgnored = extras, QuantizationErrors = errors,
        };
        log?.WriteLine($"wrote {outputPath}: {converted.Count} tensors, {report.ParameterCount} parameters, {bytes} bytes{(quantizeInt8 ? " (int8 Linear weights)" : "")}{(extras.Count > 0 ? $", {extras.Count} extra tensors ignored" : "")}");
        return report;
    }

    /// <summary>Max abs and relative RMS error of the dequantized weight q[r, c] · s[r] against W.</summary>
    internal static QuantizationError Measure(string name, ReadOnlySpan<float> w, ReadOnlySpan<sbyte> q, ReadOnlySpan<float> scales, int rows, int cols)
    {
        double maxAbs = 0, errSq = 0, refSq = 0;
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < cols; c++)
            {
                int i = r * cols + c;
                double diff = w[i] - (double)q[i] * scales[r];
                maxAbs = Math.Max(maxAbs, Math.Abs(diff));
                errSq += diff * diff;
                refSq += (double)w[i] * w[i];
            }
        }

        return new QuantizationError(name, maxAbs, refSq > 0 ? Math.Sqrt(errSq / refSq) : 0);
    }

    /// <summary>Which config fields determine a tensor's presence/shape, for error messages.</summary>
    private static string Why(string name, ModelConfig c)
    {
        if (name.StartsWith("input_proj", StringComparison.Ordinal)) return $"d_model={c.DModel}, input_features={c.InputFeatures}";
        if (name == ModelTensors.PosEmbedding) return $"positional.kind=recycling, positional.period={c.PositionalPeriod}, d_model={c.DModel}";
        if (name.StartsWith("final_norm", StringComparison.Ordinal)) return $"final_norm=true, d_model={c.DModel}";
        if (name.StartsWith("classifier", StringComparison.Ordinal)) return $"classes has {c.Classes.Count} entries, d_model={c.DModel}";
        if (name.Contains("landmarks_", StringComparison.Ordinal)) return $"attention.landmark_mode=fixed, heads={c.Heads}, attention.landmarks={c.Landmarks}, d_model={c.DModel}";
        if (name.Contains("linear", StringComparison.Ordinal)) return $"layers={c.Layers}, ff_dim={c.FfDim}, d_model={c.DModel}";
        if (name.StartsWith("layers.", StringComparison.Ordinal)) return $"layers={c.Layers}, d_model={c.DModel}";
        return $"input_features={c.InputFeatures}";
    }
}
