using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace EdgeAttention.Attention;

/// <summary>
/// Fused per-head step of the continual Nyström engine (same equations as <see cref="ContinualNystromEngine.SlideHead"/>
/// and <see cref="ContinualNystromEngine.WriteNewest"/>, Carreto Picón et al. 2024 §4): the m landmark rows are the
/// lanes of Vector&lt;double&gt; (W = 4 with AVX2, 2 with NEON; the m mod W last rows run the same formulas scalar),
/// so the new key's m scores, the m shifted exponentials (one vector exp), the shift moves, the leaving terms and the
/// cancellation check are a few vector operations per head instead of ~10 kernel calls on 8-element spans.
/// Landmarks are kept transposed ([d_h][m], float) for the lane-wise dot products (float scores, as the MatVec reference).
/// Stability logic is unchanged (<see cref="ShiftedSums"/>): per-row shift, cancellation rebuild, periodic refresh;
/// rebuild decisions are taken off the fast path (one vector compare per W rows, the row loop only when one fires).
/// </summary>
internal sealed partial class ContinualNystromEngine
{
    private static int W => Vector<double>.Count;

    // Transposed landmarks [h][d_h][m], float (the scores are float dot products, as in the MatVec reference):
    // _lqsT = (Q̃/√d_h)ᵀ, _lkT = K̃ᵀ (unscaled).
    private float[] _lqsT = [], _lkT = [];
    // Per-head scratch [m]: scores (rounded to float, as cached), leaving terms, rescale factors, new terms.
    private double[] _sD = [], _eOldD = [], _fD = [], _eNewD = [], _wD = [], _oD = [];
    private float[] _fsc = [];
    // Step at which a head's next drift refresh is due: min_j built_j + R.
    private long[] _due = [];

    private void AllocateFused()
    {
        int h = _h, m = _m, dh = _dh;
        _lqsT = new float[h * dh * m]; _lkT = new float[h * dh * m];
        _sD = new double[m]; _eOldD = new double[m]; _fD = new double[m]; _eNewD = new double[m]; _wD = new double[m]; _oD = new double[dh]; _fsc = new float[m];
        _due = new long[h];
    }

    // Transposed landmark copies of head h: lqsT[c, j] = Q̃s[j, c], lkT[c, j] = K̃[j, c].
    private void TransposeLandmarks(int h)
    {
        int m = _m, dh = _dh, o = h * m * dh;
        for (int j = 0; j < m; j++)
            for (int c = 0; c < dh; c++)
            {
                _lqsT[o + c * m + j] = _lqs[o + j * dh + c];
                _lkT[o + c * m + j] = _lk[o + j * dh + c];
            }
    }

    private void UpdateDue(int h)
    {
        long min = long.MaxValue;
        for (int j = 0; j < _m; j++) min = Math.Min(min, _built[h * _m + j]);
        _due[h] = min + _refresh;
    }

