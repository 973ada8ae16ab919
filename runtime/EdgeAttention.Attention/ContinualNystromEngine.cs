using EdgeAttention.Kernels;

namespace EdgeAttention.Attention;

/// <summary>
/// Continual Nyström attention (Carreto Picón et al., Continual Low-Rank Scaled Dot-product Attention,
/// arXiv 2412.03214, §4) with fixed landmarks or continual landmarks (models/README.md §4.2), all heads of one layer.
///
/// Per head, with landmarks Q̃, K̃ [m × d_h] and G = pinv(softmax(Q̃K̃ᵀ/√d_h)) (float64 Newton–Schulz):
///   B·V row j = Σ_k exp(s_jk) v_k / Σ_k exp(s_jk), s_jk = Q̃_j·k/√d_h over the window keys, kept as running
///   sums (φ_j, acc_j) in shifted float64 space with a cancellation guard (<see cref="ShiftedSums"/>).
///   Per step: remove the leaving key (its term is cached per ring slot), add the new key — all m rows of a head
///   in one pass (the rows are the lanes of the kernels' ShiftedTerms / Rank2Update / VecMat).
///   Single-output: out = (softmax(q K̃ᵀ/√d_h) · G) · (acc ⊘ φ).
///   Retroactive: P_i = softmax(q_i K̃ᵀ/√d_h) · G is cached per window query; out_i = P_i · (acc ⊘ φ).
/// Fixed landmarks: G is computed once (at construction). Continual landmarks: segment sums of q and k
/// accumulate on the schedule of §4.2 (r = n mod m segments of ⌈n/m⌉, then ⌊n/m⌋, repeating every n);
/// when segment j ends at t, landmark slot j is replaced (the slot of the same segment one cycle earlier, which
/// is the oldest landmark), A (the m×m scores are simply recomputed), G, the cached key scores' column j and
/// row j of the sums are rebuilt; in retroactive mode the window queries' F column j and all P rows are rebuilt
/// too (using the query ring in its true slots, not a shifted buffer).
///
/// Drift bound: a row of the sums is rebuilt exactly from the rings when it is RefreshInterval (R) steps old;
/// rows are staggered so at most one row per head is refreshed per step. Amortised cost m·n·d_h / R per head.
/// The plain per-row form of the same step is the attention tests' oracle (PerRowNystrom).
/// </summary>
internal sealed partial class ContinualNystromEngine : ContinualEngine
{
    private readonly int _n, _h, _dh, _d, _m, _iters, _refresh;
    private readonly float _scale;
    private readonly bool _retro, _continual;
    // Layouts: rings and per-slot caches are slot-major ([n][…], all heads of a slot contiguous), so the steady-state
    // step reads and writes one contiguous row per array; per-row state is [h][m], landmarks and G per head.
    private readonly float[] _kr, _qr;                 // rings [n][d] = [n][h][d_h]; _qr = q/√d_h (retroactive)
    private readonly double[] _vr;                     // value ring [n][d] in float64 (the sums' operand)
    private readonly float[] _lq, _lk, _lqs;           // landmarks [h][m][d_h]: Q̃, K̃, Q̃/√d_h
    private readonly float[] _lqsT, _lkT;              // transposed [h][d_h][m]: (Q̃/√d_h)ᵀ, K̃ᵀ (VecMat operands)
    private readonly float[] _sa;                      // A scores [h][m][m]
    private readonly double[] _g;                      // G = pinv(A) [h][m][m], float64
    private readonly float[] _ks;                      // key scores [n][h][m]: Q̃_j·k_slot/√d_h
    // Term cache [n][h][m]: _ke[slot][h][j] = the term exp(ks − c) exactly as it was added to row j of head h, _kc = the
    // row's shift c then. The leaving term is _ke (shift unchanged since) or _ke·exp(_kc − shift) (shift moved; shifts
    // only grow between rebuilds, and a rebuild rewrites the whole column), so removal subtracts what was added.
    private readonly double[] _ke, _kc;
    private readonly float[] _fs;                      // retroactive: query scores q_i·K̃_j/√d_h [h][n][m]
    private readonly double[] _p;                      // retroactive: P rows softmax(F_i)·G [h][n][m]
    private readonly double[] _shift, _phi, _peak;     // [h][m]
    private readonly double[] _acc;                    // [h][m][d_h]
    private readonly long[] _built;                    // [h][m] step of the row's last exact build
    private readonly long[] _due;                      // [h] step at which the head's next drift refresh is due: min_j built_j + R
    private long _dueMin;                              // min over heads of _due
    // All-heads step scratch [h·m]: scores (float and float64), leaving/arriving terms, shift factors, output weights;
    // [h] softmax sums (then their reciprocals); [d] all heads' new value row and single-output rows in float64.
    private readonly float[] _sF;
    private readonly double[] _sD, _leaving, _factor, _arriving, _wD, _sums, _vWide, _outWide;
    private readonly bool[] _rebuild;                  // [h][m] rows to rebuild exactly this step
    // Rare-path scratch (builds, landmark changes, retroactive rows): one head's key or query ring rows gathered
    // [n × d_h], an [n × m] score block, an [n] score column and its terms, [m] rows, [d_h] and [m × d_h] output rows.
    private readonly float[] _headF, _nmF, _col, _mF;
    private readonly double[] _terms, _p64, _oD, _bv;
    // Continual landmarks: segment of each offset in the cycle, whether the offset ends a segment, running sums.
    private readonly int[] _segOf;
    private readonly bool[] _segEnd;
    private readonly double[] _sumQ, _sumK;            // [d]
    private readonly LandmarkInverse _inverse;
    private long _t;

