using EdgeAttention.Format;
using EdgeAttention.Kernels;

namespace EdgeAttention.Model;

/// <summary>
/// In-memory random models of any config (device self-test, tests, benchmarks). Every tensor of models/README.md §2
/// for the config, including input_norm: Linear weights U(−1, 1)/√in (PyTorch's default scale), biases
/// U(−0.1, 0.1), LayerNorm γ = 1 ± 0.2, β ± 0.1, positional rows U(−0.5, 0.5), fixed landmarks U(−1, 1),
/// input std U(0.5, 2). Deterministic for a seed.
/// </summary>
public static class SyntheticModel
{
    /// <summary>The .eam bytes of a random model (float32, or every Linear weight int8 per row via <see cref="Quantize.Weights"/>).</summary>
    public static byte[] CreateBytes(ModelConfig config, int seed, bool int8 = false)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        var rng = new Random(seed);
        float U(float a) => (float)((rng.NextDouble() * 2 - 1) * a);
        var tensors = new List<TensorData>();
        foreach (ExpectedTensor e in ModelTensors.Expected(config))
        {
            var data = new float[e.ElementCount];
            string n = e.Name;
            if (e.IsLinearWeight)
            {
                float a = 1f / MathF.Sqrt(e.Shape[1]);
                for (int i = 0; i < data.Length; i++) data[i] = U(a);
            }
            else if (n == ModelTensors.InputNormStd)
            {
                for (int i = 0; i < data.Length; i++) data[i] = 1.25f + U(0.75f);
            }
            else if (n == ModelTensors.InputNormMean)
            {
                for (int i = 0; i < data.Length; i++) data[i] = U(0.5f);
            }
            else if (n == ModelTensors.PosEmbedding)
            {
                for (int i = 0; i < data.Length; i++) data[i] = U(0.5f);
            }
            else if (n.EndsWith("landmarks_q", StringComparison.Ordinal) || n.EndsWith("landmarks_k", StringComparison.Ordinal))
            {
                for (int i = 0; i < data.Length; i++) data[i] = U(1f);
            }
            else if (n.EndsWith("norm1.weight", StringComparison.Ordinal) || n.EndsWith("norm2.weight", StringComparison.Ordinal) ||
                     n == ModelTensors.FinalNormWeight)
            {
                for (int i = 0; i < data.Length; i++) data[i] = 1f + U(0.2f);
            }
            else
            {
                for (int i = 0; i < data.Length; i++) data[i] = U(0.1f);
            }

            if (int8 && e.IsLinearWeight)
            {
                int rows = e.Shape[0], cols = e.Shape[1];
                var q = new sbyte[data.Length];
                var scales = new float[rows];
                Quantize.Weights(data, rows, cols, q, scales);
                tensors.Add(TensorData.FromInt8(n, rows, cols, q, scales));
            }
            else
            {
                tensors.Add(TensorData.FromFloat32(n, e.Shape, data));
            }
        }
        return ModelWriter.ToBytes(config, tensors);
    }

    /// <summary>A random model of <paramref name="config"/>, opened from memory.</summary>
    public static ModelFile Create(ModelConfig config, int seed, bool int8 = false) =>
        ModelFile.FromBytes(CreateBytes(config, seed, int8));
}