    /// <summary>
    /// Slides every row of head h by one token (the key in <paramref name="slot"/> leaves, k/v arrive) and writes the
    /// rings and per-slot caches. Row <paramref name="changed"/> (a new landmark, or −1) is updated like the others and
    /// flagged for rebuild. Returns true when some row needs an exact rebuild (then _rebuild[j] tells which).
    /// Per row: s_j = Q̃s_j·k (d_h), e_j = exp(s_j − c_j) or, when s_j &gt; c_j, the shift moves to s_j with factor
    /// f_j = exp(c_j − s_j); acc_j ← f_j·acc_j + e_j·v − f_j·eOld_j·v_old (d_h), φ_j ← f_j·φ_j + e_j − f_j·eOld_j.
    /// </summary>
    private bool FusedSlide(int h, long t, int slot, int changed, ReadOnlySpan<float> k, ReadOnlySpan<float> v)
    {
        int n = _n, m = _m, dh = _dh, w = W, mv = m - m % w;
        int hm = h * m, kb0 = (h * n + slot) * m;
        ref float kr = ref MemoryMarshal.GetReference(k);
        ref double sD = ref _sD[0];

        // s = Q̃s k [m] (float lanes, as cached in _ks), widened to float64.
        LaneScores(ref _lqsT[h * m * dh], m, ref kr, dh, ref _ks[kb0], ref sD);
        int j0;

        // Shifts, terms, φ, peak, cancellation check: W rows at a time.
        ref double shift = ref _shift[hm], phi = ref _phi[hm], peak = ref _peak[hm];
        ref double ke = ref _ke[kb0], kc = ref _kc[kb0];
        ref double eOldD = ref _eOldD[0], fD = ref _fD[0], eNewD = ref _eNewD[0];
        bool anyShift = false, anyBad = false;
        var one = Vector<double>.One;
        var ratio = new Vector<double>(ShiftedSums.RebuildRatio);
        for (j0 = 0; j0 < mv; j0 += w)
        {
            nuint o = (nuint)j0;
            Vector<double> s = Vector.LoadUnsafe(ref sD, o), c = Vector.LoadUnsafe(ref shift, o);
            Vector<double> e0 = Vector.LoadUnsafe(ref ke, o), c0 = Vector.LoadUnsafe(ref kc, o);
            // Leaving term as it sits in the sums now: cached term, rescaled if the row's shift moved since.
            if (!Vector.EqualsAll(c0, c)) e0 = Vector.ConditionalSelect(Vector.Equals(c0, c), e0, e0 * LaneExp.NonPositive(c0 - c));
            Vector<long> up = Vector.GreaterThan(s, c);
            Vector<double> ex = LaneExp.NonPositive(-Vector.Abs(s - c));
            Vector<double> f = Vector.ConditionalSelect(up, ex, one), eNew = Vector.ConditionalSelect(up, one, ex);
            if (up != Vector<long>.Zero) anyShift = true;
            Vector<double> cNew = Vector.ConditionalSelect(up, s, c);
            e0 *= f;
            Vector<double> p = Vector.LoadUnsafe(ref phi, o) * f + eNew;
            Vector<double> pk = Vector.Max(Vector.LoadUnsafe(ref peak, o) * f, p);
            p -= e0;
            if (!Vector.GreaterThanOrEqualAll(p, ratio * pk)) anyBad = true;
            p.StoreUnsafe(ref phi, o); pk.StoreUnsafe(ref peak, o); cNew.StoreUnsafe(ref shift, o);
            e0.StoreUnsafe(ref eOldD, o); f.StoreUnsafe(ref fD, o); eNew.StoreUnsafe(ref eNewD, o);
            eNew.StoreUnsafe(ref ke, o); cNew.StoreUnsafe(ref kc, o);
        }
        for (int j = mv; j < m; j++)
        {
            double s = Unsafe.Add(ref sD, j), c = Unsafe.Add(ref shift, j), e0 = Unsafe.Add(ref ke, j), c0 = Unsafe.Add(ref kc, j);
            if (c0 != c) e0 *= Math.Exp(c0 - c);
            double f = 1.0, eNew;
            if (s > c) { f = Math.Exp(c - s); eNew = 1.0; anyShift = true; Unsafe.Add(ref shift, j) = s; }
            else eNew = Math.Exp(s - c);
            e0 *= f;
            double p = Unsafe.Add(ref phi, j) * f + eNew, pk = Math.Max(Unsafe.Add(ref peak, j) * f, p);
            p -= e0;
            if (!(p >= ShiftedSums.RebuildRatio * pk)) anyBad = true;
            Unsafe.Add(ref phi, j) = p; Unsafe.Add(ref peak, j) = pk;
            Unsafe.Add(ref eOldD, j) = e0; Unsafe.Add(ref fD, j) = f; Unsafe.Add(ref eNewD, j) = eNew;
            Unsafe.Add(ref ke, j) = eNew; Unsafe.Add(ref kc, j) = Unsafe.Add(ref shift, j);
        }

        // acc_j ← f_j·acc_j + e_j·v − eOld_j·v_old, row by row over d_h (vectorised); then the rings.
        ref double vOld = ref _vr[(h * n + slot) * dh];
        ref double vNew = ref _vNew[0];
        ref float vr = ref MemoryMarshal.GetReference(v);
        WidenCopy(ref vr, ref vNew, dh);
        ref double acc = ref _acc[hm * dh];
        if (anyShift)
        {
            for (int j = 0; j < m; j++)
            {
                ref double a = ref Unsafe.Add(ref acc, j * dh);
                double en = Unsafe.Add(ref eNewD, j), eo = Unsafe.Add(ref eOldD, j);
                if (Unsafe.Add(ref fD, j) != 1.0) DoubleMath.ScaleAddSub(MemoryMarshal.CreateSpan(ref a, dh), Unsafe.Add(ref fD, j), en, _vNew, eo, _vr.AsSpan((h * n + slot) * dh, dh));
                else AddSub(ref a, en, ref vNew, eo, ref vOld, dh);
            }
        }
        else
        {
            // No shift moved (the common case): column groups outer, rows inner, v and v_old loaded once per group.
            int cv = dh - dh % w, c0 = 0;
            for (; c0 < cv; c0 += w)
            {
                Vector<double> vn = Vector.LoadUnsafe(ref vNew, (nuint)c0), vo = Vector.LoadUnsafe(ref vOld, (nuint)c0);
                for (int j = 0; j < m; j++)
                {
                    nuint o = (nuint)(j * dh + c0);
                    Vector<double> a = Vector.MultiplyAddEstimate(new Vector<double>(Unsafe.Add(ref eNewD, j)), vn, Vector.LoadUnsafe(ref acc, o));
                    Vector.MultiplyAddEstimate(new Vector<double>(-Unsafe.Add(ref eOldD, j)), vo, a).StoreUnsafe(ref acc, o);
                }
            }
            for (; c0 < dh; c0++)
                for (int j = 0; j < m; j++)
                    Unsafe.Add(ref acc, j * dh + c0) += Unsafe.Add(ref eNewD, j) * Unsafe.Add(ref vNew, c0) - Unsafe.Add(ref eOldD, j) * Unsafe.Add(ref vOld, c0);
        }
        ref float kDst = ref _kr[(h * n + slot) * dh];
        int cf = 0, wf = Vector<float>.Count;
        for (; cf <= dh - wf; cf += wf) Vector.LoadUnsafe(ref kr, (nuint)cf).StoreUnsafe(ref kDst, (nuint)cf);
        for (; cf < dh; cf++) Unsafe.Add(ref kDst, cf) = Unsafe.Add(ref kr, cf);
        WidenCopy(ref vr, ref vOld, dh);

        // Rebuild decisions (rare): cancellation, the new landmark's row, the drift refresh.
        if (!anyBad && changed < 0 && t < _due[h]) return false;
        bool any = false;
        for (int j = 0; j < m; j++)
        {
            bool rebuild = j == changed || t - _built[hm + j] >= _refresh;
            if (j != changed && !(Unsafe.Add(ref phi, j) >= ShiftedSums.RebuildRatio * Unsafe.Add(ref peak, j)))
            {
                CancellationRebuilds++;
                rebuild = true;
            }
            _rebuild[j] = rebuild;
            any |= rebuild;
        }
        return any;
    }

