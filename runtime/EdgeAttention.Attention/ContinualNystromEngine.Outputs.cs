using EdgeAttention.Kernels;

namespace EdgeAttention.Attention;

/// <summary>Outputs of the continual Nyström engine: the newest row, the retroactive rows and their cached P rows.</summary>
internal sealed partial class ContinualNystromEngine
{
    /// <summary>
    /// Single-output, all heads with one kernel call per operation: per head h, f = q_h·K̃_hᵀ [m] (float scores,
    /// widened), b = exp(f/√d_h − max f/√d_h) with Σb, w = (b/Σb)·G_h ⊘ φ_h [m], out_h = Σ_j w_j·acc_hj [d_h] in float64
    /// (the caller rounds all heads' rows to float once). output [d].
    /// </summary>
    private void WriteNewest(ReadOnlySpan<float> q, Span<double> output)
    {
        int h = _h;
        VecMat.ComputeBlocks(_lkT, q, _sF, _sD, h);                                     // q_h·K̃_hj (unscaled) [h][m]
        Softmax.ExpMaxShiftedBlocks(_sD, _scale, _sD, _sums);                          // numerators and Σ per head
        for (int i = 0; i < h; i++) _sums[i] = 1.0 / _sums[i];
        VecMat.ComputeBlocks(_g, _sD, _sums, _phi, _wD, h);                            // w = softmax·G ⊘ φ
        VecMat.ComputeBlocks(_acc, _wD, default, default, output, h);                  // Σ_j w_j acc_j
    }

    // P_i = softmax(F scores_i) · G [m]: m + m² multiply-adds.
    private void BuildP(int h, int i)
    {
        int m = _m;
        LandmarkInverse.SoftmaxTimesG(HeadNm(_fs, h).Slice(i * m, m), 1f, _mF, _p64, HeadMm(_g, h), HeadNm(_p, h).Slice(i * m, m));
    }

    // Retroactive, after the slide: per head the new query's F scores and its P row; when landmark `changed` was
    // replaced, its F column over every window query (query ring in its true slots) and all P rows.
    private void UpdateQueryRows(int slot, int changed)
    {
        int m = _m, dh = _dh, d = _d;
        for (int h = 0; h < _h; h++)
        {
            Span<float> fs = HeadNm(_fs, h);
            MatVec.Compute(HeadLm(_lk, h), _qr.AsSpan(slot * d + h * dh, dh), default, fs.Slice(slot * m, m)); // new query's F scores
            if (changed >= 0)
            {
                GatherHead(_qr, h, _headF);
                ScoreColumn(_headF, HeadLm(_lk, h).Slice(changed * dh, dh), fs.Slice(changed), m); // F column j, every window query
                for (int i = 0; i < _n; i++) BuildP(h, i);
            }
            else
            {
                BuildP(h, slot);
            }
        }
    }

    // Retroactive: out_i = P_i · BV for all window rows, oldest → newest (row r = slot (slot + 1 + r) mod n).
    private void WriteAllRows(int slot, Span<float> output)
    {
        int n = _n, m = _m, dh = _dh, d = _d;
        for (int h = 0; h < _h; h++)
        {
            for (int j = 0; j < m; j++)
            {
                int b = h * m + j;
                double inv = 1.0 / _phi[b];
                ReadOnlySpan<double> acc = _acc.AsSpan(b * dh, dh);
                Span<double> bv = _bv.AsSpan(j * dh, dh);
                for (int c = 0; c < dh; c++) bv[c] = acc[c] * inv;
            }
            ReadOnlySpan<double> p = HeadNm(_p, h);
            for (int r = 0; r < n; r++)
            {
                int i = (slot + 1 + r) % n;
                LandmarkInverse.Combine(p.Slice(i * m, m), _bv, _oD, output.Slice(r * d + h * dh, dh));
            }
        }
    }
}
