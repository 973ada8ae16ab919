using EdgeAttention.Kernels;

namespace EdgeAttention.Attention;

/// <summary>
/// Landmark kernel A = softmax(Q̃ K̃ᵀ/√d_h) (m×m) and its Newton–Schulz pseudo-inverse (models/README.md §4.2,
/// Nyströmformer §3): Z₀ = Aᵀ / (‖A‖₁‖A‖∞) of this one matrix, then Z ← ¼ Z (13I − AZ (15I − AZ (7I − AZ))).
/// Done in float64 (m³ is tiny) so the continual and recompute paths share one well-conditioned G.
/// One instance holds the scratch for one m; not thread-safe.
/// </summary>
internal sealed class LandmarkInverse
{
    private readonly int _m;
    private readonly double[] _a, _z, _az, _t1, _t2, _zn;

    public LandmarkInverse(int m)
    {
        _m = m;
        int mm = m * m;
        _a = new double[mm]; _z = new double[mm]; _az = new double[mm];
        _t1 = new double[mm]; _t2 = new double[mm]; _zn = new double[mm];
    }

    /// <summary>Raw-score matrix in, G = pinv(softmax rows) out (float64). scores [m×m] = Q̃_i·K̃_j/√d_h; g [m×m].</summary>
    public void FromScores(ReadOnlySpan<float> scores, int iterations, Span<double> g)
    {
        int m = _m;
        // A[i, :] = softmax(scores[i, :]) in float64 with max subtraction.
        for (int i = 0; i < m; i++)
        {
            Span<double> row = _a.AsSpan(i * m, m);
            Precision.Widen(scores.Slice(i * m, m), row);
            double inv = 1.0 / Softmax.ExpMaxShifted(row, 1.0, row);
            for (int j = 0; j < m; j++) row[j] *= inv;
        }
        Pinv(_a, m, iterations, _z, _az, _t1, _t2, _zn);
        _z.AsSpan(0, m * m).CopyTo(g);
    }

    /// <summary>Multiply-adds of <see cref="FromScores"/>: m² (normalise) + m² (Z₀) + iterations·4m³.</summary>
    public static long MultiplyAdds(int m, int iterations) => 2L * m * m + 4L * iterations * m * m * m;

    /// <summary>Newton–Schulz pinv of a [m×m] (float64). z receives the result; the other spans are scratch.</summary>
    internal static void Pinv(ReadOnlySpan<double> a, int m, int iterations, Span<double> z, Span<double> az, Span<double> t1, Span<double> t2, Span<double> zn)
    {
        double maxCol = 0, maxRow = 0;
        for (int i = 0; i < m; i++)
        {
            double row = 0, col = 0;
            for (int j = 0; j < m; j++) { row += Math.Abs(a[i * m + j]); col += Math.Abs(a[j * m + i]); }
            maxRow = Math.Max(maxRow, row); maxCol = Math.Max(maxCol, col);
        }
        double s = 1.0 / (maxCol * maxRow);
        for (int i = 0; i < m; i++)
            for (int j = 0; j < m; j++) z[i * m + j] = a[j * m + i] * s;
        for (int it = 0; it < iterations; it++)
        {
            // Z ← ¼ Z(13I − AZ(15I − AZ(7I − AZ))), the negations, diagonal adds and the ¼ folded into the products.
            MulAffine(a, z, az, m, 1.0, 0);                     // AZ
            for (int i = 0; i < m * m; i++) t1[i] = -az[i];     // 7I − AZ
            for (int i = 0; i < m; i++) t1[i * m + i] += 7;
            MulAffine(az, t1, t2, m, -1.0, 15);                 // 15I − AZ(7I − AZ)
            MulAffine(az, t2, t1, m, -1.0, 13);                 // 13I − AZ(15I − …)
            MulAffine(z, t1, zn, m, 0.25, 0);                   // ¼ Z(13I − …)
            zn.Slice(0, m * m).CopyTo(z);
        }
    }

    /// <summary>
    /// p = softmax(scale·x) · G [m], G [m×m] float64; the softmax runs in float with the kernels' vector exp in
    /// <paramref name="scratch"/> [m] (may alias x), widened into <paramref name="scratch64"/> [m]. The product with G
    /// is float64 because G of an ill-conditioned A has large entries of both signs. Multiply-adds: m (scale) + m
    /// (normalise) + m².
    /// </summary>
    internal static void SoftmaxTimesG(ReadOnlySpan<float> x, float scale, Span<float> scratch, Span<double> scratch64, ReadOnlySpan<double> g, Span<double> p)
    {
        RowScale.Compute(x, scale, scratch);
        Softmax.Compute(scratch, scratch);
        Precision.Widen(scratch, scratch64);
        VecMat.Compute(g, scratch64, p);
    }

    /// <summary>out[c] = Σ_j p[j] · bv[j, c] accumulated in float64 (acc [d_h]), rounded to float; bv [m × d_h].</summary>
    internal static void Combine(ReadOnlySpan<double> p, ReadOnlySpan<double> bv, Span<double> acc, Span<float> output)
    {
        VecMat.Compute(bv, p, acc);
        Precision.Narrow(acc, output);
    }

    // r = s·(x·y) + d·I for [m×m] float64, row by row: r[i, :] = s·Σ_p x[i, p]·y[p, :].
    private static void MulAffine(ReadOnlySpan<double> x, ReadOnlySpan<double> y, Span<double> r, int m, double s, double d)
    {
        ReadOnlySpan<double> ym = y.Slice(0, m * m);
        for (int i = 0; i < m; i++)
        {
            VecMat.Compute(ym, x.Slice(i * m, m), s, default, r.Slice(i * m, m));
            r[i * m + i] += d;
        }
    }
}
