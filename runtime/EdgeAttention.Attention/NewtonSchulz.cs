using System.Numerics;
using EdgeAttention.Kernels;

namespace EdgeAttention.Attention;

/// <summary>
/// Landmark kernel A = softmax(Q̃ K̃ᵀ/√d_h) (m×m) and its Newton–Schulz pseudo-inverse (contract §4.2,
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
            double max = double.NegativeInfinity;
            for (int j = 0; j < m; j++) max = Math.Max(max, scores[i * m + j]);
            double sum = 0;
            for (int j = 0; j < m; j++) _a[i * m + j] = scores[i * m + j] - max;
            int w = Vector<double>.Count, jv = Vector.IsHardwareAccelerated ? m - m % w : 0;
            for (int j = 0; j < jv; j += w)   // exp of arguments ≤ 0, vectorised
                LaneExp.NonPositive(Vector.LoadUnsafe(ref _a[i * m], (nuint)j)).StoreUnsafe(ref _a[i * m], (nuint)j);
            for (int j = jv; j < m; j++) _a[i * m + j] = Math.Exp(_a[i * m + j]);
            for (int j = 0; j < m; j++) sum += _a[i * m + j];
            double inv = 1.0 / sum;
            for (int j = 0; j < m; j++) _a[i * m + j] *= inv;
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
        int w = Vector<double>.Count;
        bool fast = Vector.IsHardwareAccelerated && m % w == 0 && a.Length >= m * m && z.Length >= m * m && az.Length >= m * m
            && t1.Length >= m * m && t2.Length >= m * m && zn.Length >= m * m;
        for (int it = 0; fast && it < iterations; it++)
        {
            // The loop below with the negations, diagonal adds and the ¼ folded into the products' stores.
            MulAffine(a, z, az, m, 1.0, 0);                     // AZ
            for (int i = 0; i < m * m; i++) t1[i] = -az[i];     // 7I − AZ
            for (int i = 0; i < m; i++) t1[i * m + i] += 7;
            MulAffine(az, t1, t2, m, -1.0, 15);                 // 15I − AZ(7I − AZ)
            MulAffine(az, t2, t1, m, -1.0, 13);                 // 13I − AZ(15I − …)
            MulAffine(z, t1, zn, m, 0.25, 0);                   // ¼ Z(13I − …)
            zn.Slice(0, m * m).CopyTo(z);
        }
        for (int it = 0; !fast && it < iterations; it++)
        {
            Mul(a, z, az, m);                                   // AZ
            for (int i = 0; i < m * m; i++) t1[i] = -az[i];     // 7I − AZ
            for (int i = 0; i < m; i++) t1[i * m + i] += 7;
            Mul(az, t1, t2, m);                                 // AZ(7I − AZ)
            for (int i = 0; i < m * m; i++) t2[i] = -t2[i];     // 15I − …
            for (int i = 0; i < m; i++) t2[i * m + i] += 15;
            Mul(az, t2, t1, m);                                 // AZ(15I − …)
            for (int i = 0; i < m * m; i++) t1[i] = -t1[i];     // 13I − …
            for (int i = 0; i < m; i++) t1[i * m + i] += 13;
            Mul(z, t1, zn, m);                                  // Z(13I − …)
            for (int i = 0; i < m * m; i++) z[i] = 0.25 * zn[i];
        }
    }

    /// <summary>
    /// p = softmax(scale·x) · G [m], G [m×m] float64; the softmax runs in float with the kernels' vector exp in
    /// <paramref name="scratch"/> [m] (may alias x). The product with G is float64 because G of an ill-conditioned
    /// A has large entries of both signs. Multiply-adds: m (scale) + m (normalise) + m².
    /// </summary>
    internal static void SoftmaxTimesG(ReadOnlySpan<float> x, float scale, Span<float> scratch, ReadOnlySpan<double> g, Span<double> p)
    {
        int m = x.Length;
        RowScale.Compute(x, scale, scratch);
        Softmax.Compute(scratch, scratch);
        p.Clear();
        for (int i = 0; i < m; i++) DoubleMath.Axpy(scratch[i], g.Slice(i * m, m), p);
    }

    /// <summary>out[c] = Σ_j p[j] · bv[j, c] accumulated in float64; bv [m × d_h] float64 or float.</summary>
    internal static void Combine(ReadOnlySpan<double> p, ReadOnlySpan<double> bv, Span<double> acc, Span<float> output)
    {
        int dh = output.Length;
        acc.Clear();
        for (int j = 0; j < p.Length; j++) DoubleMath.Axpy(p[j], bv.Slice(j * dh, dh), acc);
        for (int c = 0; c < dh; c++) output[c] = (float)acc[c];
    }

    // r = s·(x·y) + d·I for [m×m] float64, m a multiple of Vector<double>.Count: r[i, j0 … j0+W) = s·Σ_p x[i, p]·y[p, j0 … j0+W),
    // two lane groups per pass sharing the broadcast of x[i, p].
    private static void MulAffine(ReadOnlySpan<double> x, ReadOnlySpan<double> y, Span<double> r, int m, double s, double d)
    {
        int w = Vector<double>.Count;
        ref double xr = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(x);
        ref double yr = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(y);
        ref double rr = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(r);
        var vs = new Vector<double>(s);
        for (int i = 0; i < m; i++)
        {
            ref double xi = ref System.Runtime.CompilerServices.Unsafe.Add(ref xr, i * m);
            int j0 = 0;
            for (; j0 + 2 * w <= m; j0 += 2 * w)
            {
                Vector<double> a0 = Vector<double>.Zero, a1 = Vector<double>.Zero;
                ref double yp = ref System.Runtime.CompilerServices.Unsafe.Add(ref yr, j0);   // y[p, j0], advanced by a row per p
                for (int p = 0; p < m; p++)
                {
                    var xp = new Vector<double>(System.Runtime.CompilerServices.Unsafe.Add(ref xi, p));
                    a0 = Vector.MultiplyAddEstimate(xp, Vector.LoadUnsafe(ref yp), a0);
                    a1 = Vector.MultiplyAddEstimate(xp, Vector.LoadUnsafe(ref yp, (nuint)w), a1);
                    yp = ref System.Runtime.CompilerServices.Unsafe.Add(ref yp, m);
                }
                (a0 * vs).StoreUnsafe(ref rr, (nuint)(i * m + j0));
                (a1 * vs).StoreUnsafe(ref rr, (nuint)(i * m + j0 + w));
            }
            for (; j0 < m; j0 += w)
            {
                Vector<double> a0 = Vector<double>.Zero;
                for (int p = 0; p < m; p++)
                    a0 = Vector.MultiplyAddEstimate(new Vector<double>(System.Runtime.CompilerServices.Unsafe.Add(ref xi, p)), Vector.LoadUnsafe(ref yr, (nuint)(p * m + j0)), a0);
                (a0 * vs).StoreUnsafe(ref rr, (nuint)(i * m + j0));
            }
            System.Runtime.CompilerServices.Unsafe.Add(ref rr, i * m + i) += d;
        }
    }

    // r = x·y for [m×m] float64, row form r[i, :] = Σ_p x[i, p]·y[p, :] (vectorised over the row).
    private static void Mul(ReadOnlySpan<double> x, ReadOnlySpan<double> y, Span<double> r, int m)
    {
        int w = System.Numerics.Vector<double>.Count;
        if (System.Numerics.Vector.IsHardwareAccelerated && m % w == 0 && x.Length >= m * m && y.Length >= m * m && r.Length >= m * m)
        {
            // Same sums, register accumulators: r[i, j0 … j0+W) = Σ_p x[i, p]·y[p, j0 … j0+W).
            ref double xr = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(x);
            ref double yr = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(y);
            ref double rr = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(r);
            for (int i = 0; i < m; i++)
                for (int j0 = 0; j0 < m; j0 += w)
                {
                    var acc = System.Numerics.Vector<double>.Zero;
                    for (int p = 0; p < m; p++)
                        acc = System.Numerics.Vector.MultiplyAddEstimate(new System.Numerics.Vector<double>(System.Runtime.CompilerServices.Unsafe.Add(ref xr, i * m + p)),
                            System.Numerics.Vector.LoadUnsafe(ref yr, (nuint)(p * m + j0)), acc);
                    acc.StoreUnsafe(ref rr, (nuint)(i * m + j0));
                }
            return;
        }
        r.Slice(0, m * m).Clear();
        for (int i = 0; i < m; i++)
        {
            Span<double> row = r.Slice(i * m, m);
            for (int p = 0; p < m; p++) DoubleMath.Axpy(x[i * m + p], y.Slice(p * m, m), row);
        }
    }
}
