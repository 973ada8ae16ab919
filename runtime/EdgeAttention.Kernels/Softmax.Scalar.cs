namespace EdgeAttention.Kernels;

public static partial class Softmax
{
    /// <summary>Reference: m = max x; e = exp(x − m); y = e / Σ e.</summary>
    internal static void ScalarCore(ReadOnlySpan<float> x, Span<float> y)
    {
        if (x.Length == 0) return;
        float max = float.NegativeInfinity;
        for (int i = 0; i < x.Length; i++) max = MathF.Max(max, x[i]);
        float sum = ScalarShiftedExpCore(x, max, y);
        float inv = 1f / sum;
        for (int i = 0; i < y.Length; i++) y[i] *= inv;
    }

    /// <summary>Reference: y = exp(x − shift), returns Σ y.</summary>
    internal static float ScalarShiftedExpCore(ReadOnlySpan<float> x, float shift, Span<float> y)
    {
        float sum = 0;
        for (int i = 0; i < x.Length; i++) { float e = MathF.Exp(x[i] - shift); y[i] = e; sum += e; }
        return sum;
    }

    /// <summary>Reference: c = scale·max x; y[j] = exp(scale·x[j] − c); returns Σ y (left to right).</summary>
    internal static double ScalarExpMaxShiftedCore(ReadOnlySpan<double> x, double scale, Span<double> y)
    {
        if (x.Length == 0) return 0;
        double max = double.NegativeInfinity;
        for (int i = 0; i < x.Length; i++) max = Math.Max(max, x[i]);
        max *= scale;
        double sum = 0;
        for (int i = 0; i < x.Length; i++) sum += y[i] = Math.Exp(x[i] * scale - max);
        return sum;
    }

    /// <summary>Reference: <see cref="ScalarExpMaxShiftedCore"/> per segment of x.Length / sums.Length, its sum into sums[b].</summary>
    internal static void ScalarExpMaxShiftedBlocksCore(ReadOnlySpan<double> x, double scale, Span<double> y, Span<double> sums)
    {
        int len = x.Length / sums.Length;
        for (int b = 0; b < sums.Length; b++) sums[b] = ScalarExpMaxShiftedCore(x.Slice(b * len, len), scale, y.Slice(b * len, len));
    }
}
