namespace EdgeAttention.Attention.Tests;

/// <summary>
/// Float64 brute-force oracle written straight from models/README.md (§4), independent of the runtime code:
/// per head, scores q·k/√d_h; softmax = softmax(Q Kᵀ/√d_h) V; Nyström = (F pinv(A)) (B V) with
/// F = softmax(Q K̃ᵀ/√d_h), A = softmax(Q̃ K̃ᵀ/√d_h), B = softmax(Q̃ Kᵀ/√d_h); pinv by Newton–Schulz from
/// Z₀ = Aᵀ/(‖A‖₁‖A‖∞); landmarks per the segment rule.
/// Row-major everywhere: rows [n, h·d_h]; landmarks [h, m, d_h].
/// </summary>
internal static class Reference
{
    /// <summary>Window rows oldest → newest of a stream [T, d] for step t: positions t − n + 1 … t.</summary>
    public static float[] Window(float[] stream, long t, int n, int d)
    {
        var w = new float[n * d];
        Array.Copy(stream, (t - n + 1) * d, w, 0, n * d);
        return w;
    }

    /// <summary>Exact softmax attention, all rows [n, d].</summary>
    public static double[] Softmax(float[] q, float[] k, float[] v, int n, int heads, int dh)
    {
        int d = heads * dh;
        var o = new double[n * d];
        double scale = 1.0 / Math.Sqrt(dh);
        var s = new double[n];
        for (int h = 0; h < heads; h++)
        {
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < n; j++) s[j] = DotRows(q, i * d + h * dh, k, j * d + h * dh, dh) * scale;
                SoftmaxInPlace(s);
                for (int j = 0; j < n; j++)
                    for (int c = 0; c < dh; c++) o[i * d + h * dh + c] += s[j] * v[j * d + h * dh + c];
            }
        }

        return o;
    }

    /// <summary>Nyström attention with the given landmarks (double [h, m, d_h]), all rows [n, d].</summary>
    public static double[] Nystrom(float[] q, float[] k, float[] v, int n, int heads, int dh, int m, double[] lq, double[] lk, int iterations)
    {
        int d = heads * dh;
        double scale = 1.0 / Math.Sqrt(dh);
        var o = new double[n * d];
        for (int h = 0; h < heads; h++)
        {
            var f = new double[n, m];
            var a = new double[m, m];
            var b = new double[m, n];
            for (int i = 0; i < n; i++)
            {
                var row = new double[m];
                for (int j = 0; j < m; j++)
                {
                    double s = 0;
                    for (int c = 0; c < dh; c++) s += q[i * d + h * dh + c] * lk[(h * m + j) * dh + c];
                    row[j] = s * scale;
                }
                SoftmaxInPlace(row);
                for (int j = 0; j < m; j++) f[i, j] = row[j];
            }
            for (int i = 0; i < m; i++)
            {
                var row = new double[m];
                for (int j = 0; j < m; j++)
                {
                    double s = 0;
                    for (int c = 0; c < dh; c++) s += lq[(h * m + i) * dh + c] * lk[(h * m + j) * dh + c];
                    row[j] = s * scale;
                }
                SoftmaxInPlace(row);
                for (int j = 0; j < m; j++) a[i, j] = row[j];
                var brow = new double[n];
                for (int j = 0; j < n; j++)
                {
                    double s = 0;
                    for (int c = 0; c < dh; c++) s += lq[(h * m + i) * dh + c] * k[j * d + h * dh + c];
                    brow[j] = s * scale;
                }
                SoftmaxInPlace(brow);
                for (int j = 0; j < n; j++) b[i, j] = brow[j];
            }
            double[,] z = Pinv(a, m, iterations);
            // (F Z)(B V)
            var bv = new double[m, dh];
            for (int i = 0; i < m; i++)
            {
                for (int j = 0; j < n; j++)
                    for (int c = 0; c < dh; c++) bv[i, c] += b[i, j] * v[j * d + h * dh + c];
            }

            for (int i = 0; i < n; i++)
            {
                var p = new double[m];
                for (int j = 0; j < m; j++)
                    for (int l = 0; l < m; l++) p[j] += f[i, l] * z[l, j];
                for (int j = 0; j < m; j++)
                    for (int c = 0; c < dh; c++) o[i * d + h * dh + c] += p[j] * bv[j, c];
            }
        }
        return o;
    }

    /// <summary>Newton–Schulz: Z₀ = Aᵀ/(‖A‖₁‖A‖∞); Z ← ¼ Z (13I − AZ (15I − AZ (7I − AZ))).</summary>
    public static double[,] Pinv(double[,] a, int m, int iterations)
    {
        double norm1 = 0, normInf = 0;
        for (int j = 0; j < m; j++) { double s = 0; for (int i = 0; i < m; i++) s += Math.Abs(a[i, j]); norm1 = Math.Max(norm1, s); }
        for (int i = 0; i < m; i++) { double s = 0; for (int j = 0; j < m; j++) s += Math.Abs(a[i, j]); normInf = Math.Max(normInf, s); }
        var z = new double[m, m];
        for (int i = 0; i < m; i++) for (int j = 0; j < m; j++) z[i, j] = a[j, i] / (norm1 * normInf);
        var id = new double[m, m];
        for (int i = 0; i < m; i++) id[i, i] = 1;
        for (int it = 0; it < iterations; it++)
        {
            var az = Mul(a, z, m);
            var inner = Mul(az, Sub(Scale(id, 7, m), az, m), m);
            var mid = Mul(az, Sub(Scale(id, 15, m), inner, m), m);
            z = Scale(Mul(z, Sub(Scale(id, 13, m), mid, m), m), 0.25, m);
        }
        return z;
    }

    /// <summary>Window-mode landmarks: segment means of the window rows (first n mod m segments one longer).</summary>
    public static double[] SegmentMeans(float[] rows, int n, int m, int heads, int dh)
    {
        int d = heads * dh, start = 0;
        var means = new double[heads * m * dh];
        for (int s = 0; s < m; s++)
        {
            int len = n / m + (s < n % m ? 1 : 0);
            for (int h = 0; h < heads; h++)
            {
                for (int c = 0; c < dh; c++)
                {
                    double sum = 0;
                    for (int p = start; p < start + len; p++) sum += rows[p * d + h * dh + c];
                    means[(h * m + s) * dh + c] = sum / len;
                }
            }

            start += len;
        }
        return means;
    }

    /// <summary>
    /// Continual landmarks at step t (models/README.md §4.2): the stream is cut into segments repeating every n positions
    /// from t = 0 with the window sizes; u = last position of the newest segment completed at or before t;
    /// landmarks = means of the m segments covering u − n + 1 … u. Returns (Q̃, K̃) and u.
    /// </summary>
    public static (double[] Lq, double[] Lk, long U) ContinualLandmarks(float[] streamQ, float[] streamK, long t, int n, int m, int heads, int dh)
    {
        var ends = new List<int>();          // offsets (in a cycle) of segment ends
        int e = 0;
        for (int s = 0; s < m; s++) { e += n / m + (s < n % m ? 1 : 0); ends.Add(e - 1); }
        long u = -1;
        for (long p = t; p >= 0 && u < 0; p--) if (ends.Contains((int)(p % n))) u = p;
        int d = heads * dh;
        var wq = new float[n * d];
        var wk = new float[n * d];
        Array.Copy(streamQ, (u - n + 1) * d, wq, 0, n * d);
        Array.Copy(streamK, (u - n + 1) * d, wk, 0, n * d);
        // u + 1 is a multiple of... not necessarily of n: rotate the segment list so that it starts at u − n + 1.
        int firstOffset = (int)((u - n + 1) % n);
        var lq = new double[heads * m * dh];
        var lk = new double[heads * m * dh];
        int seg = 0, pos = 0;
        // Segment boundaries inside the window follow the stream's schedule: a segment ends where offset ∈ ends.
        while (pos < n)
        {
            int start = pos;
            while (!ends.Contains((firstOffset + pos) % n)) pos++;
            pos++;                           // include the end position
            for (int h = 0; h < heads; h++)
            {
                for (int c = 0; c < dh; c++)
                {
                    double sq = 0, sk = 0;
                    for (int p = start; p < pos; p++) { sq += wq[p * d + h * dh + c]; sk += wk[p * d + h * dh + c]; }
                    lq[(h * m + seg) * dh + c] = sq / (pos - start);
                    lk[(h * m + seg) * dh + c] = sk / (pos - start);
                }
            }

            seg++;
        }
        if (seg != m) throw new InvalidOperationException($"reference: {seg} segments in the window, expected {m}");
        return (lq, lk, u);
    }

    public static double[] ToDouble(float[] x) => Array.ConvertAll(x, f => (double)f);

    private static double DotRows(float[] a, int ai, float[] b, int bi, int len)
    {
        double s = 0;
        for (int c = 0; c < len; c++) s += (double)a[ai + c] * b[bi + c];
        return s;
    }

    private static void SoftmaxInPlace(double[] x)
    {
        double max = double.NegativeInfinity;
        foreach (double v in x) max = Math.Max(max, v);
        double sum = 0;
        for (int i = 0; i < x.Length; i++) { x[i] = Math.Exp(x[i] - max); sum += x[i]; }
        for (int i = 0; i < x.Length; i++) x[i] /= sum;
    }

    private static double[,] Mul(double[,] x, double[,] y, int m)
    {
        var r = new double[m, m];
        for (int i = 0; i < m; i++) for (int j = 0; j < m; j++) { double s = 0; for (int p = 0; p < m; p++) s += x[i, p] * y[p, j]; r[i, j] = s; }
        return r;
    }

    private static double[,] Sub(double[,] x, double[,] y, int m)
    {
        var r = new double[m, m];
        for (int i = 0; i < m; i++) for (int j = 0; j < m; j++) r[i, j] = x[i, j] - y[i, j];
        return r;
    }

    private static double[,] Scale(double[,] x, double s, int m)
    {
        var r = new double[m, m];
        for (int i = 0; i < m; i++) for (int j = 0; j < m; j++) r[i, j] = x[i, j] * s;
        return r;
    }
}
