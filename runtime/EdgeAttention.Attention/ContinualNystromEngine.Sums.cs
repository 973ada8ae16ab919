using EdgeAttention.Kernels;

namespace EdgeAttention.Attention;

/// <summary>The running sums of the continual Nyström engine: rings, exact builds, the all-heads slide and the drift refresh.</summary>
internal sealed partial class ContinualNystromEngine
{
    // Warm-up: the token's k, v (and q/√d_h) rows of all heads into the slot.
    private void WriteRing(int slot, ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v)
    {
        int d = _d;
        k.CopyTo(_kr.AsSpan(slot * d, d));
        Precision.Widen(v, _vr.AsSpan(slot * d, d));
        if (_retro) RowScale.Compute(q, _scale, _qr.AsSpan(slot * d, d));
    }

    /// <summary>
    /// Steady state: the slot the next step slides is t mod n; its entries of every ring and per-slot cache are one
    /// contiguous row each (slot-major layout): value ring d float64, key ring d floats (written), term and shift
    /// caches h·m float64, key scores h·m floats (written), retroactive the query ring — about 76 cache lines for the
    /// GTZAN-sized layer, which would otherwise miss inside <see cref="SlideRows"/> (the weight stream of the
    /// projections evicts them every step).
    /// </summary>
    public override void Prefetch()
    {
        if (_t < _n) return;
        int n = _n, d = _d, hm = _h * _m, slot = (int)(_t % n);
        CacheHint.PrefetchRows<double>(_vr, slot * d, d, 0, 1);
        CacheHint.PrefetchRows<float>(_kr, slot * d, d, 0, 1);
        CacheHint.PrefetchRows<double>(_ke, slot * hm, hm, 0, 1);
        CacheHint.PrefetchRows<double>(_kc, slot * hm, hm, 0, 1);
        CacheHint.PrefetchRows<float>(_ks, slot * hm, hm, 0, 1);
        if (_retro) CacheHint.PrefetchRows<float>(_qr, slot * d, d, 0, 1);
    }

    // Head h's rows of a slot-major ring [n][d] gathered into [n × d_h] (rare paths: builds, landmark changes).
    private void GatherHead(ReadOnlySpan<float> ring, int h, Span<float> rows)
    {
        int n = _n, d = _d, dh = _dh;
        for (int i = 0; i < n; i++) ring.Slice(i * d + h * dh, dh).CopyTo(rows.Slice(i * dh, dh));
    }

    // First full window (t = n − 1): everything of head h exact from the rings.
    private void FullBuild(int h, long t)
    {
        int n = _n, m = _m, dh = _dh, hm = _h * m;
        if (_continual) BuildLandmarkSystem(h);
        GatherHead(_kr, h, _headF);
        MatMul.ComputeTransposedB(_headF, HeadLm(_lqs, h), _nmF, n, dh, m);      // head h's key scores [n × m]
        for (int i = 0; i < n; i++) _nmF.AsSpan(i * m, m).CopyTo(_ks.AsSpan(i * hm + h * m, m));
        for (int j = 0; j < m; j++)
        {
            BuildRow(h, j);
            // Stagger the drift refreshes: row j is refreshed R·j/m steps earlier than row 0.
            _built[h * m + j] = t - (long)_refresh * j / m;
        }
        UpdateDue(h);
        if (_retro)
        {
            GatherHead(_qr, h, _headF);
            MatMul.ComputeTransposedB(_headF, HeadLm(_lk, h), HeadNm(_fs, h), n, dh, m); // F scores [n × m]
            for (int i = 0; i < n; i++) BuildP(h, i);
        }
    }

    // Exact row j of head h's sums from the cached key scores (column j) and the head's value rows (its d_h columns of
    // the slot-major value ring, rows d apart): n·d_h multiply-adds. Refills the row's term cache.
    private void BuildRow(int h, int j)
    {
        int n = _n, m = _m, dh = _dh, hm = _h * m, b = h * m + j;
        for (int i = 0; i < n; i++) _col[i] = _ks[i * hm + b];
        ShiftedSums.Build(_col, _vr.AsSpan(h * dh), _d, out _shift[b], out _phi[b], out _peak[b], _acc.AsSpan(b * dh, dh), _terms);
        double c = _shift[b];
        for (int i = 0, kb = b; i < n; i++, kb += hm) { _ke[kb] = _terms[i]; _kc[kb] = c; }
    }

    private void UpdateDue(int h)
    {
        long min = long.MaxValue;
        for (int j = 0; j < _m; j++) min = Math.Min(min, _built[h * _m + j]);
        _due[h] = min + _refresh;
    }

