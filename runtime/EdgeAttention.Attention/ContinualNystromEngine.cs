using EdgeAttention.Kernels;

namespace EdgeAttention.Attention;

/// <summary>
/// Continual Nyström attention (Carreto Picón et al., Continual Low-Rank Scaled Dot-product Attention,
/// arXiv 2412.03214, §4) with fixed landmarks or continual landmarks (contract §4.2), all heads of one layer.
///
/// Per head, with landmarks Q̃, K̃ [m × d_h] and G = pinv(softmax(Q̃K̃ᵀ/√d_h)) (float64 Newton–Schulz):
///   B·V row j = Σ_k exp(s_jk) v_k / Σ_k exp(s_jk), s_jk = Q̃_j·k/√d_h over the window keys, kept as running
///   sums (φ_j, acc_j) in shifted float64 space with a cancellation guard (<see cref="ShiftedSums"/>).
///   Per step: remove the leaving key (its scores are cached per ring slot, m floats), add the new key.
///   Single-output: out = (softmax(q K̃ᵀ/√d_h) · G) · (acc ⊘ φ).
///   Retroactive: P_i = softmax(q_i K̃ᵀ/√d_h) · G is cached per window query; out_i = P_i · (acc ⊘ φ).
/// Fixed landmarks: G is computed once (at construction). Continual landmarks: segment sums of q and k
/// accumulate on the contract's schedule (r = n mod m segments of ⌈n/m⌉, then ⌊n/m⌋, repeating every n);
/// when segment j ends at t, landmark slot j is replaced (the slot of the same segment one cycle earlier, which
/// is the oldest landmark), A (only its row and column j change; the m×m scores are simply recomputed), G, the cached key scores' column j and row j of the sums are
/// rebuilt; in retroactive mode the window queries' F column j and all P rows are rebuilt too (using the
/// query ring in its true slots — not a shifted buffer, see defect S1 in the notes).
///
/// Drift bound: a row of the sums is rebuilt exactly from the rings when it is RefreshInterval (R) steps old;
/// rows are staggered so at most one row per head is refreshed per step. Amortised cost m·n·d_h / R per head.
/// </summary>
internal sealed partial class ContinualNystromEngine : ContinualEngine
{
    private readonly int _n, _h, _dh, _d, _m, _iters, _refresh;
    private readonly float _scale;
    private readonly bool _retro, _continual;
    private readonly float[] _kr, _qr;                 // rings [h][n][d_h]; _qr = q/√d_h (retroactive)
    private readonly double[] _vr;                     // value ring [h][n][d_h] in float64 (the sums' operand)
    private readonly float[] _lq, _lk, _lqs;           // landmarks [h][m][d_h]: Q̃, K̃, Q̃/√d_h
    private readonly float[] _sa;                      // A scores [h][m][m]
    private readonly double[] _g;                      // G = pinv(A) [h][m][m], float64
    private readonly float[] _ks;                      // key scores [h][n][m]: Q̃_j·k_slot/√d_h
    // Term cache: _ke[h][slot][j] = the term exp(ks − c) exactly as it was added to row j, _kc = the row's shift c
    // then. The leaving term is _ke (shift unchanged since) or _ke·exp(_kc − shift) (shift moved; shifts only grow
    // between rebuilds, and a rebuild rewrites the whole column), so removal subtracts what was added.
    private readonly double[] _ke, _kc;
    private readonly float[] _fs;                      // retroactive: query scores q_i·K̃_j/√d_h [h][n][m]
    private readonly double[] _p;                      // retroactive: P rows softmax(F_i)·G [h][n][m]
    private readonly double[] _shift, _phi, _peak;     // [h][m]
    private readonly double[] _acc;                    // [h][m][d_h]
    private readonly long[] _built;                    // [h][m] step of the row's last exact build
    private readonly float[] _sNew, _fRow, _col;
    private readonly double[] _out, _pRow, _bv, _eNew, _terms;
    private readonly float[] _expIn, _expOut;
    private readonly double[] _vNew;
    private readonly bool[] _rebuild;
    // Continual landmarks: segment of each offset in the cycle, whether the offset ends a segment, running sums.
    private readonly int[] _segOf;
    private readonly bool[] _segEnd;
    private readonly double[] _sumQ, _sumK;            // [d]
    private readonly LandmarkInverse _inverse;
    private readonly bool _fused;
    private long _t;