    // s[j] = Σ_c x[c]·matT[c, j] for all m lanes: matT [d_h][m] float, x [d_h]; float accumulation (four accumulators,
    // c mod 4) in Vector<float> lane groups, scalar for the last m mod Vector<float>.Count lanes. sf [m] receives
    // the float scores, sd [m] the same values in float64.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void LaneScores(ref float matT, int m, ref float x, int dh, ref float sf, ref double sd)
    {
        int wf = Vector<float>.Count, w = Vector<double>.Count, mvf = m - m % wf, j0 = 0;
        for (; j0 < mvf; j0 += wf)
        {
            Vector<float> s0 = Vector<float>.Zero, s1 = Vector<float>.Zero, s2 = Vector<float>.Zero, s3 = Vector<float>.Zero;
            int c = 0;
            ref float mc = ref Unsafe.Add(ref matT, j0);   // matT[c, j0], advanced by four rows per pass
            for (; c + 3 < dh; c += 4)
            {
                s0 = Vector.MultiplyAddEstimate(new Vector<float>(Unsafe.Add(ref x, c)), Vector.LoadUnsafe(ref mc), s0);
                s1 = Vector.MultiplyAddEstimate(new Vector<float>(Unsafe.Add(ref x, c + 1)), Vector.LoadUnsafe(ref mc, (nuint)m), s1);
                s2 = Vector.MultiplyAddEstimate(new Vector<float>(Unsafe.Add(ref x, c + 2)), Vector.LoadUnsafe(ref mc, (nuint)(2 * m)), s2);
                s3 = Vector.MultiplyAddEstimate(new Vector<float>(Unsafe.Add(ref x, c + 3)), Vector.LoadUnsafe(ref mc, (nuint)(3 * m)), s3);
                mc = ref Unsafe.Add(ref mc, 4 * m);
            }
            for (; c < dh; c++) s0 = Vector.MultiplyAddEstimate(new Vector<float>(Unsafe.Add(ref x, c)), Vector.LoadUnsafe(ref matT, (nuint)(c * m + j0)), s0);
            Vector<float> s = (s0 + s1) + (s2 + s3);
            s.StoreUnsafe(ref sf, (nuint)j0);
            Vector.Widen(s, out Vector<double> lo, out Vector<double> hi);
            lo.StoreUnsafe(ref sd, (nuint)j0);
            hi.StoreUnsafe(ref sd, (nuint)(j0 + w));
        }
        for (int j = mvf; j < m; j++)
        {
            float s = 0;
            for (int c = 0; c < dh; c++) s += Unsafe.Add(ref x, c) * Unsafe.Add(ref matT, c * m + j);
            Unsafe.Add(ref sf, j) = s;
            Unsafe.Add(ref sd, j) = s;
        }
    }

