using EdgeAttention.Kernels;

namespace EdgeAttention.Attention.Tests;

/// <summary>
/// Test oracle: the plain per-row form of the continual Nyström step that ContinualNystromEngine fuses across the m
/// landmark rows. Same equations (models/README.md §4.2), one row at a time through
/// <see cref="ShiftedSums.Slide(ref double, ref double, ref double, Span{double}, float, ReadOnlySpan{float}, float, ReadOnlySpan{float})"/>
/// with float values, the leaving term recomputed from its cached score, no term cache; a row is rebuilt exactly on
/// cancellation, when its landmark changes and every RefreshInterval steps. The landmark system (scores over the
/// transposed landmarks, <see cref="LandmarkInverse"/>) is built as the engine builds it, so both share one G.
/// Single-output: out = (softmax(q K̃ᵀ/√d_h)·G)·(acc ⊘ φ); retroactive: the same for every window query.
/// </summary>
internal sealed class PerRowNystrom
{
    private readonly int _n, _h, _dh, _d, _m, _iters, _refresh;
    private readonly float _scale;
    private readonly bool _retro, _continual;
    private readonly float[] _kr, _vr, _qr;            // rings [h][n][d_h] (q unscaled)
    private readonly float[] _lq, _lk, _lqs, _lkT;     // landmarks [h][m][d_h]; K̃ᵀ [d_h][m] of one head
    private readonly double[] _g;                      // [h][m][m]
    private readonly float[] _ks;                      // key scores [h][n][m]
    private readonly double[] _shift, _phi, _peak, _acc;
    private readonly long[] _built;
    private readonly double[] _sumQ, _sumK;
    private readonly LandmarkInverse _inverse;
    private readonly float[] _sNew, _f, _sa, _col, _soft;
    private readonly double[] _p, _p64, _out;
    private long _t;

    public PerRowNystrom(AttentionOptions o, bool retroactive)
    {
        o.Validate();
        _n = o.Window; _h = o.Heads; _dh = o.HeadDim; _d = o.ModelDim; _m = o.Landmarks;
        _iters = o.PinvIterations; _refresh = o.RefreshInterval;
        _scale = 1f / MathF.Sqrt(_dh);
        _retro = retroactive;
        _continual = o.Mode == LandmarkMode.Continual;
        int n = _n, h = _h, dh = _dh, m = _m;
        _kr = new float[h * n * dh]; _vr = new float[h * n * dh]; _qr = new float[h * n * dh];
        _lq = new float[h * m * dh]; _lk = new float[h * m * dh]; _lqs = new float[h * m * dh]; _lkT = new float[dh * m];
        _g = new double[h * m * m];
        _ks = new float[h * n * m];
        _shift = new double[h * m]; _phi = new double[h * m]; _peak = new double[h * m]; _acc = new double[h * m * dh];
        _built = new long[h * m];
        _sumQ = new double[_d]; _sumK = new double[_d];
        _inverse = new LandmarkInverse(m);
        _sNew = new float[m]; _f = new float[m]; _sa = new float[m * m]; _col = new float[n]; _soft = new float[m];
        _p = new double[m]; _p64 = new double[m]; _out = new double[dh];
        if (!_continual)
        {
            o.FixedLandmarksQ.AsSpan().CopyTo(_lq);
            o.FixedLandmarksK.AsSpan().CopyTo(_lk);
            for (int hh = 0; hh < h; hh++) BuildG(hh);
        }
    }

    public int OutputLength => _retro ? _n * _d : _d;

    public bool Step(ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v, Span<float> output)
    {
        long t = _t++;
        int n = _n, dh = _dh, slot = (int)(t % n);
        int changed = _continual ? Accumulate(q, k, slot) : -1;
        if (t < n)
        {
            for (int h = 0; h < _h; h++) WriteRing(h, slot, q.Slice(h * dh, dh), k.Slice(h * dh, dh), v.Slice(h * dh, dh));
            if (t < n - 1) return false;
            for (int h = 0; h < _h; h++) FullBuild(h, t);
        }
        else
        {
            for (int h = 0; h < _h; h++) Slide(h, t, slot, changed, q.Slice(h * dh, dh), k.Slice(h * dh, dh), v.Slice(h * dh, dh));
        }
        for (int h = 0; h < _h; h++)
        {
            if (!_retro) { Output(h, q.Slice(h * dh, dh), output.Slice(h * dh, dh)); continue; }
            for (int r = 0; r < n; r++)
            {
                int i = (slot + 1 + r) % n;
                Output(h, _qr.AsSpan((h * n + i) * dh, dh), output.Slice(r * _d + h * dh, dh));
            }
        }
        return true;
    }