    /// <summary>fused = false runs the plain per-row reference path (tests compare the two).</summary>
    public ContinualNystromEngine(AttentionOptions o, bool retroactive, bool fused = true)
    {
        _fused = fused;
        _n = o.Window; _h = o.Heads; _dh = o.HeadDim; _d = o.ModelDim; _m = o.Landmarks;
        _iters = o.PinvIterations; _refresh = o.RefreshInterval;
        _scale = 1f / MathF.Sqrt(_dh);
        _retro = retroactive;
        _continual = o.Mode == LandmarkMode.Continual;
        int n = _n, h = _h, dh = _dh, m = _m;
        _kr = new float[h * n * dh]; _vr = new double[h * n * dh]; _vNew = new double[dh];
        _qr = retroactive ? new float[h * n * dh] : [];
        _lq = new float[h * m * dh]; _lk = new float[h * m * dh]; _lqs = new float[h * m * dh];
        _sa = new float[h * m * m]; _g = new double[h * m * m];
        _ks = new float[h * n * m];
        _ke = new double[h * n * m]; _kc = new double[h * n * m];
        _fs = retroactive ? new float[h * n * m] : [];
        _p = retroactive ? new double[h * n * m] : [];
        _shift = new double[h * m]; _phi = new double[h * m]; _peak = new double[h * m];
        _acc = new double[h * m * dh];
        _built = new long[h * m];
        _sNew = new float[m]; _fRow = new float[m]; _col = new float[n];
        _out = new double[dh]; _pRow = new double[m]; _bv = new double[m * dh];
        _eNew = new double[m]; _terms = new double[n]; _expIn = new float[m]; _expOut = new float[m];
        _rebuild = new bool[m];
        _inverse = new LandmarkInverse(m);
        _segOf = new int[n]; _segEnd = new bool[n];
        for (int s = 0; s < m; s++)
        {
            int start = Landmarks.SegmentStart(n, m, s), end = Landmarks.SegmentStart(n, m, s + 1);
            for (int p = start; p < end; p++) _segOf[p] = s;
            _segEnd[end - 1] = true;
        }
        _sumQ = _continual ? new double[_d] : [];
        _sumK = _continual ? new double[_d] : [];
        AllocateFused();
        if (!_continual)
        {
            // Fixed landmarks: G = A⁺ once (not softmax(A): defect S3 in the notes).
            o.FixedLandmarksQ.AsSpan().CopyTo(_lq);
            o.FixedLandmarksK.AsSpan().CopyTo(_lk);
            for (int hh = 0; hh < h; hh++) BuildLandmarkSystem(hh);
        }
    }

    public override long TokensSeen => _t;

    /// <summary>
    /// Per head (steady state, from the loops in <see cref="Step"/>):
    ///   single-output: m·d_h [new key scores] + 2m·d_h [slides] + m·d_h [F row] + m [1/√d_h] + m [normalise]
    ///                  + m² [F·G] + m [p/φ] + m·d_h [output] = 5m·d_h + m² + 3m
    ///                  (the paper's 7m·d + m² recomputes the leaving key's m scores; we cache them per ring slot);
    ///   retroactive:   m·d_h + 2m·d_h + d_h + m·d_h + m + m² [new P row] + m·d_h [acc/φ] + n·m·d_h [outputs];
    ///   + drift refresh amortised ⌈m·n·d_h / R⌉;
    ///   continual landmarks add 2d_h [segment sums] and, amortised over the n/m steps of a segment,
    ///   (m/n)·(3d_h [mean, scale] + m²·d_h [A scores, recomputed whole] + pinv + n·d_h [key scores] + n·d_h [row rebuild]
    ///   + retroactive: n·d_h [F column] + n·(m + m²) [all P rows]).
    /// </summary>
    public override long MultiplyAddsPerStep
    {
        get
        {
            long n = _n, dh = _dh, m = _m;
            long perHead = _retro ? 5 * m * dh + dh + m + m * m + n * m * dh : 5 * m * dh + m * m + 3 * m;
            perHead += (m * n * dh + _refresh - 1) / _refresh;
            if (_continual)
            {
                long update = 3 * dh + m * m * dh + LandmarkInverse.MultiplyAdds(_m, _iters) + 2 * n * dh;
                if (_retro) update += n * dh + n * (m + m * m);
                perHead += 2 * dh + (m * update + n - 1) / n;
            }
            return _h * perHead;
        }
    }

