using EdgeAttention.Attention;
using EdgeAttention.Kernels;

namespace EdgeAttention.Model;

// The encoder of models/README.md §3, step by step. Row buffers hold window positions oldest → newest:
// row j of a [n, d] region is stream position t − n + 1 + j.
public sealed partial class Session
{
    /// <summary>
    /// Continual execution. Layer 1: project the newest token once and update the continual attention
    /// (single-output when L = 1, retroactive — all n window outputs — when L &gt; 1). Layers 2..L are
    /// evaluated over the window from layer 1's outputs (their inputs changed retroactively).
    /// </summary>
    private StepStatus StepContinual(long t, Span<float> logits)
    {
        EncoderLayerWeights layer = _w.Layers[0];
        ReadOnlySpan<float> x = RingRow(t);
        ReadOnlySpan<float> a = x;
        if (_pre)
        {
            Span<float> ln = Span(_plan.LnToken);
            LayerNorm.Compute(x, layer.Norm1Weight.Span, layer.Norm1Bias.Span, _eps, ln);   // pre-norm: attention sees LN1(x)
            a = ln;
        }
        Span<float> qkv = Span(_plan.Qkv);                                          // [3d] = in_proj(a): q | k | v
        layer.InProj.Apply(a, qkv, Int8Scratch);
        Span<float> att1 = Span(_plan.Att1);
        if (!_layer1!.Step(qkv.Slice(0, _d), qkv.Slice(_d, _d), qkv.Slice(2 * _d, _d), att1))
            return StepStatus.Warmup;

        if (_layers == 1)
        {
            Span<float> y = Row(_plan.Y, 0);
            Tail(layer, x, att1, y);
            Head(y, logits);
            return StepStatus.Ready;
        }

        // Retroactive layer-1 outputs of all n window rows: residual inputs come from the token ring.
        long first = t - _n + 1;
        for (int j = 0; j < _n; j++)
            Tail(layer, RingRow(first + j), att1.Slice(j * _d, _d), Row(_plan.Y, j));
        return UpperLayers(_plan.Y, _plan.X, logits);
    }

    /// <summary>
    /// Recompute execution: every layer over the window from the ring of tokens (the baseline). With layer-1
    /// continual landmarks the landmarks are rebuilt from q, k of positions u − n + 1 … u (models/README.md §4.2).
    /// </summary>
    private StepStatus StepRecompute(long t, Span<float> logits)
    {
        if (t < _n - 1) return StepStatus.Warmup;
        long first = t - _n + 1;
        for (int j = 0; j < _n; j++) RingRow(first + j).CopyTo(Row(_plan.X, j));

        bool last = _layers == 1;
        EncoderLayerWeights layer = _w.Layers[0];
        ProjectWindow(layer, _plan.X, allQueries: !last || !_newestQueryOnly);
        Span<float> att = Span(_plan.Att);
        if (_landmarks)
        {
            BuildContinualLandmarks(layer, t);
            _window[0]!.Compute(Span(_plan.Q), Span(_plan.K), Span(_plan.V), last ? att.Slice(0, _d) : att, last,
                Span(_plan.MeansQ), Span(_plan.MeansK));
        }
        else
        {
            _window[0]!.Compute(Span(_plan.Q), Span(_plan.K), Span(_plan.V), last ? att.Slice(0, _d) : att, last);
        }

        if (last)
        {
            Span<float> y = Row(_plan.Y, 0);
            Tail(layer, Row(_plan.X, _n - 1), att.Slice(0, _d), y);
            Head(y, logits);
            return StepStatus.Ready;
        }
        for (int j = 0; j < _n; j++) Tail(layer, Row(_plan.X, j), att.Slice(j * _d, _d), Row(_plan.Y, j));
        return UpperLayers(_plan.Y, _plan.X, logits);
    }

    /// <summary>Layers 2..L over the window; <paramref name="input"/> holds layer 1's n output rows.</summary>
    private StepStatus UpperLayers(Region input, Region spare, Span<float> logits)
    {
        Span<float> att = Span(_plan.Att);
        for (int i = 1; i < _layers; i++)
        {
            EncoderLayerWeights layer = _w.Layers[i];
            bool last = i == _layers - 1;
            ProjectWindow(layer, input, allQueries: !last || !_newestQueryOnly);
            _window[i]!.Compute(Span(_plan.Q), Span(_plan.K), Span(_plan.V), last ? att.Slice(0, _d) : att, last);
            if (last)
            {
                // The last layer produces only the newest token's output; its FF runs for that row only.
                Span<float> y = Row(spare, 0);
                Tail(layer, Row(input, _n - 1), att.Slice(0, _d), y);
                Head(y, logits);
                return StepStatus.Ready;
            }
            for (int j = 0; j < _n; j++) Tail(layer, Row(input, j), att.Slice(j * _d, _d), Row(spare, j));
            (input, spare) = (spare, input);
        }
        throw new InvalidOperationException("UpperLayers needs at least two layers.");
    }

    /// <summary>
    /// q, k, v rows of the window: [q k v]_j = in_proj(x_j) (pre-norm: in_proj(LN1(x_j))). When only the newest
    /// query is read (softmax / fixed landmarks, newest-only output) the other q rows are skipped.
    /// </summary>
    private void ProjectWindow(EncoderLayerWeights layer, Region input, bool allQueries)
    {
        Span<sbyte> i8 = Int8Scratch;
        for (int j = 0; j < _n; j++)
        {
            ReadOnlySpan<float> a = Row(input, j);
            if (_pre)
            {
                Span<float> ln = Row(_plan.A, j);
                LayerNorm.Compute(a, layer.Norm1Weight.Span, layer.Norm1Bias.Span, _eps, ln);
                a = ln;
            }
            float sx = layer.InProj.Prepare(a, i8);
            if (allQueries || j == _n - 1) layer.InProj.ApplyRows(a, i8, sx, 0, _d, Row(_plan.Q, j));
            layer.InProj.ApplyRows(a, i8, sx, _d, _d, Row(_plan.K, j));
            layer.InProj.ApplyRows(a, i8, sx, 2 * _d, _d, Row(_plan.V, j));
        }
    }

