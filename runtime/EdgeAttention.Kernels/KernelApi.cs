// Placeholder file: the public kernel API with plain scalar bodies, so that the layers above can
// be written in parallel. The kernels work (issue 2) replaces this file with one file group per
// kernel (MatVec.cs, MatVec.Scalar.cs, MatVec.Vector128.cs, ...) behind a single dispatch point,
// keeping every signature below unchanged.
using System.Runtime.CompilerServices;

namespace EdgeAttention.Kernels;

/// <summary>x · y over equal-length spans.</summary>
public static class Dot
{
    public static float Compute(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        if (x.Length != y.Length) throw new ArgumentException("Dot: length mismatch.");
        float s = 0;
        for (int i = 0; i < x.Length; i++) s += x[i] * y[i];
        return s;
    }
}

/// <summary>y ← y + α x.</summary>
public static class Axpy
{
    public static void Compute(float alpha, ReadOnlySpan<float> x, Span<float> y)
    {
        if (x.Length != y.Length) throw new ArgumentException("Axpy: length mismatch.");
        for (int i = 0; i < x.Length; i++) y[i] += alpha * x[i];
    }
}

/// <summary>y ← s x (in place allowed).</summary>
public static class RowScale
{
    public static void Compute(ReadOnlySpan<float> x, float s, Span<float> y)
    {
        if (x.Length != y.Length) throw new ArgumentException("RowScale: length mismatch.");
        for (int i = 0; i < x.Length; i++) y[i] = s * x[i];
    }
}

/// <summary>y = W x + b, W row-major [y.Length, x.Length]; bias empty or [y.Length].</summary>
public static class MatVec
{
    public static void Compute(ReadOnlySpan<float> w, ReadOnlySpan<float> x, ReadOnlySpan<float> bias, Span<float> y)
    {
        int rows = y.Length, cols = x.Length;
        if (w.Length != rows * cols || (bias.Length != 0 && bias.Length != rows)) throw new ArgumentException("MatVec: shape mismatch.");
        for (int r = 0; r < rows; r++)
        {
            float s = 0;
            ReadOnlySpan<float> row = w.Slice(r * cols, cols);
            for (int c = 0; c < cols; c++) s += row[c] * x[c];
            y[r] = bias.Length != 0 ? s + bias[r] : s;
        }
    }
}

/// <summary>y = Wᵀ x, W row-major [x.Length, y.Length] (y[j] = Σ_i x[i] W[i, j]).</summary>
public static class MatVecTransposed
{
    public static void Compute(ReadOnlySpan<float> w, ReadOnlySpan<float> x, Span<float> y)
    {
        int rows = x.Length, cols = y.Length;
        if (w.Length != rows * cols) throw new ArgumentException("MatVecTransposed: shape mismatch.");
        y.Clear();
        for (int r = 0; r < rows; r++)
        {
            float a = x[r];
            ReadOnlySpan<float> row = w.Slice(r * cols, cols);
            for (int c = 0; c < cols; c++) y[c] += a * row[c];
        }
    }
}

/// <summary>Small matrix products for landmark work.</summary>
public static class MatMul
{
    /// <summary>C[m, n] = A[m, k] · B[k, n].</summary>
    public static void Compute(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n)
    {
        if (a.Length != m * k || b.Length != k * n || c.Length != m * n) throw new ArgumentException("MatMul: shape mismatch.");
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                float s = 0;
                for (int p = 0; p < k; p++) s += a[i * k + p] * b[p * n + j];
                c[i * n + j] = s;
            }
    }

    /// <summary>C[m, n] = A[m, k] · B[n, k]ᵀ.</summary>
    public static void ComputeTransposedB(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n)
    {
        if (a.Length != m * k || b.Length != n * k || c.Length != m * n) throw new ArgumentException("MatMul: shape mismatch.");
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                float s = 0;
                for (int p = 0; p < k; p++) s += a[i * k + p] * b[j * k + p];
                c[i * n + j] = s;
            }
    }
}

public static class Softmax
{
    /// <summary>y = softmax(x) with max subtraction (in place allowed).</summary>
    public static void Compute(ReadOnlySpan<float> x, Span<float> y)
    {
        if (x.Length != y.Length) throw new ArgumentException("Softmax: length mismatch.");
        if (x.Length == 0) return;
        float max = float.NegativeInfinity;
        for (int i = 0; i < x.Length; i++) max = MathF.Max(max, x[i]);
        float sum = 0;
        for (int i = 0; i < x.Length; i++) { float e = MathF.Exp(x[i] - max); y[i] = e; sum += e; }
        float inv = 1f / sum;
        for (int i = 0; i < y.Length; i++) y[i] *= inv;
    }

