using EdgeAttention.Kernels;

namespace EdgeAttention.Attention;

/// <summary>
/// Attention recomputed over one whole window, all heads (the non-continual baseline, and layers &gt; 1).
/// models/README.md §4: per head, softmax(Q Kᵀ/√d_h) V, or Nyström (F·pinv(A))·(B·V) with m &lt; n landmarks.
/// All scratch is allocated in the constructor; <see cref="Compute(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, bool)"/>
/// never allocates. Not thread-safe (one instance per layer and session).
/// </summary>
public sealed class WindowAttention
{
    private readonly AttentionOptions _o;
    private readonly int _n, _h, _dh, _d, _m;
    private readonly float _scale;
    private readonly bool _nystrom;
    // Per-head gathered rows [n × d_h] (q pre-multiplied by 1/√d_h).
    private readonly float[] _qh, _kh, _vh, _oh;
    // Softmax: one score row [n].
    private readonly float[] _row;
    // Nyström scratch: landmarks [h, m, d_h] (window means), scaled Q̃ [m × d_h], A scores [m × m], G [m × m],
    // B [m × n], BV [m × d_h] (float, then float64 copy), F scores [n × m], one F row [m]; float64 softmax row,
    // P row = F·G [m] and output accumulator [d_h]. Everything right of pinv(A) is float64 (G can be large).
    private readonly float[] _lq, _lk, _lqs, _sa, _b, _bv, _f, _fRow;
    private readonly double[] _g, _bvd, _pRow, _p64, _acc;
    private readonly LandmarkInverse? _inverse;

    /// <summary>Allocates all scratch for one window of <paramref name="o"/>.</summary>
    public WindowAttention(AttentionOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        o.Validate();
        _o = o;
        _n = o.Window; _h = o.Heads; _dh = o.HeadDim; _d = o.ModelDim; _m = o.Landmarks;
        _scale = 1f / MathF.Sqrt(_dh);
        _nystrom = o.UsesNystrom;
        _qh = new float[_n * _dh]; _kh = new float[_n * _dh]; _vh = new float[_n * _dh]; _oh = new float[_n * _dh];
        _row = new float[_n];
        if (_nystrom)
        {
            int m = _m;
            _lq = new float[_h * m * _dh]; _lk = new float[_h * m * _dh]; _lqs = new float[m * _dh];
            _sa = new float[m * m]; _g = new double[m * m]; _b = new float[m * _n]; _bv = new float[m * _dh];
            _f = new float[_n * m]; _fRow = new float[m];
            _bvd = new double[m * _dh]; _pRow = new double[m]; _p64 = new double[m]; _acc = new double[_dh];
            _inverse = new LandmarkInverse(m);
        }
        else
        {
            _lq = _lk = _lqs = _sa = _b = _bv = _f = _fRow = [];
            _g = _bvd = _pRow = _p64 = _acc = [];
        }
    }

    /// <summary>The options this instance was built for.</summary>
    public AttentionOptions Options => _o;

    /// <summary>
    /// q, k, v: [Window·d] rows oldest → newest (unscaled projections). output: [Window·d] (all rows) or [d]
    /// (newestOnly: the newest token's output). Landmarks: Window/Continual → segment means of this window,
    /// Fixed → the options' tensors.
    /// </summary>
    public void Compute(ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v, Span<float> output, bool newestOnly)
    {
        CheckRows(q, k, v, output, newestOnly);
        if (!_nystrom) { ComputeSoftmax(q, k, v, output, newestOnly); return; }
        if (_o.Mode == LandmarkMode.Fixed)
        {
            ComputeNystrom(q, k, v, output, newestOnly, _o.FixedLandmarksQ, _o.FixedLandmarksK);
            return;
        }
        Landmarks.SegmentMeans(q, _n, _m, _h, _dh, _lq);
        Landmarks.SegmentMeans(k, _n, _m, _h, _dh, _lk);
        ComputeNystrom(q, k, v, output, newestOnly, _lq, _lk);
    }