    // outStrided[i·stride] = rows_i · x for every row of rows [r × d_h] (float; 4-lane chunks, scalar tail).
    // Used for a new landmark's key-score column (n·d_h) and, retroactive, its F column.
    private static void RowDots(ReadOnlySpan<float> rows, ReadOnlySpan<float> x, Span<float> outStrided, int stride)
    {
        int dh = x.Length, r = rows.Length / dh, cv = dh - dh % 4;
        if (rows.Length != r * dh || outStrided.Length < (r - 1) * stride + 1) throw new ArgumentException("RowDots: shape mismatch.");
        ref float rr = ref MemoryMarshal.GetReference(rows);
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float o = ref MemoryMarshal.GetReference(outStrided);
        for (int i = 0; i < r; i++)
        {
            ref float row = ref Unsafe.Add(ref rr, i * dh);
            var acc = System.Runtime.Intrinsics.Vector128<float>.Zero;
            int c = 0;
            for (; c < cv; c += 4)
                acc = System.Runtime.Intrinsics.Vector128.MultiplyAddEstimate(System.Runtime.Intrinsics.Vector128.LoadUnsafe(ref row, (nuint)c),
                    System.Runtime.Intrinsics.Vector128.LoadUnsafe(ref xr, (nuint)c), acc);
            float s = System.Runtime.Intrinsics.Vector128.Sum(acc);
            for (; c < dh; c++) s += Unsafe.Add(ref row, c) * Unsafe.Add(ref xr, c);
            Unsafe.Add(ref o, i * stride) = s;
        }
    }

    // sum[i] += x[i] (float64 running segment sums, Vector<float> groups widened, scalar tail).
    private static void AddWidened(ReadOnlySpan<float> x, Span<double> sum)
    {
        int n = x.Length, wf = Vector<float>.Count, i = 0;
        if (sum.Length != n) throw new ArgumentException("AddWidened: length mismatch.");
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref double sr = ref MemoryMarshal.GetReference(sum);
        for (; i <= n - wf; i += wf)
        {
            Vector.Widen(Vector.LoadUnsafe(ref xr, (nuint)i), out Vector<double> lo, out Vector<double> hi);
            (Vector.LoadUnsafe(ref sr, (nuint)i) + lo).StoreUnsafe(ref sr, (nuint)i);
            (Vector.LoadUnsafe(ref sr, (nuint)(i + wf / 2)) + hi).StoreUnsafe(ref sr, (nuint)(i + wf / 2));
        }
        for (; i < n; i++) Unsafe.Add(ref sr, i) += Unsafe.Add(ref xr, i);
    }

