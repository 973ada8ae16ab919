using EdgeAttention.Format;

namespace EdgeAttention.Model;

/// <summary>A slice of the session arena, in floats.</summary>
internal readonly record struct Region(int Offset, int Length);

/// <summary>
/// The layout of a session's single arena (one float[] allocated at load; every region starts on a
/// 64-byte boundary relative to the array start). Sizes, with d = d_model, n = window, F = input features,
/// ff = ff_dim, C = classes, m = landmarks, R = ring rows:
/// <code>
///   frame    [F]      normalised input frame (x − mean) / std
///   token    [d]      e_t = input_proj(frame) + pos[t mod P], checked finite before it enters the ring
///   ring     [R, d]   tokens of stream positions t−R+1 … t, slot = position mod R
///                     R = 1 (continual, L = 1), n (continual L > 1, or recompute),
///                     n + ⌈n/m⌉ − 1 (recompute with layer-1 continual landmarks: positions u−n+1 … t)
///   qkv      [3d]     layer-1 projections of the newest token (continual execution)
///   lnToken  [d]      LN1(e_t) for pre-norm (continual execution)
///   att1     [n, d] or [d]   layer-1 continual attention output (retroactive when L > 1)
///   x, y     [n, d]   layer input / output rows, oldest → newest (swapped between layers)
///   a        [n, d]   LN1 rows (pre-norm)
///   q, k, v  [n, d]   projected rows of the window
///   att      [n, d]   attention output rows
///   lq, lk   [n, d]   q, k of positions u−n+1 … u (recompute with continual landmarks)
///   meansQ, meansK [h, m, d_h]  their segment means: the explicit landmarks
///   o, h, h2 [d], f1 [ff], f2 [d], z [d]   one row of out_proj / residual / norm / feed-forward / final norm
///   i8       [max(F, d, ff)] bytes   dynamic int8 quantization of one input vector (int8 models)
/// </code>
/// Regions that a configuration does not use have length 0. The attention objects hold their own state
/// (allocated once at load by EdgeAttention.Attention) and are not part of this arena.
/// </summary>
internal sealed class ArenaPlan
{
    public Region Frame, Token, Ring, Qkv, LnToken, Att1, X, Y, A, Q, K, V, Att, Lq, Lk, MeansQ, MeansK,
        O, H, H2, F1, F2, Z, Int8;

    public int RingRows { get; private init; }
    public int TotalFloats { get; private set; }
    public long Bytes => TotalFloats * 4L;

    /// <summary>True when recompute execution must rebuild layer-1 continual landmarks (Nyström, m &lt; n).</summary>
    public static bool UsesContinualLandmarks(ModelConfig c) =>
        c.Attention == AttentionKind.Nystrom && c.LandmarkMode == LandmarkMode.Continual && c.Landmarks < c.Window;

    public static ArenaPlan Create(ModelConfig c, Execution execution)
    {
        int d = c.DModel, n = c.Window, f = c.InputFeatures, ff = c.FfDim, layers = c.Layers;
        bool continual = execution == Execution.Continual;
        bool landmarks = !continual && UsesContinualLandmarks(c);
        int maxSegment = landmarks ? (n + c.Landmarks - 1) / c.Landmarks : 1;
        int ringRows = continual ? (layers == 1 ? 1 : n) : n + maxSegment - 1;
        bool window = !continual || layers > 1;          // any layer evaluated over the whole window
        long total = 0;
        Region Take(long floats)
        {
            if (floats == 0) return new Region((int)total, 0);
            if (floats > int.MaxValue / 2 || total + floats > int.MaxValue / 2)
                throw new ModelFormatException($"the session arena for window {n}, d_model {d}, ff_dim {ff} would exceed 4 GB; use a smaller model.");
            var r = new Region((int)total, (int)floats);
            total += (floats + 15) / 16 * 16;            // next region on a 64-byte boundary
            return r;
        }

        var p = new ArenaPlan { RingRows = ringRows };
        p.Frame = Take(f);
        p.Token = Take(d);
        p.Ring = Take((long)ringRows * d);
        p.Qkv = Take(continual ? 3 * d : 0);
        p.LnToken = Take(continual && c.Norm == NormPlacement.Pre ? d : 0);
        p.Att1 = Take(continual ? (layers > 1 ? (long)n * d : d) : 0);
        long rows = window ? (long)n * d : 0;
        p.X = Take(rows);
        p.Y = Take(window ? rows : d);
        p.A = Take(c.Norm == NormPlacement.Pre ? rows : 0);
        p.Q = Take(rows);
        p.K = Take(rows);
        p.V = Take(rows);
        p.Att = Take(rows);
        p.Lq = Take(landmarks ? (long)n * d : 0);
        p.Lk = Take(landmarks ? (long)n * d : 0);
        p.MeansQ = Take(landmarks ? (long)c.Landmarks * d : 0);
        p.MeansK = Take(landmarks ? (long)c.Landmarks * d : 0);
        p.O = Take(d);
        p.H = Take(d);
        p.H2 = Take(d);
        p.F1 = Take(ff);
        p.F2 = Take(d);
        p.Z = Take(d);
        p.Int8 = Take((Math.Max(f, Math.Max(d, ff)) + 3) / 4);   // sbyte view of these floats
        p.TotalFloats = (int)total;
        return p;
    }
}
