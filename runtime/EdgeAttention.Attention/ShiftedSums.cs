using EdgeAttention.Kernels;

namespace EdgeAttention.Attention;

/// <summary>
/// Running softmax sums of one attention row kept in a shifted exponent space (online-softmax style):
/// φ = Σ_k exp(s_k − c), acc = Σ_k exp(s_k − c) v_k, with a reference shift c ≥ every score added since the
/// last rebuild, so every term is ≤ 1 and nothing overflows. acc/φ is the row's softmax-weighted mean of v
/// and does not depend on c. Sums are float64.
///
/// Cancellation guard: subtracting a leaving term that held most of the row's mass leaves a remainder
/// dominated by rounding (models/README.md §4.3). We track peak = the largest φ since the last rebuild (rescaled with
/// c); every add/subtract errs by at most ε·peak, so after N updates the relative error of φ and acc/φ is at
/// most N·ε·peak/φ. When φ &lt; <see cref="RebuildRatio"/>·peak (or φ is not a positive number) the caller
/// rebuilds the row exactly from the ring buffers with a fresh shift. With ε = 1.1e-16 and N ≤ 2·10⁴ updates
/// between rebuilds, that bounds the relative error by 2·10⁻⁸.
/// </summary>
internal static class ShiftedSums
{
    /// <summary>Rebuild when the row's sum falls below this share of its peak since the last rebuild.</summary>
    public const double RebuildRatio = 1e-4;

    /// <summary>
    /// Slides one row by one token: removes (sOld, vOld), adds (sNew, vNew). acc [d_h]. Returns true when the
    /// row must be rebuilt (cancellation), in which case the sums are garbage until the caller rebuilds.
    /// Multiply-adds: 2·d_h (plus d_h when the shift moves).
    /// </summary>
    public static bool Slide(ref double shift, ref double phi, ref double peak, Span<double> acc,
        float sOld, ReadOnlySpan<float> vOld, float sNew, ReadOnlySpan<float> vNew) =>
        Slide(ref shift, ref phi, ref peak, acc, Math.Exp(sOld - shift), vOld, sNew, vNew, out _, out _);

    /// <summary>
    /// As above with the leaving term given as eOld = its value in the sums (e.g. cached when the key arrived and
    /// rescaled by the shift moves since). eNew receives the new key's term as added (cache it); shifted tells
    /// whether the reference shift moved.
    /// </summary>
    public static bool Slide(ref double shift, ref double phi, ref double peak, Span<double> acc,
        double eOld, ReadOnlySpan<float> vOld, float sNew, ReadOnlySpan<float> vNew, out double eNew, out bool shifted) =>
        Slide(ref shift, ref phi, ref peak, acc, eOld, vOld, sNew, double.NaN, vNew, out eNew, out shifted);

    /// <summary>
    /// As above with the new term precomputed: ePre = exp(sNew − shift) (e.g. a vector float exp; used when
    /// sNew ≤ shift; NaN means compute it here).
    /// </summary>
    public static bool Slide(ref double shift, ref double phi, ref double peak, Span<double> acc,
        double eOld, ReadOnlySpan<float> vOld, float sNew, double ePre, ReadOnlySpan<float> vNew, out double eNew, out bool shifted)
    {
        double c = shift;
        if (sNew > c)
        {
            // New maximum: move the reference shift to sNew and rescale the sums (online softmax).
            double f = Math.Exp(c - sNew);
            phi *= f; peak *= f; eOld *= f;
            for (int i = 0; i < acc.Length; i++) acc[i] = acc[i] * f + vNew[i] - eOld * vOld[i];
            shift = sNew;
            phi += 1.0;
            eNew = 1.0;
            shifted = true;
        }
        else
        {
            double e = double.IsNaN(ePre) ? Math.Exp(sNew - c) : ePre;
            for (int i = 0; i < acc.Length; i++) acc[i] += e * vNew[i] - eOld * vOld[i];
            phi += e;
            eNew = e;
            shifted = false;
        }
        if (phi > peak) peak = phi;
        phi -= eOld;
        return !(phi >= RebuildRatio * peak);
    }

    /// <summary>Exact rebuild with float64 values [n × d_h]; terms [n] receives exp(s_j − shift). Multiply-adds: n·d_h.</summary>
    public static void Build(ReadOnlySpan<float> scores, ReadOnlySpan<double> values, out double shift, out double phi, out double peak, Span<double> acc,
        Span<double> terms) => Build(scores, values, acc.Length, out shift, out phi, out peak, acc, terms);

    /// <summary>
    /// As above with value row j at values[j·valueStride] (its first d_h elements): one head's rows of a slot-major
    /// [n × d] ring, values starting at the head's column, valueStride = d.
    /// </summary>
    public static void Build(ReadOnlySpan<float> scores, ReadOnlySpan<double> values, int valueStride, out double shift, out double phi, out double peak,
        Span<double> acc, Span<double> terms)
    {
        int dh = acc.Length, n = scores.Length;
        if (terms.Length < n) throw new ArgumentException("ShiftedSums.Build: terms shorter than n.");
        float max = float.NegativeInfinity;
        for (int i = 0; i < n; i++) if (scores[i] > max) max = scores[i];
        Span<double> e = terms.Slice(0, n);
        for (int j = 0; j < n; j++) e[j] = (double)scores[j] - max;
        Exp64.NonPositive(e, e);                                      // exp(s_j − max), arguments ≤ 0
        double sum = 0;
        for (int j = 0; j < n; j++) sum += e[j];
        if (valueStride == dh) VecMat.Compute(values.Slice(0, n * dh), e, acc);   // acc = Σ_j e_j v_j
        else VecMat.Compute(values, valueStride, e, acc);
        shift = max; phi = sum; peak = sum;
    }

    /// <summary>
    /// Exact rebuild: scores [n] (one per ring slot), values [n × d_h] (same slots), acc [d_h].
    /// shift = max score, φ = Σ exp(s − shift) ≥ 1, peak = φ. Multiply-adds: n·d_h.
    /// </summary>
    public static void Build(ReadOnlySpan<float> scores, ReadOnlySpan<float> values, out double shift, out double phi, out double peak, Span<double> acc) =>
        Build(scores, values, out shift, out phi, out peak, acc, default);

    /// <summary>As above; when <paramref name="terms"/> is not empty it receives exp(s_j − shift) per slot [n].</summary>
    public static void Build(ReadOnlySpan<float> scores, ReadOnlySpan<float> values, out double shift, out double phi, out double peak, Span<double> acc,
        Span<double> terms)
    {
        int dh = acc.Length;
        float max = float.NegativeInfinity;
        for (int i = 0; i < scores.Length; i++) if (scores[i] > max) max = scores[i];
        acc.Clear();
        double sum = 0;
        for (int j = 0; j < scores.Length; j++)
        {
            double e = Math.Exp((double)scores[j] - max);
            if (!terms.IsEmpty) terms[j] = e;
            sum += e;
            ReadOnlySpan<float> v = values.Slice(j * dh, dh);
            for (int i = 0; i < dh; i++) acc[i] += e * v[i];
        }
        shift = max; phi = sum; peak = sum;
    }
}
