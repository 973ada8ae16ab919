using EdgeAttention.Format;

namespace EdgeAttention.Model.Tests;

/// <summary>
/// A plain float64 evaluation of models/README.md §3–§4, written from the text and independent of the runtime:
/// every step recomputes every layer over the window, Nyström with an explicit Newton–Schulz pseudo-inverse,
/// continual landmarks as segment means over positions u − n + 1 … u. Int8 weights are dequantized.
/// Slow (O(n·d²) per layer per step): for small models.
/// </summary>
internal sealed class ReferenceModel
{
    private readonly ModelConfig _c;
    private readonly Func<string, double[]> _t;
    private readonly int _d, _n, _h, _dh, _m;

    public ReferenceModel(ModelFile file)
    {
        _c = file.Config;
        _d = _c.DModel; _n = _c.Window; _h = _c.Heads; _dh = _c.HeadDim; _m = _c.Landmarks;
        var cache = new Dictionary<string, double[]>();
        _t = name =>
        {
            if (cache.TryGetValue(name, out double[]? v)) return v;
            TensorInfo info = file.Info(name);
            if (info.DType == TensorDType.Int8)
            {
                Int8Tensor q = file.GetInt8(name);
                int cols = info.Shape[1];
                v = new double[q.Data.Length];
                for (int i = 0; i < v.Length; i++) v[i] = q.Data[i] * (double)q.Scales[i / cols];
            }
            else
            {
                ReadOnlySpan<float> f = file.GetFloat32(name);
                v = new double[f.Length];
                for (int i = 0; i < v.Length; i++) v[i] = f[i];
            }
            cache[name] = v;
            return v;
        };
        HasInputNorm = file.Contains("input_norm.mean");
    }

    private bool HasInputNorm { get; }

    /// <summary>Logits [T − n + 1][C] for frames [T][F].</summary>
    public double[][] Run(float[][] frames)
    {
        int T = frames.Length;
        var tokens = new double[T][];
        for (int t = 0; t < T; t++) tokens[t] = Token(frames[t], t);
        var result = new List<double[]>();
        for (int t = _n - 1; t < T; t++) result.Add(StepAt(tokens, t));
        return result.ToArray();
    }

    private double[] Token(float[] frame, int t)
    {
        int f = _c.InputFeatures;
        var x = new double[f];
        for (int i = 0; i < f; i++) x[i] = frame[i];
        if (HasInputNorm)
        {
            double[] mean = _t("input_norm.mean"), std = _t("input_norm.std");
            for (int i = 0; i < f; i++) x[i] = (x[i] - mean[i]) / std[i];
        }
        double[] e = Linear("input_proj", x, _d);
        if (_c.Positional == PositionalKind.Recycling)
        {
            double[] pos = _t("pos_embedding.weight");
            int row = t % _c.PositionalPeriod;
            for (int i = 0; i < _d; i++) e[i] += pos[row * _d + i];
        }
        return e;
    }

    private double[] StepAt(double[][] tokens, int t)
    {
        double[][] x = new double[_n][];
        for (int j = 0; j < _n; j++) x[j] = tokens[t - _n + 1 + j];
        for (int layer = 0; layer < _c.Layers; layer++)
        {
            bool last = layer == _c.Layers - 1;
            string p = $"layers.{layer}.";
            double[][] a = _c.Norm == NormPlacement.Pre ? x.Select(r => LN(r, p + "norm1")).ToArray() : x;
            double[][] q = a.Select(r => InProj(p, r, 0)).ToArray();
            double[][] k = a.Select(r => InProj(p, r, 1)).ToArray();
            double[][] v = a.Select(r => InProj(p, r, 2)).ToArray();
            double[][]? lq = null, lk = null;
            if (layer == 0 && _c.Attention == AttentionKind.Nystrom && _c.LandmarkMode == LandmarkMode.Continual && _m < _n)
            {
                int u = LastCompleted(t);
                // Positions u−n+1 … u are m whole stream segments; ordered by cycle phase (p mod n) they are
                // cut by the window-mode segment sizes exactly as the stream cut them.
                var rows = Enumerable.Range(u - _n + 1, _n).OrderBy(pp => pp % _n)
                    .Select(pp => _c.Norm == NormPlacement.Pre ? LN(tokens[pp], p + "norm1") : tokens[pp]).ToArray();
                lq = rows.Select(r => InProj(p, r, 0)).ToArray();
                lk = rows.Select(r => InProj(p, r, 1)).ToArray();
            }
            double[][] att = Attention(p, q, k, v, lq, lk);
            var y = new double[_n][];
            for (int j = last ? _n - 1 : 0; j < _n; j++) y[j] = Tail(p, x[j], att[j]);
            if (last)
            {
                double[] z = _c.FinalNorm ? LN(y[_n - 1], "final_norm") : y[_n - 1];
                return Linear("classifier", z, _c.Classes.Count);
            }
            x = y;
        }
        throw new InvalidOperationException();
    }

