namespace EdgeAttention.Kernels;

public static partial class Quantize
{
    /// <summary>Reference: m = max|x|; q = clamp(round_half_even(x · 127/m), −127, 127); returns m/127.</summary>
    internal static float ScalarVectorCore(ReadOnlySpan<float> x, Span<sbyte> q)
    {
        float max = 0;
        for (int i = 0; i < x.Length; i++) max = MathF.Max(max, MathF.Abs(x[i]));
        if (max == 0 || !float.IsFinite(max)) { q.Clear(); return 0; }
        float scale = max / 127f, inv = 127f / max;
        for (int i = 0; i < x.Length; i++) q[i] = (sbyte)Math.Clamp((int)MathF.Round(x[i] * inv), -127, 127);
        return scale;
    }
}