    /// <summary>y = exp(x − shift); returns Σ y (in place allowed).</summary>
    public static float ShiftedExp(ReadOnlySpan<float> x, float shift, Span<float> y)
    {
        if (x.Length != y.Length) throw new ArgumentException("Softmax: length mismatch.");
        float sum = 0;
        for (int i = 0; i < x.Length; i++) { float e = MathF.Exp(x[i] - shift); y[i] = e; sum += e; }
        return sum;
    }
}

public static class LayerNorm
{
    /// <summary>y = (x − mean) / sqrt(var + eps) ⊙ γ + β (biased variance, as PyTorch; in place allowed).</summary>
    public static void Compute(ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, float eps, Span<float> y)
    {
        int n = x.Length;
        if (y.Length != n || gamma.Length != n || beta.Length != n) throw new ArgumentException("LayerNorm: length mismatch.");
        float mean = 0;
        for (int i = 0; i < n; i++) mean += x[i];
        mean /= n;
        float var = 0;
        for (int i = 0; i < n; i++) { float d = x[i] - mean; var += d * d; }
        var /= n;
        float inv = 1f / MathF.Sqrt(var + eps);
        for (int i = 0; i < n; i++) y[i] = (x[i] - mean) * inv * gamma[i] + beta[i];
    }
}

public static class Activation
{
    /// <summary>GELU, exact erf form: 0.5 x (1 + erf(x / √2)) (in place allowed).</summary>
    public static void Gelu(ReadOnlySpan<float> x, Span<float> y)
    {
        if (x.Length != y.Length) throw new ArgumentException("Gelu: length mismatch.");
        for (int i = 0; i < x.Length; i++) y[i] = (float)(0.5 * x[i] * (1.0 + Erf(x[i] * 0.70710678118654752)));
    }

    public static void Relu(ReadOnlySpan<float> x, Span<float> y)
    {
        if (x.Length != y.Length) throw new ArgumentException("Relu: length mismatch.");
        for (int i = 0; i < x.Length; i++) y[i] = MathF.Max(x[i], 0f);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double Erf(double x)
    {
        // Abramowitz–Stegun 7.1.26 is not accurate enough (1.5e-7 relative); placeholder series.
        double t = 1.0 / (1.0 + 0.5 * Math.Abs(x));
        double y = 1 - t * Math.Exp(-x * x - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 +
            t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? y : -y;
    }
}

/// <summary>Symmetric int8 quantization.</summary>
public static class Quantize
{
    /// <summary>Per-output-channel: scales[r] = max|W[r,:]| / 127, q = round(W / scale) in [−127, 127].</summary>
    public static void Weights(ReadOnlySpan<float> w, int rows, int cols, Span<sbyte> q, Span<float> scales)
    {
        if (w.Length != rows * cols || q.Length != rows * cols || scales.Length != rows) throw new ArgumentException("Quantize: shape mismatch.");
        for (int r = 0; r < rows; r++) scales[r] = Vector(w.Slice(r * cols, cols), q.Slice(r * cols, cols));
    }

    /// <summary>Dynamic per-vector: returns scale = max|x| / 127 (0 → scale 0, q = 0).</summary>
    public static float Vector(ReadOnlySpan<float> x, Span<sbyte> q)
    {
        if (x.Length != q.Length) throw new ArgumentException("Quantize: length mismatch.");
        float max = 0;
        for (int i = 0; i < x.Length; i++) max = MathF.Max(max, MathF.Abs(x[i]));
        if (max == 0 || !float.IsFinite(max)) { q.Clear(); return 0; }
        float scale = max / 127f, inv = 127f / max;
        for (int i = 0; i < x.Length; i++) q[i] = (sbyte)Math.Clamp((int)MathF.Round(x[i] * inv), -127, 127);
        return scale;
    }
}

/// <summary>int8 × int8 → int32 dot.</summary>
public static class DotI8
{
    public static int Compute(ReadOnlySpan<sbyte> x, ReadOnlySpan<sbyte> y)
    {
        if (x.Length != y.Length) throw new ArgumentException("DotI8: length mismatch.");
        int s = 0;
        for (int i = 0; i < x.Length; i++) s += x[i] * y[i];
        return s;
    }
}

/// <summary>y[c] = s_x · s_w[c] · Σ q_x q_w[c, :] + b[c]; W row-major [y.Length, qx.Length].</summary>
public static class MatVecI8
{
    public static void Compute(ReadOnlySpan<sbyte> w, ReadOnlySpan<float> wScales, ReadOnlySpan<sbyte> qx, float sx, ReadOnlySpan<float> bias, Span<float> y)
    {
        int rows = y.Length, cols = qx.Length;
        if (w.Length != rows * cols || wScales.Length != rows || (bias.Length != 0 && bias.Length != rows)) throw new ArgumentException("MatVecI8: shape mismatch.");
        for (int r = 0; r < rows; r++)
        {
            int s = DotI8.Compute(w.Slice(r * cols, cols), qx);
            float v = sx * wScales[r] * s;
            y[r] = bias.Length != 0 ? v + bias[r] : v;
        }
    }
}
