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
}
