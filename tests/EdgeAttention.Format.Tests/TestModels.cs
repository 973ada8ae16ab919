using EdgeAttention.Format;

namespace EdgeAttention.Format.Tests;

/// <summary>Configs and random weights for tests (shared with the Convert tests by file link).</summary>
internal static class TestModels
{
    public const string ExampleJson = """
    {
      "schema": "edge-attention/model@1",
      "name": "kws-tiny",
      "input_features": 40,
      "d_model": 64,
      "heads": 4,
      "window": 64,
      "layers": 1,
      "ff_dim": 128,
      "activation": "gelu",
      "norm": "post",
      "layer_norm_eps": 1e-5,
      "positional": { "kind": "recycling", "period": 64 },
      "attention": { "kind": "nystrom", "landmarks": 8, "landmark_mode": "continual", "pinv_iterations": 6 },
      "final_norm": true,
      "classes": ["silence", "yes", "no"]
    }
    """;

    public static ModelConfig Small(int f = 5, int d = 8, int heads = 2, int window = 6, int layers = 2, int ff = 12,
        PositionalKind pos = PositionalKind.Recycling, int period = 7, AttentionKind attn = AttentionKind.Nystrom,
        int landmarks = 3, LandmarkMode mode = LandmarkMode.Fixed, bool finalNorm = true, int classes = 3,
        NormPlacement norm = NormPlacement.Post, ActivationKind act = ActivationKind.Gelu) => new()
        {
            Name = "test",
            InputFeatures = f, DModel = d, Heads = heads, Window = window, Layers = layers, FfDim = ff,
            Activation = act, Norm = norm, Positional = pos, PositionalPeriod = pos == PositionalKind.Recycling ? period : 0,
            Attention = attn, Landmarks = attn == AttentionKind.Nystrom ? landmarks : 0, LandmarkMode = attn == AttentionKind.Nystrom ? mode : LandmarkMode.Window,
            FinalNorm = finalNorm, Classes = Enumerable.Range(0, classes).Select(i => "c" + i).ToArray(),
        };

    /// <summary>Random float32 weights for every expected tensor (std > 0 for input_norm.std).</summary>
    public static Dictionary<string, float[]> RandomWeights(ModelConfig c, int seed, bool withInputNorm = false)
    {
        var rng = new Random(seed);
        var result = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (ExpectedTensor e in ModelTensors.Expected(c))
        {
            if (e.Optional && !withInputNorm) continue;
            var v = new float[e.ElementCount];
            for (int i = 0; i < v.Length; i++) v[i] = (float)(rng.NextDouble() * 2 - 1);
            if (e.Name == ModelTensors.InputNormStd) for (int i = 0; i < v.Length; i++) v[i] = 0.5f + Math.Abs(v[i]);
            result[e.Name] = v;
        }
        return result;
    }

    /// <summary>TensorData list for the .eam writer; Linear weights quantized with per-row int8 when asked.</summary>
    public static List<TensorData> Tensors(ModelConfig c, int seed, bool int8, bool withInputNorm = false)
    {
        Dictionary<string, float[]> w = RandomWeights(c, seed, withInputNorm);
        var list = new List<TensorData>();
        foreach (ExpectedTensor e in ModelTensors.Expected(c))
        {
            if (!w.TryGetValue(e.Name, out float[]? v)) continue;
            if (int8 && e.IsLinearWeight)
            {
                int rows = e.Shape[0], cols = e.Shape[1];
                var q = new sbyte[v.Length];
                var s = new float[rows];
                EdgeAttention.Kernels.Quantize.Weights(v, rows, cols, q, s);
                list.Add(TensorData.FromInt8(e.Name, rows, cols, q, s));
            }
            else
            {
                list.Add(TensorData.FromFloat32(e.Name, e.Shape, v));
            }
        }
        return list;
    }

    /// <summary>A fresh folder under one per-process root that is deleted when the test process exits.</summary>
    public static string TempDir()
    {
        string dir = Path.Combine(Root.Value, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    private static readonly Lazy<string> Root = new(() =>
    {
        string parent = Path.Combine(Path.GetTempPath(), "ea-format-tests");
        // Remove folders of earlier test processes that have ended (the test host does not always run ProcessExit).
        if (Directory.Exists(parent))
        {
            foreach (string old in Directory.GetDirectories(parent))
            {
                string name = Path.GetFileName(old);
                int dash = name.IndexOf('-');
                if (dash > 0 && int.TryParse(name[..dash], out int pid) && pid != Environment.ProcessId && !Directory.Exists($"/proc/{pid}"))
                    try { Directory.Delete(old, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            }
        }

        string root = Path.Combine(parent, Environment.ProcessId + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(root);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { Directory.Delete(root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        };
        return root;
    });
}