    private void UpdateDueMin()
    {
        long min = long.MaxValue;
        for (int h = 0; h < _h; h++) min = Math.Min(min, _due[h]);
        _dueMin = min;
    }

    /// <summary>
    /// Slides every row of every head by one token (the key in <paramref name="slot"/> leaves, k/v arrive) and writes
    /// the rings and per-slot caches, one kernel call per operation for all heads (the h·m rows are the lanes; the
    /// slot's caches are contiguous [h][m] rows, the rings' slot a contiguous [d] row): s = Q̃s·k per head
    /// (<see cref="VecMat.ComputeBlocks(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{double}, int)"/>),
    /// <see cref="ShiftedTerms.Slide(ReadOnlySpan{double}, Span{double}, Span{double}, Span{double}, Span{double}, Span{double}, Span{double}, Span{double}, Span{double}, double)"/>
    /// over all h·m rows, acc by <see cref="Rank2Update.ComputeBlocks(Span{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, int)"/>
    /// (head h's rows with its v/v_old). Row <paramref name="changed"/> of every head (a new landmark, or −1) is updated
    /// like the others and flagged for rebuild. Returns true when some row needs an exact rebuild (then _rebuild tells which).
    /// Per row: s_j = Q̃s_j·k (d_h), e_j = exp(s_j − c_j) or, when s_j &gt; c_j, the shift moves to s_j with factor
    /// f_j = exp(c_j − s_j); acc_j ← f_j·acc_j + e_j·v − f_j·eOld_j·v_old (d_h), φ_j ← f_j·φ_j + e_j − f_j·eOld_j.
    /// The factors are passed for all rows when any row's shift moved (f = 1 rows then give the same bits as without).
    /// Rebuild decisions are taken off the fast path: the row loop runs only when a cancellation, a new landmark or
    /// a drift refresh is due.
    /// </summary>
    private bool SlideRows(long t, int slot, int changed, ReadOnlySpan<float> k)
    {
        int h = _h, m = _m, d = _d, hm = h * m, kb0 = slot * hm;
        VecMat.ComputeBlocks(_lqsT, k, _ks.AsSpan(kb0, hm), _sD, h);   // s = Q̃s k [h][m], float (as cached) and float64
        SlideOutcome outcome = ShiftedTerms.Slide(_sD, _shift, _phi, _peak, _ke.AsSpan(kb0, hm), _kc.AsSpan(kb0, hm),
            _leaving, _factor, _arriving, ShiftedSums.RebuildRatio);
        Span<double> vOld = _vr.AsSpan(slot * d, d);
        Rank2Update.ComputeBlocks(_acc, (outcome & SlideOutcome.ShiftMoved) != 0 ? _factor : default, _arriving, _vWide, _leaving, vOld, h);
        k.CopyTo(_kr.AsSpan(slot * d, d));
        _vWide.CopyTo(vOld);

        // Rebuild decisions (rare): cancellation, the new landmark's row, the drift refresh.
        if ((outcome & SlideOutcome.Cancellation) == 0 && changed < 0 && t < _dueMin) return false;
        bool any = false;
        for (int b = 0; b < hm; b++)
        {
            int j = b % m;
            bool rebuild = j == changed || t - _built[b] >= _refresh;
            if (j != changed && !(_phi[b] >= ShiftedSums.RebuildRatio * _peak[b]))
            {
                CancellationRebuilds++;
                rebuild = true;
            }
            _rebuild[b] = rebuild;
            any |= rebuild;
        }
        return any;
    }

    // After SlideRows: per head, the new landmark's system and key-score column (continual landmarks), then the
    // flagged rows rebuilt exactly from the rings.
    private void RebuildRows(long t, int changed)
    {
        int m = _m, dh = _dh, hm = _h * m;
        for (int h = 0; h < _h; h++)
        {
            if (changed >= 0)
            {
                // New landmark j: A row/column (whole A is m²·d_h — recomputed, tiny), G, key scores column j.
                BuildLandmarkSystem(h);
                GatherHead(_kr, h, _headF);
                ScoreColumn(_headF, HeadLm(_lqs, h).Slice(changed * dh, dh), _ks.AsSpan(h * m + changed), hm);
            }
            bool any = false;
            for (int j = 0; j < m; j++) any |= _rebuild[h * m + j];
            if (!any) continue;
            for (int j = 0; j < m; j++)
            {
                if (!_rebuild[h * m + j]) continue;
                BuildRow(h, j);
                _built[h * m + j] = t;
            }
            UpdateDue(h);
        }
        UpdateDueMin();
    }
}