    public override void Reset()
    {
        _t = 0;
        Array.Clear(_kr); Array.Clear(_vr); Array.Clear(_qr);
        Array.Clear(_shift); Array.Clear(_phi); Array.Clear(_peak); Array.Clear(_acc); Array.Clear(_built);
        Array.Clear(_ke); Array.Clear(_kc);
        Array.Clear(_sumQ); Array.Clear(_sumK);
        if (_continual) { Array.Clear(_lq); Array.Clear(_lk); Array.Clear(_lqs); Array.Clear(_sa); Array.Clear(_g); }
        CancellationRebuilds = 0;
    }

    private Span<float> HeadRing(float[] ring, int h) => ring.AsSpan(h * _n * _dh, _n * _dh);
    private Span<double> HeadRing(double[] ring, int h) => ring.AsSpan(h * _n * _dh, _n * _dh);
    private Span<float> HeadLm(float[] lm, int h) => lm.AsSpan(h * _m * _dh, _m * _dh);
    private Span<float> HeadMm(float[] mm, int h) => mm.AsSpan(h * _m * _m, _m * _m);
    private Span<double> HeadMm(double[] mm, int h) => mm.AsSpan(h * _m * _m, _m * _m);
    private Span<float> HeadNm(float[] nm, int h) => nm.AsSpan(h * _n * _m, _n * _m);
    private Span<double> HeadNm(double[] nm, int h) => nm.AsSpan(h * _n * _m, _n * _m);

    public override bool Step(ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v, Span<float> output)
    {
        long t = _t;
        int n = _n, dh = _dh, slot = (int)(t % n);
        int changed = _continual ? AccumulateSegment(q, k, slot) : -1;
        _t = t + 1;
        if (t < n)
        {
            for (int h = 0; h < _h; h++) WriteRing(h, slot, q.Slice(h * dh, dh), k.Slice(h * dh, dh), v.Slice(h * dh, dh));
            if (t < n - 1) return false;
            for (int h = 0; h < _h; h++) FullBuild(h, t);
        }
        else
        {
            if (_fused && !_retro)
            {
                // Head by head: slide, then the head's output while its sums are still in L1.
                for (int h = 0; h < _h; h++)
                {
                    ReadOnlySpan<float> qh = q.Slice(h * dh, dh);
                    SlideHead(h, t, slot, changed, qh, k.Slice(h * dh, dh), v.Slice(h * dh, dh));
                    FusedNewest(h, qh, output.Slice(h * dh, dh));
                }
                return true;
            }
            for (int h = 0; h < _h; h++) SlideHead(h, t, slot, changed, q.Slice(h * dh, dh), k.Slice(h * dh, dh), v.Slice(h * dh, dh));
        }
        if (_retro) WriteAllRows(slot, output);
        else if (_fused) for (int h = 0; h < _h; h++) FusedNewest(h, q.Slice(h * dh, dh), output.Slice(h * dh, dh));
        else for (int h = 0; h < _h; h++) WriteNewest(h, q.Slice(h * dh, dh), output.Slice(h * dh, dh));
        return true;
    }

