using EdgeAttention.Format;
using AttnKind = EdgeAttention.Attention.AttentionKind;
using AttnMode = EdgeAttention.Attention.LandmarkMode;
using AttnOptions = EdgeAttention.Attention.AttentionOptions;

namespace EdgeAttention.Model;

/// <summary>Maps a model config (Format's enums) to the attention layer's options, per layer.</summary>
internal static class AttentionFactory
{
    /// <summary>
    /// Options for layer <paramref name="layer"/> (0-based). Contract §4.2: landmark mode <c>continual</c> means
    /// <c>window</c> at layers &gt; 1; <c>fixed</c> takes the layer's landmark tensors (zeros when only costs are wanted).
    /// </summary>
    public static AttnOptions Options(ModelConfig c, int layer, float[]? landmarksQ, float[]? landmarksK)
    {
        bool nystrom = c.Attention == AttentionKind.Nystrom;
        AttnMode mode = !nystrom ? AttnMode.Window : c.LandmarkMode switch
        {
            LandmarkMode.Continual => layer == 0 ? AttnMode.Continual : AttnMode.Window,
            LandmarkMode.Fixed => AttnMode.Fixed,
            _ => AttnMode.Window,
        };
        int m = nystrom ? c.Landmarks : 1;
        if (mode == AttnMode.Fixed)
        {
            landmarksQ ??= new float[c.Heads * m * c.HeadDim];
            landmarksK ??= new float[c.Heads * m * c.HeadDim];
        }
        var o = new AttnOptions
        {
            Window = c.Window,
            Heads = c.Heads,
            HeadDim = c.HeadDim,
            Kind = nystrom ? AttnKind.Nystrom : AttnKind.Softmax,
            Landmarks = m,
            Mode = mode,
            PinvIterations = nystrom ? c.PinvIterations : 6,
            FixedLandmarksQ = mode == AttnMode.Fixed ? landmarksQ : null,
            FixedLandmarksK = mode == AttnMode.Fixed ? landmarksK : null,
        };
        o.Validate();
        return o;
    }

    /// <summary>
    /// True when only the newest query row is read by a newest-only window evaluation: softmax, Nyström with
    /// m ≥ n (exactly softmax) or fixed landmarks. Window/continual landmarks need every q row (segment means).
    /// </summary>
    public static bool NewestQueryOnly(ModelConfig c) =>
        c.Attention == AttentionKind.Softmax || c.Landmarks >= c.Window || c.LandmarkMode == LandmarkMode.Fixed;
}