    /// <summary>
    /// As above with explicit landmarks [Heads·Landmarks·HeadDim] (unscaled), e.g. the continual landmarks of
    /// models/README.md §4.2 formed by the caller. With m ≥ n (exact softmax) the landmarks are ignored.
    /// </summary>
    public void Compute(ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v, Span<float> output, bool newestOnly,
        ReadOnlySpan<float> landmarksQ, ReadOnlySpan<float> landmarksK)
    {
        CheckRows(q, k, v, output, newestOnly);
        if (!_nystrom) { ComputeSoftmax(q, k, v, output, newestOnly); return; }
        int expected = _h * _m * _dh;
        if (landmarksQ.Length != expected || landmarksK.Length != expected)
            throw new ArgumentException($"WindowAttention: landmarks must be [Heads*Landmarks*HeadDim] = {expected} floats each, got {landmarksQ.Length} and {landmarksK.Length}.");
        ComputeNystrom(q, k, v, output, newestOnly, landmarksQ, landmarksK);
    }

    /// <summary>
    /// Multiply-adds of one <c>Compute</c>, counted from the loops below (exp calls not counted).
    /// Softmax, all rows: 2n²d + h·n² + n·d; newest: 2n·d + h·n + d.
    /// Nyström per head: landmarks (window means) 2n·d_h + A m²d_h + pinv (2m² + 4·it·m³) + B (2m·n·d_h + m·n)
    /// + all rows n·d_h + n·m·d_h + n·m + n·m² + n·m·d_h, or newest d_h + 2m·d_h + m + m².
    /// </summary>
    public long MultiplyAdds(bool newestOnly) => Cost(_o, newestOnly);

    internal static long Cost(AttentionOptions o, bool newestOnly)
    {
        long n = o.Window, h = o.Heads, dh = o.HeadDim, d = h * dh, m = o.Landmarks;
        if (!o.UsesNystrom)
            return newestOnly ? 2 * n * d + h * n + d : 2 * n * n * d + h * n * n + n * d;
        long perHead = m * dh + m * m * dh + LandmarkInverse.MultiplyAdds((int)m, o.PinvIterations) + 2 * m * n * dh + m * n;
        if (o.Mode != LandmarkMode.Fixed) perHead += 2 * n * dh;
        perHead += newestOnly ? dh + 2 * m * dh + m + m * m : n * dh + 2 * n * m * dh + n * m + n * m * m;
        return h * perHead;
    }

    private void CheckRows(ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v, Span<float> output, bool newestOnly)
    {
        int rows = _n * _d;
        if (q.Length != rows || k.Length != rows || v.Length != rows)
            throw new ArgumentException($"WindowAttention: q, k, v must be [Window*d] = {rows} floats each, got {q.Length}, {k.Length}, {v.Length}.");
        int outLen = newestOnly ? _d : rows;
        if (output.Length != outLen)
            throw new ArgumentException($"WindowAttention: output must be {(newestOnly ? "[d]" : "[Window*d]")} = {outLen} floats, got {output.Length}.");
    }

    /// <summary>Copies head h's columns of rows [count × d] starting at row first into dst [count × d_h], times s.</summary>
    private void Gather(ReadOnlySpan<float> rows, int head, int first, int count, float s, Span<float> dst)
    {
        for (int r = 0; r < count; r++)
        {
            ReadOnlySpan<float> src = rows.Slice((first + r) * _d + head * _dh, _dh);
            Span<float> to = dst.Slice(r * _dh, _dh);
            if (s == 1f) src.CopyTo(to); else RowScale.Compute(src, s, to);
        }
    }

    private void Scatter(ReadOnlySpan<float> src, int head, int count, Span<float> output)
    {
        for (int r = 0; r < count; r++) src.Slice(r * _dh, _dh).CopyTo(output.Slice(r * _d + head * _dh, _dh));
    }