    // dst[c] = (double)src[c], c < len (Vector<float> groups widened, scalar tail).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void WidenCopy(ref float src, ref double dst, int len)
    {
        int wf = Vector<float>.Count, c = 0;
        for (; c <= len - wf; c += wf)
        {
            Vector.Widen(Vector.LoadUnsafe(ref src, (nuint)c), out Vector<double> lo, out Vector<double> hi);
            lo.StoreUnsafe(ref dst, (nuint)c);
            hi.StoreUnsafe(ref dst, (nuint)(c + wf / 2));
        }
        for (; c < len; c++) Unsafe.Add(ref dst, c) = Unsafe.Add(ref src, c);
    }

    // a[i] ← a[i] + x·u[i] − y·w[i], i < len (the scalar loop of DoubleMath.AddSub, on refs).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddSub(ref double a, double x, ref double u, double y, ref double w, int len)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var vx = new Vector<double>(x);
            var vy = new Vector<double>(y);
            for (; i <= len - Vector<double>.Count; i += Vector<double>.Count)
            {
                nuint o = (nuint)i;
                Vector.MultiplyAddEstimate(-vy, Vector.LoadUnsafe(ref w, o), Vector.MultiplyAddEstimate(vx, Vector.LoadUnsafe(ref u, o), Vector.LoadUnsafe(ref a, o))).StoreUnsafe(ref a, o);
            }
        }
        for (; i < len; i++) Unsafe.Add(ref a, i) = Unsafe.Add(ref a, i) + x * Unsafe.Add(ref u, i) - y * Unsafe.Add(ref w, i);
    }

    /// <summary>
    /// Single-output for head h: f = q·K̃ᵀ/√d_h [m] (lane-wise, float64), b = exp(f − max f), p = (b/Σb)·G [m],
    /// out = Σ_j (p_j/φ_j)·acc_j [d_h]. Same equation as <see cref="WriteNewest"/>.
    /// </summary>
    private void FusedNewest(int h, ReadOnlySpan<float> q, Span<float> output)
    {
        int m = _m, dh = _dh, w = W, mv = m - m % w, hm = h * m;
        ref float qr = ref MemoryMarshal.GetReference(q);
        ref double fD = ref _fD[0];
        int j0;
        LaneScores(ref _lkT[h * m * dh], m, ref qr, dh, ref _fsc[0], ref fD);   // q·K̃_j (unscaled)
        // b_j = exp(scale·f_j − scale·max f) (max and sum as lane-group reductions: short dependency chains).
        double max = double.NegativeInfinity;
        if (mv > 0)
        {
            Vector<double> vm = Vector.LoadUnsafe(ref fD);
            for (j0 = w; j0 < mv; j0 += w) vm = Vector.Max(vm, Vector.LoadUnsafe(ref fD, (nuint)j0));
            for (int l = 0; l < w; l++) max = Math.Max(max, vm[l]);
        }
        for (int j = mv; j < m; j++) max = Math.Max(max, Unsafe.Add(ref fD, j));
        double scale = _scale;
        max *= scale;
        var vscale = new Vector<double>(scale);
        var vnegMax = new Vector<double>(-max);
        Vector<double> vsum = Vector<double>.Zero;
        for (j0 = 0; j0 < mv; j0 += w)
        {
            Vector<double> e = LaneExp.NonPositive(Vector.MultiplyAddEstimate(Vector.LoadUnsafe(ref fD, (nuint)j0), vscale, vnegMax));
            vsum += e;
            e.StoreUnsafe(ref fD, (nuint)j0);
        }
        double sum = Vector.Sum(vsum);
        for (int j = mv; j < m; j++) sum += Unsafe.Add(ref fD, j) = Math.Exp(Unsafe.Add(ref fD, j) * scale - max);
        double inv = 1.0 / sum;

        // p = Σ_i softmax_i · G[i, :], then w = p ⊘ φ.
        ref double g = ref _g[hm * m];
        ref double wD = ref _wD[0];
        ref double phi = ref _phi[hm];
        for (j0 = 0; j0 < mv; j0 += w)
        {
            Vector<double> p0 = Vector<double>.Zero, p1 = Vector<double>.Zero, p2 = Vector<double>.Zero, p3 = Vector<double>.Zero;
            int i = 0;
            for (; i + 3 < m; i += 4)
            {
                p0 = Vector.MultiplyAddEstimate(new Vector<double>(Unsafe.Add(ref fD, i)), Vector.LoadUnsafe(ref g, (nuint)(i * m + j0)), p0);
                p1 = Vector.MultiplyAddEstimate(new Vector<double>(Unsafe.Add(ref fD, i + 1)), Vector.LoadUnsafe(ref g, (nuint)((i + 1) * m + j0)), p1);
                p2 = Vector.MultiplyAddEstimate(new Vector<double>(Unsafe.Add(ref fD, i + 2)), Vector.LoadUnsafe(ref g, (nuint)((i + 2) * m + j0)), p2);
                p3 = Vector.MultiplyAddEstimate(new Vector<double>(Unsafe.Add(ref fD, i + 3)), Vector.LoadUnsafe(ref g, (nuint)((i + 3) * m + j0)), p3);
            }
            for (; i < m; i++) p0 = Vector.MultiplyAddEstimate(new Vector<double>(Unsafe.Add(ref fD, i)), Vector.LoadUnsafe(ref g, (nuint)(i * m + j0)), p0);
            (((p0 + p1) + (p2 + p3)) * inv / Vector.LoadUnsafe(ref phi, (nuint)j0)).StoreUnsafe(ref wD, (nuint)j0);
        }
        for (int j = mv; j < m; j++)
        {
            double p = 0;
            for (int i = 0; i < m; i++) p += Unsafe.Add(ref fD, i) * Unsafe.Add(ref g, i * m + j);
            Unsafe.Add(ref wD, j) = p * inv / Unsafe.Add(ref phi, j);
        }

        // out = Σ_j w_j · acc_j [d_h], vectorised over d_h.
        ref double acc = ref _acc[hm * dh];
        ref float outR = ref MemoryMarshal.GetReference(output);
        int c0 = 0;
        for (; c0 <= dh - w; c0 += w)
        {
            Vector<double> o = Vector<double>.Zero, o1 = Vector<double>.Zero, o2 = Vector<double>.Zero, o3 = Vector<double>.Zero;
            int j = 0;
            for (; j + 3 < m; j += 4)
            {
                o = Vector.MultiplyAddEstimate(new Vector<double>(Unsafe.Add(ref wD, j)), Vector.LoadUnsafe(ref acc, (nuint)(j * dh + c0)), o);
                o1 = Vector.MultiplyAddEstimate(new Vector<double>(Unsafe.Add(ref wD, j + 1)), Vector.LoadUnsafe(ref acc, (nuint)((j + 1) * dh + c0)), o1);
                o2 = Vector.MultiplyAddEstimate(new Vector<double>(Unsafe.Add(ref wD, j + 2)), Vector.LoadUnsafe(ref acc, (nuint)((j + 2) * dh + c0)), o2);
                o3 = Vector.MultiplyAddEstimate(new Vector<double>(Unsafe.Add(ref wD, j + 3)), Vector.LoadUnsafe(ref acc, (nuint)((j + 3) * dh + c0)), o3);
            }
            for (; j < m; j++) o = Vector.MultiplyAddEstimate(new Vector<double>(Unsafe.Add(ref wD, j)), Vector.LoadUnsafe(ref acc, (nuint)(j * dh + c0)), o);
            ((o + o1) + (o2 + o3)).StoreUnsafe(ref _oD[0], (nuint)c0);
        }
        for (; c0 < dh; c0++)
        {
            double o = 0;
            for (int j = 0; j < m; j++) o += Unsafe.Add(ref wD, j) * Unsafe.Add(ref acc, j * dh + c0);
            _oD[c0] = o;
        }
        ref double oD = ref _oD[0];
        int cn = 0;
        for (; cn <= dh - 2 * w; cn += 2 * w)
            Vector.Narrow(Vector.LoadUnsafe(ref oD, (nuint)cn), Vector.LoadUnsafe(ref oD, (nuint)(cn + w))).StoreUnsafe(ref outR, (nuint)cn);
        for (; cn < dh; cn++) Unsafe.Add(ref outR, cn) = (float)Unsafe.Add(ref oD, cn);
    }
}
