using EdgeAttention.Format;

namespace EdgeAttention.Host.Models;

/// <summary>Configs of the built-in generated models (weights from SyntheticModel.Create, deterministic by seed).</summary>
internal static class GeneratedModels
{
    /// <summary>
    /// Small two-layer continual Nyström model for `selftest`: F=16, d=32, 4 heads, n=24, ff=64, m=4 continual
    /// landmarks, recycling positions, post-norm, GELU. Seconds even under qemu.
    /// </summary>
    public static ModelConfig SelfTest() => new()
    {
        Name = "selftest-generated",
        InputFeatures = 16,
        DModel = 32,
        Heads = 4,
        Window = 24,
        Layers = 2,
        FfDim = 64,
        Activation = ActivationKind.Gelu,
        Norm = NormPlacement.Post,
        Positional = PositionalKind.Recycling,
        PositionalPeriod = 24,
        Attention = AttentionKind.Nystrom,
        Landmarks = 4,
        LandmarkMode = LandmarkMode.Continual,
        PinvIterations = 6,
        FinalNorm = true,
        Classes = ["a", "b", "c", "d"],
    };

    /// <summary>
    /// GTZAN-sized model (the measurement target): F=128, d=192, 16 heads, n=120, ff=192, m=8
    /// continual landmarks, one layer, 10 classes.
    /// </summary>
    public static ModelConfig Gtzan(int layers = 1) => new()
    {
        Name = "gtzan-sized-generated",
        InputFeatures = 128,
        DModel = 192,
        Heads = 16,
        Window = 120,
        Layers = layers,
        FfDim = 192,
        Activation = ActivationKind.Gelu,
        Norm = NormPlacement.Post,
        Positional = PositionalKind.Recycling,
        PositionalPeriod = 120,
        Attention = AttentionKind.Nystrom,
        Landmarks = 8,
        LandmarkMode = LandmarkMode.Continual,
        PinvIterations = 6,
        FinalNorm = true,
        Classes = ["blues", "classical", "country", "disco", "hiphop", "jazz", "metal", "pop", "reggae", "rock"],
    };

    /// <summary>A deterministic test stream [frames, features]: smooth sinusoids plus hashed noise, |x| ≲ 2.</summary>
    public static float[] Stream(int frames, int features, int seed)
    {
        var data = new float[frames * features];
        uint state = (uint)seed * 2654435761u + 1;
        for (int t = 0; t < frames; t++)
        {
            for (int f = 0; f < features; f++)
            {
                state ^= state << 13;
                state ^= state >> 17;
                state ^= state << 5;
                float noise = (state & 0xFFFF) / 65535f - 0.5f;
                data[t * features + f] = MathF.Sin(0.05f * t * (1 + f % 7) + f) + noise;
            }
        }

        return data;
    }
}