    // Segment sums; landmark slot j becomes the mean of segment j when it ends (−1: none ended).
    private int Accumulate(ReadOnlySpan<float> q, ReadOnlySpan<float> k, int offset)
    {
        for (int c = 0; c < _d; c++) { _sumQ[c] += q[c]; _sumK[c] += k[c]; }
        int m = _m, dh = _dh, j = -1;
        for (int s = 0; s < m; s++) if (Landmarks.SegmentStart(_n, m, s + 1) - 1 == offset) j = s;
        if (j < 0) return -1;
        double inv = 1.0 / Landmarks.SegmentLength(_n, m, j);
        for (int h = 0; h < _h; h++)
        {
            for (int c = 0; c < dh; c++)
            {
                _lq[(h * m + j) * dh + c] = (float)(_sumQ[h * dh + c] * inv);
                _lk[(h * m + j) * dh + c] = (float)(_sumK[h * dh + c] * inv);
            }
        }

        Array.Clear(_sumQ); Array.Clear(_sumK);
        return j;
    }

    private void WriteRing(int h, int slot, ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v)
    {
        int o = (h * _n + slot) * _dh;
        k.CopyTo(_kr.AsSpan(o, _dh)); v.CopyTo(_vr.AsSpan(o, _dh)); q.CopyTo(_qr.AsSpan(o, _dh));
    }

    // A scores (Q̃/√d_h)K̃ᵀ row by row over K̃ᵀ, G = pinv(softmax rows), as the engine builds them.
    private void BuildG(int h)
    {
        int m = _m, dh = _dh;
        Span<float> lqs = _lqs.AsSpan(h * m * dh, m * dh);
        RowScale.Compute(_lq.AsSpan(h * m * dh, m * dh), _scale, lqs);
        for (int j = 0; j < m; j++)
            for (int c = 0; c < dh; c++) _lkT[c * m + j] = _lk[(h * m + j) * dh + c];
        for (int i = 0; i < m; i++) VecMat.Compute(_lkT, lqs.Slice(i * dh, dh), _sa.AsSpan(i * m, m), default);
        _inverse.FromScores(_sa, _iters, _g.AsSpan(h * m * m, m * m));
    }

    private void FullBuild(int h, long t)
    {
        int n = _n, m = _m, dh = _dh;
        if (_continual) BuildG(h);
        MatMul.ComputeTransposedB(_kr.AsSpan(h * n * dh, n * dh), _lqs.AsSpan(h * m * dh, m * dh), _ks.AsSpan(h * n * m, n * m), n, dh, m);
        for (int j = 0; j < m; j++) BuildRow(h, j, t);
    }

    private void BuildRow(int h, int j, long t)
    {
        int n = _n, m = _m, dh = _dh, b = h * m + j;
        for (int i = 0; i < n; i++) _col[i] = _ks[(h * n + i) * m + j];
        ShiftedSums.Build(_col, _vr.AsSpan(h * n * dh, n * dh), out _shift[b], out _phi[b], out _peak[b], _acc.AsSpan(b * dh, dh));
        _built[b] = t;
    }

    private void Slide(int h, long t, int slot, int changed, ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v)
    {
        int n = _n, m = _m, dh = _dh;
        MatVec.Compute(_lqs.AsSpan(h * m * dh, m * dh), k, default, _sNew);            // s_j = Q̃_j·k/√d_h
        ReadOnlySpan<float> vOld = _vr.AsSpan((h * n + slot) * dh, dh);
        Span<float> sOld = _ks.AsSpan((h * n + slot) * m, m);
        Span<bool> rebuild = stackalloc bool[m];
        for (int j = 0; j < m; j++)
        {
            int b = h * m + j;
            if (j == changed) { rebuild[j] = true; continue; }
            rebuild[j] = ShiftedSums.Slide(ref _shift[b], ref _phi[b], ref _peak[b], _acc.AsSpan(b * dh, dh), sOld[j], vOld, _sNew[j], v)
                         || t - _built[b] >= _refresh;
        }
        _sNew.CopyTo(sOld);
        WriteRing(h, slot, q, k, v);
        if (changed >= 0)
        {
            BuildG(h);
            ReadOnlySpan<float> lqs = _lqs.AsSpan((h * m + changed) * dh, dh);
            for (int i = 0; i < n; i++)
            {
                float s = 0;
                for (int c = 0; c < dh; c++) s += _kr[(h * n + i) * dh + c] * lqs[c];
                _ks[(h * n + i) * m + changed] = s;
            }
        }
        for (int j = 0; j < m; j++) if (rebuild[j]) BuildRow(h, j, t);
    }

    // out = (softmax(q K̃ᵀ/√d_h)·G)·(acc ⊘ φ) for head h and one (unscaled) query row.
    private void Output(int h, ReadOnlySpan<float> q, Span<float> output)
    {
        int m = _m, dh = _dh;
        MatVec.Compute(_lk.AsSpan(h * m * dh, m * dh), q, default, _f);
        LandmarkInverse.SoftmaxTimesG(_f, _scale, _soft, _p64, _g.AsSpan(h * m * m, m * m), _p);
        Array.Clear(_out);
        for (int j = 0; j < m; j++)
        {
            int b = h * m + j;
            double w = _p[j] / _phi[b];
            for (int c = 0; c < dh; c++) _out[c] += w * _acc[b * dh + c];
        }
        for (int c = 0; c < dh; c++) output[c] = (float)_out[c];
    }
}