    private double[] Tail(string p, double[] x, double[] att)
    {
        double[] o = LinearW(p + "self_attn.out_proj.weight", p + "self_attn.out_proj.bias", att, _d);
        var h = new double[_d];
        for (int i = 0; i < _d; i++) h[i] = x[i] + o[i];
        if (_c.Norm == NormPlacement.Pre)
        {
            double[] f = FF(p, LN(h, p + "norm2"));
            for (int i = 0; i < _d; i++) f[i] += h[i];
            return f;
        }
        h = LN(h, p + "norm1");
        double[] g = FF(p, h);
        for (int i = 0; i < _d; i++) g[i] += h[i];
        return LN(g, p + "norm2");
    }

    private double[] FF(string p, double[] h)
    {
        double[] a = Linear(p + "linear1", h, _c.FfDim);
        for (int i = 0; i < a.Length; i++)
            a[i] = _c.Activation == ActivationKind.Relu ? Math.Max(0, a[i]) : 0.5 * a[i] * (1 + Erf(a[i] / Math.Sqrt(2)));
        return Linear(p + "linear2", a, _d);
    }

    // ---- attention (models/README.md §4), per head --------------------------------------------------------

    private double[][] Attention(string p, double[][] q, double[][] k, double[][] v, double[][]? lq, double[][]? lk)
    {
        var result = new double[_n][];
        for (int j = 0; j < _n; j++) result[j] = new double[_d];
        double scale = 1 / Math.Sqrt(_dh);
        for (int head = 0; head < _h; head++)
        {
            double[][] Q = Head(q, head), K = Head(k, head), V = Head(v, head);
            double[][] outH;
            if (_c.Attention == AttentionKind.Softmax || _m >= _n)
            {
                outH = MatMul(SoftmaxRows(Scores(Q, K, scale)), V);
            }
            else
            {
                double[][] Ql, Kl;
                if (_c.LandmarkMode == LandmarkMode.Fixed)
                {
                    Ql = FixedLandmarks(p + "self_attn.landmarks_q", head);
                    Kl = FixedLandmarks(p + "self_attn.landmarks_k", head);
                }
                else if (lq is not null && lk is not null) { Ql = SegmentMeans(Head(lq, head)); Kl = SegmentMeans(Head(lk, head)); }
                else { Ql = SegmentMeans(Q); Kl = SegmentMeans(K); }
                double[][] F = SoftmaxRows(Scores(Q, Kl, scale));
                double[][] A = SoftmaxRows(Scores(Ql, Kl, scale));
                double[][] B = SoftmaxRows(Scores(Ql, K, scale));
                outH = MatMul(MatMul(F, Pinv(A)), MatMul(B, V));
            }
            for (int j = 0; j < _n; j++)
                for (int i = 0; i < _dh; i++) result[j][head * _dh + i] = outH[j][i];
        }
        return result;
    }

    private double[][] FixedLandmarks(string name, int head)
    {
        double[] t = _t(name);
        var r = new double[_m][];
        for (int s = 0; s < _m; s++) r[s] = t.AsSpan((head * _m + s) * _dh, _dh).ToArray();
        return r;
    }

    private double[][] Head(double[][] rows, int head) => rows.Select(r => r.AsSpan(head * _dh, _dh).ToArray()).ToArray();

    private int SegLen(int s) => _n / _m + (s < _n % _m ? 1 : 0);

    private double[][] SegmentMeans(double[][] rows)
    {
        var means = new double[_m][];
        int start = 0;
        for (int s = 0; s < _m; s++)
        {
            int len = SegLen(s);
            means[s] = new double[_dh];
            for (int j = start; j < start + len; j++)
                for (int i = 0; i < _dh; i++) means[s][i] += rows[j][i] / len;
            start += len;
        }
        return means;
    }

    /// <summary>u: last position ≤ t that ends a segment (segments repeat every n positions from t = 0).</summary>
    private int LastCompleted(int t)
    {
        var ends = new HashSet<int>();
        int acc = 0;
        for (int s = 0; s < _m; s++) { acc += SegLen(s); ends.Add(acc - 1); }
        int u = t;
        while (!ends.Contains(u % _n)) u--;
        return u;
    }

    /// <summary>Largest |q·k|/√d_h seen in any score matrix since construction (or the last reset to 0).</summary>
    public double MaxScore { get; set; }

    private double[][] Scores(double[][] a, double[][] b, double scale)
    {
        double[][] s = a.Select(r => b.Select(c => Dot(r, c) * scale).ToArray()).ToArray();
        foreach (double[] row in s) foreach (double v in row) MaxScore = Math.Max(MaxScore, Math.Abs(v));
        return s;
    }

    private static double[][] SoftmaxRows(double[][] s) => s.Select(r =>
    {
        double max = r.Max();
        double[] e = r.Select(x => Math.Exp(x - max)).ToArray();
        double sum = e.Sum();
        return e.Select(x => x / sum).ToArray();
    }).ToArray();

