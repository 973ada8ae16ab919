using EdgeAttention.Kernels;

namespace EdgeAttention.Attention;

/// <summary>Outputs of the continual Nyström engine: the newest row, the retroactive rows and their cached P rows.</summary>
internal sealed partial class ContinualNystromEngine
{
    /// <summary>
    /// Single-output for head h: f = q·K̃ᵀ [m] (float scores, widened), b = exp(f/√d_h − max f/√d_h),
    /// w = (b/Σb)·G ⊘ φ [m], out = Σ_j w_j·acc_j [d_h] in float64 (the caller rounds all heads' rows to float once).
    /// </summary>
    private void WriteNewest(int h, ReadOnlySpan<float> q, Span<double> output)
    {
        int m = _m, dh = _dh;
        VecMat.Compute(HeadLm(_lkT, h), q, _sF, _sD);                                   // q·K̃_j (unscaled)
        double sum = Softmax.ExpMaxShifted(_sD, _scale, _sD);
        VecMat.Compute(HeadMm(_g, h), _sD, 1.0 / sum, HeadRows(_phi, h), _wD);          // w = softmax·G ⊘ φ
        VecMat.Compute(_acc.AsSpan(h * m * dh, m * dh), _wD, output);                   // Σ_j w_j acc_j
    }

    // P_i = softmax(F scores_i) · G [m]: m + m² multiply-adds.
    private void BuildP(int h, int i)
    {
        int m = _m;
        LandmarkInverse.SoftmaxTimesG(HeadNm(_fs, h).Slice(i * m, m), 1f, _sF, _p64, HeadMm(_g, h), HeadNm(_p, h).Slice(i * m, m));
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
