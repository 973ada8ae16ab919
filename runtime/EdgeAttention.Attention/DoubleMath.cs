using System.Numerics;
using System.Runtime.CompilerServices;

namespace EdgeAttention.Attention;

/// <summary>
/// The few float64 span loops of the continual running sums (the kernels are float32 only), vectorised with
/// System.Numerics.Vector&lt;double&gt; (4 lanes with AVX2, 2 with NEON), scalar tail. Reference semantics are the
/// scalar loops in the comments; results are identical up to FMA-free rounding order per lane (none: each
/// element is computed independently).
/// </summary>
internal static class DoubleMath
{
    /// <summary>acc[i] ← acc[i] + a·x[i] − b·y[i].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AddSub(Span<double> acc, double a, ReadOnlySpan<double> x, double b, ReadOnlySpan<double> y)
    {
        int n = acc.Length, i = 0;
        if (Vector.IsHardwareAccelerated && n >= Vector<double>.Count)
        {
            var va = new Vector<double>(a);
            var vb = new Vector<double>(b);
            for (; i <= n - Vector<double>.Count; i += Vector<double>.Count)
            {
                var r = new Vector<double>(acc.Slice(i)) + va * new Vector<double>(x.Slice(i)) - vb * new Vector<double>(y.Slice(i));
                r.CopyTo(acc.Slice(i));
            }
        }
        for (; i < n; i++) acc[i] = acc[i] + a * x[i] - b * y[i];
    }

    /// <summary>acc[i] ← f·acc[i] + a·x[i] − b·y[i].</summary>
    public static void ScaleAddSub(Span<double> acc, double f, double a, ReadOnlySpan<double> x, double b, ReadOnlySpan<double> y)
    {
        int n = acc.Length, i = 0;
        if (Vector.IsHardwareAccelerated && n >= Vector<double>.Count)
        {
            var vf = new Vector<double>(f);
            var va = new Vector<double>(a);
            var vb = new Vector<double>(b);
            for (; i <= n - Vector<double>.Count; i += Vector<double>.Count)
            {
                var r = vf * new Vector<double>(acc.Slice(i)) + va * new Vector<double>(x.Slice(i)) - vb * new Vector<double>(y.Slice(i));
                r.CopyTo(acc.Slice(i));
            }
        }
        for (; i < n; i++) acc[i] = f * acc[i] + a * x[i] - b * y[i];
    }

    /// <summary>y[i] ← y[i] + a·x[i].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Axpy(double a, ReadOnlySpan<double> x, Span<double> y)
    {
        int n = y.Length, i = 0;
        if (Vector.IsHardwareAccelerated && n >= Vector<double>.Count)
        {
            var va = new Vector<double>(a);
            for (; i <= n - Vector<double>.Count; i += Vector<double>.Count)
                (new Vector<double>(y.Slice(i)) + va * new Vector<double>(x.Slice(i))).CopyTo(y.Slice(i));
        }
        for (; i < n; i++) y[i] += a * x[i];
    }
}