    private double[][] Pinv(double[][] a)
    {
        int m = a.Length;
        double col = 0, row = 0;
        for (int i = 0; i < m; i++)
        {
            row = Math.Max(row, a[i].Sum(Math.Abs));
            col = Math.Max(col, Enumerable.Range(0, m).Sum(j => Math.Abs(a[j][i])));
        }
        var z = new double[m][];
        for (int i = 0; i < m; i++) { z[i] = new double[m]; for (int j = 0; j < m; j++) z[i][j] = a[j][i] / (col * row); }
        for (int it = 0; it < _c.PinvIterations; it++)
        {
            double[][] az = MatMul(a, z);
            double[][] t1 = Sub(7, az);
            double[][] t2 = Sub(15, MatMul(az, t1));
            double[][] t3 = Sub(13, MatMul(az, t2));
            z = MatMul(z, t3).Select(r => r.Select(x => x / 4).ToArray()).ToArray();
        }
        return z;
    }

    private static double[][] Sub(double c, double[][] x)   // c·I − x
    {
        int m = x.Length;
        var r = new double[m][];
        for (int i = 0; i < m; i++) { r[i] = new double[m]; for (int j = 0; j < m; j++) r[i][j] = (i == j ? c : 0) - x[i][j]; }
        return r;
    }

    private static double[][] MatMul(double[][] a, double[][] b)
    {
        int n = a.Length, k = b.Length, m = b[0].Length;
        var c = new double[n][];
        for (int i = 0; i < n; i++)
        {
            c[i] = new double[m];
            for (int p = 0; p < k; p++)
            {
                double x = a[i][p];
                for (int j = 0; j < m; j++) c[i][j] += x * b[p][j];
            }
        }
        return c;
    }

    private static double Dot(double[] a, double[] b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += a[i] * b[i];
        return s;
    }

    // ---- linear / norm --------------------------------------------------------------------------

    private double[] InProj(string p, double[] x, int block)
    {
        double[] w = _t(p + "self_attn.in_proj_weight"), b = _t(p + "self_attn.in_proj_bias");
        var y = new double[_d];
        for (int r = 0; r < _d; r++)
        {
            int row = block * _d + r;
            double s = b[row];
            for (int c = 0; c < _d; c++) s += w[row * _d + c] * x[c];
            y[r] = s;
        }
        return y;
    }

    private double[] Linear(string prefix, double[] x, int rows) => LinearW(prefix + ".weight", prefix + ".bias", x, rows);

    private double[] LinearW(string wName, string bName, double[] x, int rows)
    {
        double[] w = _t(wName), b = _t(bName);
        int cols = x.Length;
        var y = new double[rows];
        for (int r = 0; r < rows; r++)
        {
            double s = b[r];
            for (int c = 0; c < cols; c++) s += w[r * cols + c] * x[c];
            y[r] = s;
        }
        return y;
    }

    private double[] LN(double[] x, string prefix)
    {
        double[] g = _t(prefix + ".weight"), b = _t(prefix + ".bias");
        double mean = x.Average();
        double var = x.Sum(v => (v - mean) * (v - mean)) / x.Length;
        double inv = 1 / Math.Sqrt(var + _c.LayerNormEps);
        return x.Select((v, i) => (v - mean) * inv * g[i] + b[i]).ToArray();
    }

    /// <summary>erf to ~1e-15 (series / continued fraction via Math functions is not in .NET; use a high-order approximation).</summary>
    private static double Erf(double x)
    {
        // Taylor series for |x| < 3, complementary asymptotic otherwise; exact to double precision for GELU's needs.
        double ax = Math.Abs(x);
        if (ax > 6) return Math.Sign(x);
        if (ax < 3)
        {
            double sum = x, term = x, x2 = x * x;
            for (int n = 1; n < 200; n++)
            {
                term *= -x2 / n;
                double add = term / (2 * n + 1);
                sum += add;
                if (Math.Abs(add) < 1e-17 * Math.Abs(sum)) break;
            }
            return 2 / Math.Sqrt(Math.PI) * sum;
        }
        // erfc continued fraction (Lentz) for 3 ≤ |x| ≤ 6
        double f = ax, c = ax, d = 0, tiny = 1e-300;
        for (int i = 1; i < 300; i++)
        {
            double an = i / 2.0;
            d = ax + an * d; d = Math.Abs(d) < tiny ? tiny : d; d = 1 / d;
            c = ax + an / c; c = Math.Abs(c) < tiny ? tiny : c;
            double delta = c * d; f *= delta;
            if (Math.Abs(delta - 1) < 1e-16) break;
        }
        double erfc = Math.Exp(-ax * ax) / Math.Sqrt(Math.PI) / f;
        return Math.Sign(x) * (1 - erfc);
    }
}