    /// <summary>
    /// Continual landmarks for recompute (models/README.md §4.2): u = last completed segment end; the m landmarks are
    /// the means of the m stream segments that make up positions u − n + 1 … u. Those positions hold every cycle
    /// phase p mod n once, and stream segments are fixed phase ranges (window-mode sizes from phase 0), so row
    /// p mod n of lq/lk gets position p and window-mode segment means of lq/lk are exactly the stream segments'
    /// means (landmark order does not matter). Rows inside the current window are copied from the window's
    /// projections; older rows (at most ⌈n/m⌉ − 1) are projected from the token ring.
    /// </summary>
    private void BuildContinualLandmarks(EncoderLayerWeights layer, long t)
    {
        long u = Landmarks.LastCompletedPosition(t, _n, Config.Landmarks);
        long first = u - _n + 1, windowFirst = t - _n + 1;
        Span<sbyte> i8 = Int8Scratch;
        for (int i = 0; i < _n; i++)
        {
            long p = first + i;
            int phase = (int)(p % _n);
            if (p >= windowFirst)
            {
                Row(_plan.Q, (int)(p - windowFirst)).CopyTo(Row(_plan.Lq, phase));
                Row(_plan.K, (int)(p - windowFirst)).CopyTo(Row(_plan.Lk, phase));
                continue;
            }
            ReadOnlySpan<float> a = RingRow(p);
            if (_pre)
            {
                Span<float> ln = Span(_plan.H2);
                LayerNorm.Compute(a, layer.Norm1Weight.Span, layer.Norm1Bias.Span, _eps, ln);
                a = ln;
            }
            float sx = layer.InProj.Prepare(a, i8);
            layer.InProj.ApplyRows(a, i8, sx, 0, _d, Row(_plan.Lq, phase));
            layer.InProj.ApplyRows(a, i8, sx, _d, _d, Row(_plan.Lk, phase));
        }
        Landmarks.SegmentMeans(Span(_plan.Lq), _n, Config.Landmarks, Config.Heads, Config.HeadDim, Span(_plan.MeansQ));
        Landmarks.SegmentMeans(Span(_plan.Lk), _n, Config.Landmarks, Config.Heads, Config.HeadDim, Span(_plan.MeansK));
    }

    /// <summary>
    /// Everything after attention for one row: o = out_proj(att);
    /// post-norm: h = LN1(x + o), y = LN2(h + FF(h)); pre-norm: h = x + o, y = h + FF(LN2(h));
    /// FF(h) = linear2(act(linear1(h))). <paramref name="y"/> must not alias <paramref name="x"/>.
    /// </summary>
    private void Tail(EncoderLayerWeights layer, ReadOnlySpan<float> x, ReadOnlySpan<float> att, Span<float> y)
    {
        Span<sbyte> i8 = Int8Scratch;
        Span<float> o = Span(_plan.O).Slice(0, _d), h = Span(_plan.H).Slice(0, _d), f1 = Span(_plan.F1), f2 = Span(_plan.F2).Slice(0, _d);
        layer.OutProj.Apply(att, o, i8);
        // Residual adds as Axpy with α = 1: 1·x is exact, so y + 1·x rounds once to the same float as x + y.
        Axpy.Compute(1f, x.Slice(0, _d), o);
        o.CopyTo(h);                                                         // h = x + out_proj(att)
        if (_pre)
        {
            Span<float> h2 = Span(_plan.H2);
            LayerNorm.Compute(h, layer.Norm2Weight.Span, layer.Norm2Bias.Span, _eps, h2);
            FeedForward(layer, h2, f1, f2, i8);
            Axpy.Compute(1f, h, f2);
            f2.CopyTo(y);                                                    // y = h + FF(norm(h))
        }
        else
        {
            LayerNorm.Compute(h, layer.Norm1Weight.Span, layer.Norm1Bias.Span, _eps, h);
            FeedForward(layer, h, f1, f2, i8);
            Axpy.Compute(1f, h, f2);                                         // f2 = FF(h) + h
            LayerNorm.Compute(f2, layer.Norm2Weight.Span, layer.Norm2Bias.Span, _eps, y);
        }
    }

    private void FeedForward(EncoderLayerWeights layer, ReadOnlySpan<float> h, Span<float> f1, Span<float> f2, Span<sbyte> i8)
    {
        layer.Linear1.Apply(h, f1, i8);
        if (_gelu) Activation.Gelu(f1, f1); else Activation.Relu(f1, f1);
        layer.Linear2.Apply(f1, f2, i8);
    }

    /// <summary>logits = classifier(final_norm(y_newest)).</summary>
    private void Head(ReadOnlySpan<float> y, Span<float> logits)
    {
        ReadOnlySpan<float> z = y;
        if (_w.FinalNormWeight.IsPresent)
        {
            Span<float> zn = Span(_plan.Z);
            LayerNorm.Compute(y, _w.FinalNormWeight.Span, _w.FinalNormBias.Span, _eps, zn);
            z = zn;
        }
        _w.Classifier.Apply(z, logits.Slice(0, _classes), Int8Scratch);
    }
}
