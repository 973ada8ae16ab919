using EdgeAttention.Attention;
using EdgeAttention.Format;

namespace EdgeAttention.Model;

/// <summary>Maps a model config to the attention layer's options, per layer.</summary>
internal static class AttentionFactory
{
    /// <summary>
    /// Options for layer <paramref name="layer"/> (0-based). models/README.md §4.2: landmark mode <c>continual</c> means
    /// <c>window</c> at layers &gt; 1; <c>fixed</c> takes the layer's landmark tensors (zeros when only costs are wanted).
    /// </summary>
    public static AttentionOptions Options(ModelConfig c, int layer, float[]? landmarksQ, float[]? landmarksK)
    {
        bool nystrom = c.Attention == AttentionKind.Nystrom;
        LandmarkMode mode = Mode(c, layer);
        int m = nystrom ? c.Landmarks : 1;
        if (mode == LandmarkMode.Fixed)
        {
            landmarksQ ??= new float[c.Heads * m * c.HeadDim];
            landmarksK ??= new float[c.Heads * m * c.HeadDim];
        }
        var o = new AttentionOptions
        {
            Window = c.Window,
            Heads = c.Heads,
            HeadDim = c.HeadDim,
            Kind = nystrom ? AttentionKind.Nystrom : AttentionKind.Softmax,
            Landmarks = m,
            Mode = mode,
            PinvIterations = nystrom ? c.PinvIterations : 6,
            FixedLandmarksQ = mode == LandmarkMode.Fixed ? landmarksQ : null,
            FixedLandmarksK = mode == LandmarkMode.Fixed ? landmarksK : null,
        };
        o.Validate();
        return o;
    }

    /// <summary>The landmark mode of layer <paramref name="layer"/>: <c>continual</c> only at layer 1, <c>window</c> for softmax.</summary>
    public static LandmarkMode Mode(ModelConfig c, int layer) => c.Attention != AttentionKind.Nystrom ? LandmarkMode.Window : c.LandmarkMode switch
    {
        LandmarkMode.Continual => layer == 0 ? LandmarkMode.Continual : LandmarkMode.Window,
        LandmarkMode.Fixed => LandmarkMode.Fixed,
        _ => LandmarkMode.Window,
    };

    /// <summary>
    /// True when only the newest query row is read by a newest-only window evaluation: softmax, Nyström with
    /// m ≥ n (exactly softmax) or fixed landmarks. Window/continual landmarks need every q row (segment means).
    /// </summary>
    public static bool NewestQueryOnly(ModelConfig c) =>
        c.Attention == AttentionKind.Softmax || c.Landmarks >= c.Window || c.LandmarkMode == LandmarkMode.Fixed;
}
