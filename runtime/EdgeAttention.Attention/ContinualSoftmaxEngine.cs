using EdgeAttention.Kernels;

namespace EdgeAttention.Attention;

/// <summary>
/// Continual softmax attention (Hedegaard et al., Continual Transformers, ICLR 2023, §3).
/// Ring buffers per head [n × d_h] (slot of position p = p mod n; never shifted) hold the window's K, V and,
/// for the retroactive form, Q/√d_h.
///
/// Single-output: out = softmax(q Kᵀ/√d_h) V over the ring (order is irrelevant to softmax).
///   Multiply-adds per step: Σ_heads (d_h [scale q] + n·d_h [scores] + n [normalise] + n·d_h [Vᵀp]) = 2n·d + h·n + d.
/// Retroactive: for every window row i keep, in shifted float64 space (<see cref="ShiftedSums"/>), φ_i and
///   acc_i = Σ_k exp(s_ik − c_i) v_k; per step remove the leaving key's column and add the new key's for the
///   n − 1 surviving rows, build the new query's row from scratch, emit acc_i/φ_i for all rows.
///   Multiply-adds per step: Σ_heads (d_h + n·d_h [Q k_old] + n·d_h [Q k_new] + 2(n−1)·d_h [slides]
///   + 2n·d_h [new row] + n·d_h [outputs]) = 7n·d − d (plus rare cancellation rebuilds, 2n·d_h each).
///   Rows live n steps, so rounding drift is bounded by n updates without any refresh.
/// </summary>
internal sealed class ContinualSoftmaxEngine : ContinualEngine
{
    private readonly int _n, _h, _dh, _d;
    private readonly float _scale;
    private readonly bool _retro;
    private readonly float[] _kr, _vr, _qr;          // rings [h][n][d_h]; _qr holds q/√d_h (retroactive only)
    private readonly float[] _scores, _sOld, _sNew, _qs, _vOld;
    private readonly double[] _shift, _phi, _peak;   // [h][n] per row (slot of its query)
    private readonly double[] _acc;                  // [h][n][d_h]
    private long _t;

    public ContinualSoftmaxEngine(AttentionOptions o, bool retroactive)
    {
        _n = o.Window; _h = o.Heads; _dh = o.HeadDim; _d = o.ModelDim;
        _scale = 1f / MathF.Sqrt(_dh);
        _retro = retroactive;
        int ring = _h * _n * _dh;
        _kr = new float[ring]; _vr = new float[ring];
        _scores = new float[_n]; _qs = new float[_dh];
        if (retroactive)
        {
            _qr = new float[ring];
            _sOld = new float[_n]; _sNew = new float[_n]; _vOld = new float[_dh];
            _shift = new double[_h * _n]; _phi = new double[_h * _n]; _peak = new double[_h * _n];
            _acc = new double[ring];
        }
        else
        {
            _qr = _sOld = _sNew = _vOld = [];
            _shift = _phi = _peak = _acc = [];
        }
    }

    public override long TokensSeen => _t;

    public override long MultiplyAddsPerStep
    {
        get
        {
            long n = _n, d = _d;
            return _retro ? 7 * n * d - d : 2 * n * d + _h * n + d;
        }
    }

    public override void Reset()
    {
        _t = 0;
        Array.Clear(_kr); Array.Clear(_vr); Array.Clear(_qr); Array.Clear(_acc);
        Array.Clear(_shift); Array.Clear(_phi); Array.Clear(_peak);
        CancellationRebuilds = 0;
    }

    private Span<float> Ring(float[] ring, int h) => ring.AsSpan(h * _n * _dh, _n * _dh);