    public ContinualNystromEngine(AttentionOptions o, bool retroactive)
    {
        _n = o.Window; _h = o.Heads; _dh = o.HeadDim; _d = o.ModelDim; _m = o.Landmarks;
        _iters = o.PinvIterations; _refresh = o.RefreshInterval;
        _scale = 1f / MathF.Sqrt(_dh);
        _retro = retroactive;
        _continual = o.Mode == LandmarkMode.Continual;
        int n = _n, h = _h, dh = _dh, m = _m, d = _d;
        _kr = new float[n * d]; _vr = new double[n * d];
        _qr = retroactive ? new float[n * d] : [];
        _lq = new float[h * m * dh]; _lk = new float[h * m * dh]; _lqs = new float[h * m * dh];
        _lqsT = new float[h * dh * m]; _lkT = new float[h * dh * m];
        _sa = new float[h * m * m]; _g = new double[h * m * m];
        _ks = new float[n * h * m];
        _ke = new double[n * h * m]; _kc = new double[n * h * m];
        _fs = retroactive ? new float[h * n * m] : [];
        _p = retroactive ? new double[h * n * m] : [];
        _shift = new double[h * m]; _phi = new double[h * m]; _peak = new double[h * m];
        _acc = new double[h * m * dh];
        _built = new long[h * m]; _due = new long[h];
        _sF = new float[h * m];
        _sD = new double[h * m]; _leaving = new double[h * m]; _factor = new double[h * m]; _arriving = new double[h * m]; _wD = new double[h * m];
        _sums = new double[h];
        _vWide = new double[d]; _outWide = new double[d];
        _rebuild = new bool[h * m];
        _headF = new float[n * dh]; _nmF = new float[n * m]; _col = new float[n]; _mF = new float[m];
        _terms = new double[n]; _p64 = new double[m]; _oD = new double[dh]; _bv = new double[m * dh];
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
        if (!_continual)
        {
            // Fixed landmarks: G = A⁺ once (not softmax(A)).
            o.FixedLandmarksQ.AsSpan().CopyTo(_lq);
            o.FixedLandmarksK.AsSpan().CopyTo(_lk);
            for (int hh = 0; hh < h; hh++) BuildLandmarkSystem(hh);
        }
    }

    public override long TokensSeen => _t;

    /// <summary>
    /// Per head (steady state, from the loops of the step):
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
        if (_continual) { Array.Clear(_lq); Array.Clear(_lk); Array.Clear(_lqs); Array.Clear(_lqsT); Array.Clear(_lkT); Array.Clear(_sa); Array.Clear(_g); }
        CancellationRebuilds = 0;
    }

    private Span<float> HeadLm(float[] lm, int h) => lm.AsSpan(h * _m * _dh, _m * _dh);
    private Span<float> HeadMm(float[] mm, int h) => mm.AsSpan(h * _m * _m, _m * _m);
    private Span<double> HeadMm(double[] mm, int h) => mm.AsSpan(h * _m * _m, _m * _m);
    private Span<float> HeadNm(float[] nm, int h) => nm.AsSpan(h * _n * _m, _n * _m);
    private Span<double> HeadNm(double[] nm, int h) => nm.AsSpan(h * _n * _m, _n * _m);

    public override bool Step(ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v, Span<float> output)
    {
        long t = _t;
        int n = _n, d = _d, slot = (int)(t % n);
        int changed = _continual ? AccumulateSegment(q, k, slot) : -1;
        _t = t + 1;
        if (t < n)
        {
            WriteRing(slot, q, k, v);
            if (t < n - 1) return false;
            for (int h = 0; h < _h; h++) FullBuild(h, t);
            UpdateDueMin();
        }
        else
        {
            // All heads at once: one kernel call per operation (SlideRows), then the rare per-head work.
            Precision.Widen(v, _vWide);
            bool anyRebuild = SlideRows(t, slot, changed, k);
            if (_retro) RowScale.Compute(q, _scale, _qr.AsSpan(slot * d, d));
            if (changed >= 0 || anyRebuild) RebuildRows(t, changed);
            if (_retro) UpdateQueryRows(slot, changed);
        }
        if (_retro)
        {
            WriteAllRows(slot, output);
        }
        else
        {
            WriteNewest(q, _outWide);
            Precision.Narrow(_outWide, output);
        }
        return true;
    }
}
