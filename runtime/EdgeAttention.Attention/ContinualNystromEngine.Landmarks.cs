using EdgeAttention.Kernels;

namespace EdgeAttention.Attention;

/// <summary>Landmarks of the continual Nyström engine: the continual segment schedule, A, G and score columns.</summary>
internal sealed partial class ContinualNystromEngine
{
    // models/README.md §4.2 continual schedule: add (q, k) to the open segment; when offset t mod n ends segment j,
    // landmark slot j becomes that segment's mean (replacing the mean of the same segment one cycle earlier,
    // the oldest landmark). Returns j, or −1 when no segment ended. 2d multiply-adds (+ 3d per landmark).
    private int AccumulateSegment(ReadOnlySpan<float> q, ReadOnlySpan<float> k, int offset)
    {
        Precision.AddWidened(q, _sumQ);
        Precision.AddWidened(k, _sumK);
        if (!_segEnd[offset]) return -1;
        int j = _segOf[offset], m = _m, dh = _dh;
        double inv = 1.0 / Landmarks.SegmentLength(_n, m, j);
        for (int h = 0; h < _h; h++)
        {
            Span<float> lq = HeadLm(_lq, h).Slice(j * dh, dh), lk = HeadLm(_lk, h).Slice(j * dh, dh), lqs = HeadLm(_lqs, h).Slice(j * dh, dh);
            for (int c = 0; c < dh; c++)
            {
                lq[c] = (float)(_sumQ[h * dh + c] * inv);
                lk[c] = (float)(_sumK[h * dh + c] * inv);
            }
            RowScale.Compute(lq, _scale, lqs);
        }
        Array.Clear(_sumQ); Array.Clear(_sumK);
        return j;
    }

    // A scores = (Q̃/√d_h) K̃ᵀ [m × m] and G = pinv(softmax rows) for head h.
    private void BuildLandmarkSystem(int h)
    {
        int m = _m, dh = _dh;
        if (!_continual) RowScale.Compute(HeadLm(_lq, h), _scale, HeadLm(_lqs, h));
        TransposeLandmarks(h);
        // Row i of the scores: (Q̃s_i) K̃ᵀ [m] over the transposed K̃ (m·d_h each).
        ReadOnlySpan<float> lkT = HeadLm(_lkT, h), lqs = HeadLm(_lqs, h);
        Span<float> sa = HeadMm(_sa, h);
        for (int i = 0; i < m; i++) VecMat.Compute(lkT, lqs.Slice(i * dh, dh), sa.Slice(i * m, m), default);
        _inverse.FromScores(sa, _iters, HeadMm(_g, h));
    }

    // Transposed landmark copies of head h: lqsT[c, j] = Q̃s[j, c], lkT[c, j] = K̃[j, c].
    private void TransposeLandmarks(int h)
    {
        int m = _m, dh = _dh, o = h * m * dh;
        for (int j = 0; j < m; j++)
        {
            for (int c = 0; c < dh; c++)
            {
                _lqsT[o + c * m + j] = _lqs[o + j * dh + c];
                _lkT[o + c * m + j] = _lk[o + j * dh + c];
            }
        }
    }

    // column[i·stride] = rows_i · x for every ring slot i (rows [n × d_h], one head's ring rows gathered): a new
    // landmark's key-score column (n·d_h; column starts at element (h, j) of the [n][h][m] key scores, stride h·m) or,
    // retroactive, its F column (element j of the head's [n][m] F scores, stride m).
    private void ScoreColumn(ReadOnlySpan<float> rows, ReadOnlySpan<float> x, Span<float> column, int stride)
    {
        MatVec.Compute(rows, x, default, _col);
        for (int i = 0; i < _n; i++) column[i * stride] = _col[i];
    }
}
