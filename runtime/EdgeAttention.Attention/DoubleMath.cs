using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace EdgeAttention.Attention;

/// <summary>
/// The few float64 span loops of the continual running sums (the kernels are float32 only), vectorised with
/// System.Numerics.Vector&lt;double&gt; (4 lanes with AVX2, 2 with NEON), scalar tail. Each element is computed
/// independently (no reassociation), so results equal the scalar loops in the comments.
/// Callers pass spans of equal length (checked once here).
/// </summary>
internal static class DoubleMath
{
    /// <summary>acc[i] ← acc[i] + a·x[i] − b·y[i].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AddSub(Span<double> acc, double a, ReadOnlySpan<double> x, double b, ReadOnlySpan<double> y)
    {
        int n = acc.Length, i = 0;
        if (x.Length != n || y.Length != n) throw new ArgumentException("DoubleMath.AddSub: length mismatch.");
        ref double r = ref MemoryMarshal.GetReference(acc);
        ref double xr = ref MemoryMarshal.GetReference(x);
        ref double yr = ref MemoryMarshal.GetReference(y);
        if (Vector.IsHardwareAccelerated)
        {
            var va = new Vector<double>(a);
            var vb = new Vector<double>(b);
            for (; i <= n - Vector<double>.Count; i += Vector<double>.Count)
            {
                nuint o = (nuint)i;
                (Vector.LoadUnsafe(ref r, o) + va * Vector.LoadUnsafe(ref xr, o) - vb * Vector.LoadUnsafe(ref yr, o)).StoreUnsafe(ref r, o);
            }
        }
        for (; i < n; i++) Unsafe.Add(ref r, i) = Unsafe.Add(ref r, i) + a * Unsafe.Add(ref xr, i) - b * Unsafe.Add(ref yr, i);
    }

    /// <summary>acc[i] ← f·acc[i] + a·x[i] − b·y[i].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ScaleAddSub(Span<double> acc, double f, double a, ReadOnlySpan<double> x, double b, ReadOnlySpan<double> y)
    {
        int n = acc.Length, i = 0;
        if (x.Length != n || y.Length != n) throw new ArgumentException("DoubleMath.ScaleAddSub: length mismatch.");
        ref double r = ref MemoryMarshal.GetReference(acc);
        ref double xr = ref MemoryMarshal.GetReference(x);
        ref double yr = ref MemoryMarshal.GetReference(y);
        if (Vector.IsHardwareAccelerated)
        {
            var vf = new Vector<double>(f);
            var va = new Vector<double>(a);
            var vb = new Vector<double>(b);
            for (; i <= n - Vector<double>.Count; i += Vector<double>.Count)
            {
                nuint o = (nuint)i;
                (vf * Vector.LoadUnsafe(ref r, o) + va * Vector.LoadUnsafe(ref xr, o) - vb * Vector.LoadUnsafe(ref yr, o)).StoreUnsafe(ref r, o);
            }
        }
        for (; i < n; i++) Unsafe.Add(ref r, i) = f * Unsafe.Add(ref r, i) + a * Unsafe.Add(ref xr, i) - b * Unsafe.Add(ref yr, i);
    }

    /// <summary>y[i] ← y[i] + a·x[i].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Axpy(double a, ReadOnlySpan<double> x, Span<double> y)
    {
        int n = y.Length, i = 0;
        if (x.Length != n) throw new ArgumentException("DoubleMath.Axpy: length mismatch.");
        ref double yr = ref MemoryMarshal.GetReference(y);
        ref double xr = ref MemoryMarshal.GetReference(x);
        if (Vector.IsHardwareAccelerated)
        {
            var va = new Vector<double>(a);
            for (; i <= n - Vector<double>.Count; i += Vector<double>.Count)
            {
                nuint o = (nuint)i;
                (Vector.LoadUnsafe(ref yr, o) + va * Vector.LoadUnsafe(ref xr, o)).StoreUnsafe(ref yr, o);
            }
        }
        for (; i < n; i++) Unsafe.Add(ref yr, i) += a * Unsafe.Add(ref xr, i);
    }
}