    // Contract §4.2 continual schedule: add (q, k) to the open segment; when offset t mod n ends segment j,
    // landmark slot j becomes that segment's mean (replacing the mean of the same segment one cycle earlier,
    // the oldest landmark). Returns j, or −1 when no segment ended. 2d multiply-adds (+ 3d per landmark).
    private int AccumulateSegment(ReadOnlySpan<float> q, ReadOnlySpan<float> k, int offset)
    {
        AddWidened(q, _sumQ);
        AddWidened(k, _sumK);
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

    private void WriteRing(int h, int slot, ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v)
    {
        int dh = _dh;
        k.CopyTo(HeadRing(_kr, h).Slice(slot * dh, dh));
        Span<double> vr = HeadRing(_vr, h).Slice(slot * dh, dh);
        for (int c = 0; c < dh; c++) vr[c] = v[c];
        if (_retro) RowScale.Compute(q, _scale, HeadRing(_qr, h).Slice(slot * dh, dh));
    }

    // A scores = (Q̃/√d_h) K̃ᵀ [m × m] and G = pinv(softmax rows) for head h.
    private void BuildLandmarkSystem(int h)
    {
        int m = _m, dh = _dh;
        if (!_continual) RowScale.Compute(HeadLm(_lq, h), _scale, HeadLm(_lqs, h));
        TransposeLandmarks(h);
        // Row i of the scores: (Q̃s_i) K̃ᵀ [m], lane-wise over the transposed K̃ (m·d_h each).
        for (int i = 0; i < m; i++) LaneScores(ref _lkT[h * m * dh], m, ref _lqs[(h * m + i) * dh], dh, ref _sa[(h * m + i) * m], ref _sD[0]);
        _inverse.FromScores(HeadMm(_sa, h), _iters, HeadMm(_g, h));
    }

    // First full window (t = n − 1): everything exact from the rings.
    private void FullBuild(int h, long t)
    {
        int n = _n, m = _m, dh = _dh;
        if (_continual) BuildLandmarkSystem(h);
        MatMul.ComputeTransposedB(HeadRing(_kr, h), HeadLm(_lqs, h), HeadNm(_ks, h), n, dh, m);  // ks [n × m]
        for (int j = 0; j < m; j++)
        {
            BuildRow(h, j);
            // Stagger the drift refreshes: row j is refreshed R·j/m steps earlier than row 0.
            _built[h * m + j] = t - (long)_refresh * j / m;
        }
        UpdateDue(h);
        if (_retro)
        {
            MatMul.ComputeTransposedB(HeadRing(_qr, h), HeadLm(_lk, h), HeadNm(_fs, h), n, dh, m); // F scores [n × m]
            for (int i = 0; i < n; i++) BuildP(h, i);
        }
    }

    // Exact row j of the sums from the cached key scores (column j) and the value ring: n·d_h multiply-adds.
    // Refills the row's term cache.
    private void BuildRow(int h, int j)
    {
        int n = _n, m = _m, dh = _dh, b = h * m + j;
        ReadOnlySpan<float> ks = HeadNm(_ks, h);
        for (int i = 0; i < n; i++) _col[i] = ks[i * m + j];
        ShiftedSums.Build(_col, HeadRing(_vr, h), out _shift[b], out _phi[b], out _peak[b], _acc.AsSpan(b * dh, dh), _terms);
        double c = _shift[b];
        int kb = h * n * m + j;
        for (int i = 0; i < n; i++, kb += m) { _ke[kb] = _terms[i]; _kc[kb] = c; }
    }

    // P_i = softmax(F scores_i) · G [m]: m + m² multiply-adds.
    private void BuildP(int h, int i)
    {
        int m = _m;
        LandmarkInverse.SoftmaxTimesG(HeadNm(_fs, h).Slice(i * m, m), 1f, _expOut, HeadMm(_g, h), HeadNm(_p, h).Slice(i * m, m));
    }

    // Steady-state step t ≥ n for head h: the token in `slot` leaves, (q, k, v) arrives there.
    private void SlideHead(int h, long t, int slot, int changed, ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v)
    {
        int n = _n, m = _m, dh = _dh;
        bool anyRebuild;
        if (_fused)
        {
            anyRebuild = FusedSlide(h, t, slot, changed, k, v);
            if (_retro) RowScale.Compute(q, _scale, HeadRing(_qr, h).Slice(slot * dh, dh));
        }
        else
        {
            SlideRows(h, t, slot, changed, q, k, v);
            anyRebuild = true;
        }
        Span<float> ks = HeadNm(_ks, h);
        if (changed >= 0)
        {
            // New landmark j: A row/column (whole A is m²·d_h — recomputed, tiny), G, key scores column j.
            BuildLandmarkSystem(h);
            RowDots(HeadRing(_kr, h), HeadLm(_lqs, h).Slice(changed * dh, dh), ks.Slice(changed), m);
        }
        if (anyRebuild)
        {
            for (int j = 0; j < m; j++)
            {
                if (!_rebuild[j]) continue;
                BuildRow(h, j);
                _built[h * m + j] = t;
            }
            UpdateDue(h);
        }
        if (!_retro) return;
        Span<float> fs = HeadNm(_fs, h);
        MatVec.Compute(HeadLm(_lk, h), HeadRing(_qr, h).Slice(slot * dh, dh), default, fs.Slice(slot * m, m)); // new query's F scores
        if (changed >= 0)
        {
            RowDots(HeadRing(_qr, h), HeadLm(_lk, h).Slice(changed * dh, dh), fs.Slice(changed), m); // F column j, every window query
            for (int i = 0; i < n; i++) BuildP(h, i);
        }
        else
        {
            BuildP(h, slot);
        }
    }

    // Reference path of the slide (per row, through ShiftedSums.Slide): sets _rebuild[j] for every row.
    private void SlideRows(int h, long t, int slot, int changed, ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v)
    {
        int n = _n, m = _m, dh = _dh;
        Span<float> ks = HeadNm(_ks, h);
        Span<float> sOld = ks.Slice(slot * m, m);
        MatVec.Compute(HeadLm(_lqs, h), k, default, _sNew);               // s_j,new = Q̃_j·k/√d_h
        ReadOnlySpan<double> vOld = HeadRing(_vr, h).Slice(slot * dh, dh);
        for (int c = 0; c < dh; c++) _vNew[c] = v[c];
        int kb0 = (h * n + slot) * m;
        // New terms exp(s_j,new − c_j) for all m rows with one vector exp (float; rows whose shift moves use 1).
        for (int j = 0; j < m; j++) _expIn[j] = (float)Math.Min(0.0, _sNew[j] - _shift[h * m + j]);
        Softmax.ShiftedExp(_expIn, 0f, _expOut);
        for (int j = 0; j < m; j++)
        {
            int b = h * m + j, kb = kb0 + j;
            bool rebuild = j == changed || t - _built[b] >= _refresh;
            if (j != changed)
            {
                double eOld = _kc[kb] == _shift[b] ? _ke[kb] : _ke[kb] * Math.Exp(_kc[kb] - _shift[b]);
                if (ShiftedSums.Slide(ref _shift[b], ref _phi[b], ref _peak[b], _acc.AsSpan(b * dh, dh), eOld, vOld, _sNew[j], _expOut[j], _vNew, out _eNew[j]))
                {
                    CancellationRebuilds++;
                    rebuild = true;
                }
            }
            _rebuild[j] = rebuild;
        }
        WriteRing(h, slot, q, k, v);
        _sNew.CopyTo(sOld);
        for (int j = 0; j < m; j++) { _ke[kb0 + j] = _eNew[j]; _kc[kb0 + j] = _shift[h * m + j]; }
    }

    // out = (softmax(q K̃ᵀ/√d_h) · G) · (acc ⊘ φ) for head h.
    private void WriteNewest(int h, ReadOnlySpan<float> q, Span<float> output)
    {
        int m = _m, dh = _dh;
        MatVec.Compute(HeadLm(_lk, h), q, default, _fRow);                 // q·K̃_j (unscaled)
        LandmarkInverse.SoftmaxTimesG(_fRow, _scale, _fRow, HeadMm(_g, h), _pRow);
        Array.Clear(_out);
        for (int j = 0; j < m; j++)
        {
            int b = h * m + j;
            DoubleMath.Axpy(_pRow[j] / _phi[b], _acc.AsSpan(b * dh, dh), _out);
        }
        for (int c = 0; c < dh; c++) output[c] = (float)_out[c];
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
                LandmarkInverse.Combine(p.Slice(i * m, m), _bv, _out, output.Slice(r * d + h * dh, dh));
            }
        }
    }
}
