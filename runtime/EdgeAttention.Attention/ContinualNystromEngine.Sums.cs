using EdgeAttention.Kernels;

namespace EdgeAttention.Attention;

/// <summary>The running sums of the continual Nyström engine: rings, exact builds, the per-head slide and the drift refresh.</summary>
internal sealed partial class ContinualNystromEngine
{
    private void WriteRing(int h, int slot, ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v)
    {
        int dh = _dh;
        k.CopyTo(HeadRing(_kr, h).Slice(slot * dh, dh));
        Precision.Widen(v, HeadRing(_vr, h).Slice(slot * dh, dh));
        if (_retro) RowScale.Compute(q, _scale, HeadRing(_qr, h).Slice(slot * dh, dh));
    }

    /// <summary>
    /// Steady state: the slot the next step slides is t mod n; its rows are one per head, n·d_h (rings) or n·m
    /// (per-slot caches) elements apart — 16 heads × 6 scattered cache lines for the GTZAN-sized layer, which
    /// otherwise miss one after another inside <see cref="SlideRows"/>.
    /// </summary>
    public override void Prefetch()
    {
        if (_t < _n) return;
        int n = _n, m = _m, dh = _dh, h = _h, slot = (int)(_t % n);
        CacheHint.PrefetchRows<double>(_vr, slot * dh, dh, n * dh, h);
        CacheHint.PrefetchRows<float>(_kr, slot * dh, dh, n * dh, h);
        CacheHint.PrefetchRows<double>(_ke, slot * m, m, n * m, h);
        CacheHint.PrefetchRows<double>(_kc, slot * m, m, n * m, h);
        CacheHint.PrefetchRows<float>(_ks, slot * m, m, n * m, h);
        if (_retro) CacheHint.PrefetchRows<float>(_qr, slot * dh, dh, n * dh, h);
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

    private void UpdateDue(int h)
    {
        long min = long.MaxValue;
        for (int j = 0; j < _m; j++) min = Math.Min(min, _built[h * _m + j]);
        _due[h] = min + _refresh;
    }

    // Steady-state step t ≥ n for head h: the token in `slot` leaves, (q, k, v) arrives there.
    private void SlideHead(int h, long t, int slot, int changed, ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<double> vNew)
    {
        int n = _n, m = _m, dh = _dh;
        bool anyRebuild = SlideRows(h, t, slot, changed, k, vNew);
        if (_retro) RowScale.Compute(q, _scale, HeadRing(_qr, h).Slice(slot * dh, dh));
        Span<float> ks = HeadNm(_ks, h);
        if (changed >= 0)
        {
            // New landmark j: A row/column (whole A is m²·d_h — recomputed, tiny), G, key scores column j.
            BuildLandmarkSystem(h);
            ScoreColumn(HeadRing(_kr, h), HeadLm(_lqs, h).Slice(changed * dh, dh), ks.Slice(changed));
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
            ScoreColumn(HeadRing(_qr, h), HeadLm(_lk, h).Slice(changed * dh, dh), fs.Slice(changed)); // F column j, every window query
            for (int i = 0; i < n; i++) BuildP(h, i);
        }
        else
        {
            BuildP(h, slot);
        }
    }

    /// <summary>
    /// Slides every row of head h by one token (the key in <paramref name="slot"/> leaves, k/v arrive) and writes the
    /// rings and per-slot caches. Row <paramref name="changed"/> (a new landmark, or −1) is updated like the others and
    /// flagged for rebuild. Returns true when some row needs an exact rebuild (then _rebuild[j] tells which).
    /// Per row: s_j = Q̃s_j·k (d_h), e_j = exp(s_j − c_j) or, when s_j &gt; c_j, the shift moves to s_j with factor
    /// f_j = exp(c_j − s_j); acc_j ← f_j·acc_j + e_j·v − f_j·eOld_j·v_old (d_h), φ_j ← f_j·φ_j + e_j − f_j·eOld_j.
    /// Rebuild decisions are taken off the fast path: the row loop runs only when a cancellation, a new landmark or
    /// a drift refresh is due.
    /// </summary>
    private bool SlideRows(int h, long t, int slot, int changed, ReadOnlySpan<float> k, ReadOnlySpan<double> vNew)
    {
        int n = _n, m = _m, dh = _dh, hm = h * m, kb0 = (h * n + slot) * m;
        VecMat.Compute(HeadLm(_lqsT, h), k, _ks.AsSpan(kb0, m), _sD);   // s = Q̃s k [m], float (as cached) and float64
        SlideOutcome outcome = ShiftedTerms.Slide(_sD, HeadRows(_shift, h), HeadRows(_phi, h), HeadRows(_peak, h), _ke.AsSpan(kb0, m), _kc.AsSpan(kb0, m),
            _leaving, _factor, _arriving, ShiftedSums.RebuildRatio);
        int ring = (h * n + slot) * dh;   // the slot's row in the head's rings (HeadRing(…, h).Slice(slot·d_h, d_h), written out: this method is past the JIT's inlining budget)
        Span<double> vOld = _vr.AsSpan(ring, dh);
        Rank2Update.Compute(_acc.AsSpan(hm * dh, m * dh), (outcome & SlideOutcome.ShiftMoved) != 0 ? _factor : default, _arriving, vNew, _leaving, vOld);
        k.CopyTo(_kr.AsSpan(ring, dh));
        vNew.CopyTo(vOld);

        // Rebuild decisions (rare): cancellation, the new landmark's row, the drift refresh.
        if ((outcome & SlideOutcome.Cancellation) == 0 && changed < 0 && t < _due[h]) return false;
        bool any = false;
        for (int j = 0; j < m; j++)
        {
            bool rebuild = j == changed || t - _built[hm + j] >= _refresh;
            if (j != changed && !(_phi[hm + j] >= ShiftedSums.RebuildRatio * _peak[hm + j]))
            {
                CancellationRebuilds++;
                rebuild = true;
            }
            _rebuild[j] = rebuild;
            any |= rebuild;
        }
        return any;
    }
}
