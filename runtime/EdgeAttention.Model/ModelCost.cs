using EdgeAttention.Attention;
using EdgeAttention.Format;

namespace EdgeAttention.Model;

/// <summary>
/// Multiply-adds of one encoder layer for one stream step, split into attention (as counted by the attention
/// objects) and the Linear layers (in_proj, out_proj, linear1, linear2), for both executions.
/// </summary>
public sealed record LayerCost(
    int Layer,
    long ContinualAttention,
    long ContinualLinear,
    long RecomputeAttention,
    long RecomputeLinear)
{
    public long Continual => ContinualAttention + ContinualLinear;
    public long Recompute => RecomputeAttention + RecomputeLinear;
    public double Speedup => Continual == 0 ? 0 : (double)Recompute / Continual;
}

/// <summary>Per-step multiply-add counts of a model (worst-case step; layer norms and activations excluded).</summary>
public static class ModelCost
{
    /// <summary>
    /// One entry per encoder layer (index 0 = layer 1). Per row: in_proj 3d², out_proj d², FF 2·d·ff.
    /// Continual, layer 1: the newest token's projections + continual attention (single-output when L = 1,
    /// retroactive when L &gt; 1, then out_proj/FF for all n rows). Layers 2..L and every recompute layer: the window's
    /// projections (q of the newest row only where that is all attention reads) + window attention; the last layer
    /// runs out_proj/FF for the newest row only. Recompute with layer-1 continual landmarks adds the q, k projections
    /// of up to ⌈n/m⌉ − 1 positions older than the window.
    /// </summary>
    public static LayerCost[] PerStep(ModelConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        long d = config.DModel, n = config.Window, ff = config.FfDim;
        int layers = config.Layers;
        long rowTail = d * d + 2 * d * ff;                       // out_proj + linear1 + linear2
        bool newestQ = AttentionFactory.NewestQueryOnly(config);
        var result = new LayerCost[layers];
        for (int i = 0; i < layers; i++)
        {
            bool last = i == layers - 1;
            AttentionOptions o = AttentionFactory.Options(config, i, null, null);
            long windowAttention = new WindowAttention(o).MultiplyAdds(newestOnly: last);
            long qRows = last && newestQ ? 1 : n;
            long windowLinear = (2 * n + qRows) * d * d + (last ? 1 : n) * rowTail;

            long contAttention = windowAttention, contLinear = windowLinear;
            long recAttention = windowAttention, recLinear = windowLinear;
            if (i == 0)
            {
                contAttention = new ContinualAttention(o, retroactive: layers > 1).MultiplyAddsPerStep;
                contLinear = 3 * d * d + (layers > 1 ? n : 1) * rowTail;
                if (ArenaPlan.UsesContinualLandmarks(config))
                    recLinear += ((n + config.Landmarks - 1) / config.Landmarks - 1) * 2 * d * d;
            }
            result[i] = new LayerCost(i, contAttention, contLinear, recAttention, recLinear);
        }
        return result;
    }

    /// <summary>input_proj (F·d) + classifier (d·C): the per-step work outside the encoder layers.</summary>
    public static long InputAndHead(ModelConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return (long)config.InputFeatures * config.DModel + (long)config.DModel * config.Classes.Count;
    }

    /// <summary>Total multiply-adds of one step for an execution: <see cref="InputAndHead"/> + Σ layers.</summary>
    public static long Total(ModelConfig config, Execution execution)
    {
        long total = InputAndHead(config);
        foreach (LayerCost c in PerStep(config))
            total += execution == Execution.Continual ? c.Continual : c.Recompute;
        return total;
    }
}
