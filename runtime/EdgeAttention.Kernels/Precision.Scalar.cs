namespace EdgeAttention.Kernels;

public static partial class Precision
{
    /// <summary>Reference from element <paramref name="from"/>: y[i] = x[i] or y[i] += x[i] in float64.</summary>
    internal static void ScalarWidenCore(Op op, ReadOnlySpan<float> x, Span<double> y, int from)
    {
        if (op == Op.AddWidened) for (int i = from; i < x.Length; i++) y[i] += x[i];
        else for (int i = from; i < x.Length; i++) y[i] = x[i];
    }

    /// <summary>Reference from element <paramref name="from"/>: y[i] = (float)x[i].</summary>
    internal static void ScalarNarrowCore(ReadOnlySpan<double> x, Span<float> y, int from)
    {
        for (int i = from; i < x.Length; i++) y[i] = (float)x[i];
    }
}