    public override bool Step(ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v, Span<float> output)
    {
        long t = _t;
        int n = _n, dh = _dh, slot = (int)(t % n);
        if (!_retro || t < n)
        {
            // Warm-up (and single-output always): write the token into its ring slot.
            for (int h = 0; h < _h; h++)
            {
                k.Slice(h * dh, dh).CopyTo(Ring(_kr, h).Slice(slot * dh, dh));
                v.Slice(h * dh, dh).CopyTo(Ring(_vr, h).Slice(slot * dh, dh));
                if (_retro) RowScale.Compute(q.Slice(h * dh, dh), _scale, Ring(_qr, h).Slice(slot * dh, dh));
            }
        }
        _t = t + 1;
        if (t < n - 1) return false;
        if (!_retro)
        {
            for (int h = 0; h < _h; h++)
            {
                RowScale.Compute(q.Slice(h * dh, dh), _scale, _qs);
                MatVec.Compute(Ring(_kr, h), _qs, default, _scores);          // s_j = q·k_j/√d_h, ring order
                Softmax.Compute(_scores, _scores);
                MatVecTransposed.Compute(Ring(_vr, h), _scores, output.Slice(h * dh, dh)); // Σ_j p_j v_j
            }
            return true;
        }
        if (t == n - 1)
        {
            for (int h = 0; h < _h; h++)
                for (int i = 0; i < n; i++) BuildRow(h, i);
        }
        else
        {
            for (int h = 0; h < _h; h++) SlideHead(h, slot, q.Slice(h * dh, dh), k.Slice(h * dh, dh), v.Slice(h * dh, dh));
        }
        WriteAllRows(slot, output);
        return true;
    }

    // Retroactive step for head h: the key/value in `slot` leaves, (q, k, v) arrives in the same slot.
    private void SlideHead(int h, int slot, ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v)
    {
        int n = _n, dh = _dh;
        Span<float> qr = Ring(_qr, h), kr = Ring(_kr, h), vr = Ring(_vr, h);
        Span<float> kSlot = kr.Slice(slot * dh, dh), vSlot = vr.Slice(slot * dh, dh);
        MatVec.Compute(qr, kSlot, default, _sOld);            // s_i,old = q_i·k_old/√d_h for every row
        vSlot.CopyTo(_vOld);
        k.CopyTo(kSlot); v.CopyTo(vSlot);
        RowScale.Compute(q, _scale, qr.Slice(slot * dh, dh));
        MatVec.Compute(qr, k, default, _sNew);                // s_i,new = q_i·k/√d_h
        int b = h * n;
        for (int i = 0; i < n; i++)
        {
            if (i == slot) continue;                           // the leaving query's row is replaced below
            Span<double> acc = _acc.AsSpan((b + i) * dh, dh);
            if (ShiftedSums.Slide(ref _shift[b + i], ref _phi[b + i], ref _peak[b + i], acc, _sOld[i], _vOld, _sNew[i], v))
            {
                CancellationRebuilds++;
                BuildRow(h, i);
            }
        }
        BuildRow(h, slot);
    }

    // Exact row i of head h from the rings (current window): 2n·d_h multiply-adds.
    private void BuildRow(int h, int i)
    {
        int dh = _dh, b = h * _n + i;
        MatVec.Compute(Ring(_kr, h), Ring(_qr, h).Slice(i * dh, dh), default, _scores);
        ShiftedSums.Build(_scores, Ring(_vr, h), out _shift[b], out _phi[b], out _peak[b], _acc.AsSpan(b * dh, dh));
    }

    // Output rows oldest → newest: row r is position t − n + 1 + r, slot (slot + 1 + r) mod n.
    private void WriteAllRows(int slot, Span<float> output)
    {
        int n = _n, dh = _dh, d = _d;
        for (int r = 0; r < n; r++)
        {
            int i = (slot + 1 + r) % n;
            for (int h = 0; h < _h; h++)
            {
                int b = h * n + i;
                double inv = 1.0 / _phi[b];
                ReadOnlySpan<double> acc = _acc.AsSpan(b * dh, dh);
                Span<float> o = output.Slice(r * d + h * dh, dh);
                for (int c = 0; c < dh; c++) o[c] = (float)(acc[c] * inv);
            }
        }
    }
}