    // models/README.md §4.1 per head: out_i = Σ_j softmax_j(q_i·k_j/√d_h) v_j.
    private void ComputeSoftmax(ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v, Span<float> output, bool newestOnly)
    {
        int n = _n, dh = _dh;
        for (int h = 0; h < _h; h++)
        {
            Gather(k, h, 0, n, 1f, _kh);
            Gather(v, h, 0, n, 1f, _vh);
            if (newestOnly)
            {
                Span<float> qs = _qh.AsSpan(0, dh);
                Gather(q, h, n - 1, 1, _scale, qs);
                MatVec.Compute(_kh, qs, default, _row);                    // scores [n] = K qₙ
                Softmax.Compute(_row, _row);
                MatVecTransposed.Compute(_vh, _row, output.Slice(h * dh, dh)); // out = Vᵀ p
            }
            else
            {
                // Row by row (no n×n scratch; small d_h makes a row of MatVec faster than a blocked MatMul).
                Gather(q, h, 0, n, _scale, _qh);
                for (int i = 0; i < n; i++)
                {
                    MatVec.Compute(_kh, _qh.AsSpan(i * dh, dh), default, _row);   // s_ij = q_i·k_j/√d_h
                    Softmax.Compute(_row, _row);
                    MatVecTransposed.Compute(_vh, _row, _oh.AsSpan(i * dh, dh));  // o_i = Σ_j p_ij v_j
                }
                Scatter(_oh, h, n, output);
            }
        }
    }

    // models/README.md §4.2 per head: F = softmax(Q K̃ᵀ/√d_h), A = softmax(Q̃ K̃ᵀ/√d_h), B = softmax(Q̃ Kᵀ/√d_h),
    // out = (F · pinv(A)) · (B · V). landmarks [h, m, d_h], unscaled.
    private void ComputeNystrom(ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v, Span<float> output, bool newestOnly,
        ReadOnlySpan<float> landmarksQ, ReadOnlySpan<float> landmarksK)
    {
        int n = _n, dh = _dh, m = _m;
        for (int h = 0; h < _h; h++)
        {
            ReadOnlySpan<float> lq = landmarksQ.Slice(h * m * dh, m * dh);
            ReadOnlySpan<float> lk = landmarksK.Slice(h * m * dh, m * dh);
            RowScale.Compute(lq, _scale, _lqs);                                  // Q̃/√d_h
            MatMul.ComputeTransposedB(_lqs, lk, _sa, m, dh, m);                  // A scores [m × m]
            _inverse!.FromScores(_sa, _o.PinvIterations, _g);                     // G = pinv(A)
            Gather(k, h, 0, n, 1f, _kh);
            Gather(v, h, 0, n, 1f, _vh);
            MatMul.ComputeTransposedB(_lqs, _kh, _b, m, dh, n);                  // B scores [m × n]
            for (int i = 0; i < m; i++) { Span<float> r = _b.AsSpan(i * n, n); Softmax.Compute(r, r); }
            MatMul.Compute(_b, _vh, _bv, m, n, dh);                              // BV [m × d_h]
            for (int i = 0; i < m * dh; i++) _bvd[i] = _bv[i];
            if (newestOnly)
            {
                Span<float> qs = _qh.AsSpan(0, dh);
                Gather(q, h, n - 1, 1, _scale, qs);
                MatVec.Compute(lk, qs, default, _fRow);                          // F scores row [m]
                LandmarkInverse.SoftmaxTimesG(_fRow, 1f, _fRow, _p64, _g, _pRow);         // P row = softmax(F row) · G
                LandmarkInverse.Combine(_pRow, _bvd, _acc, output.Slice(h * dh, dh)); // out = P row · BV
            }
            else
            {
                Gather(q, h, 0, n, _scale, _qh);
                MatMul.ComputeTransposedB(_qh, lk, _f, n, dh, m);                // F scores [n × m]
                for (int i = 0; i < n; i++)
                {
                    LandmarkInverse.SoftmaxTimesG(_f.AsSpan(i * m, m), 1f, _fRow, _p64, _g, _pRow);
                    LandmarkInverse.Combine(_pRow, _bvd, _acc, _oh.AsSpan(i * dh, dh));
                }
                Scatter(_oh, h, n, output);
            }
        }
    }
}
