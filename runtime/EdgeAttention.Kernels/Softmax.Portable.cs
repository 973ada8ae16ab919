using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace EdgeAttention.Kernels;

public static partial class Softmax
{
    /// <summary>
    /// y = exp(x − max x) / Σ exp(x − max x): vector max, vector exp + sum, vector scale; scalar tails. x may be y.
    /// Vector128 variant: (TW, TV) = (<see cref="W128"/>, Vector128&lt;float&gt;); Vector256: (<see cref="W256"/>, Vector256&lt;float&gt;).
    /// </summary>
    internal static void PortableCore<TW, TV>(ReadOnlySpan<float> x, Span<float> y) where TW : struct, ISimd<TV> where TV : struct
    {
        int n = x.Length, w = TW.Count;
        if (n == 0) return;
        ref float xr = ref MemoryMarshal.GetReference(x);
        float max = float.NegativeInfinity;
        int i = 0;
        if (n >= w)
        {
            TV m = TW.Load(ref xr, 0);
            for (i = w; i + w <= n; i += w) m = TW.Max(m, TW.Load(ref xr, (nuint)i));
            max = TW.MaxAcross(m);
        }
        for (; i < n; i++) max = MathF.Max(max, x[i]);
        float sum = PortableShiftedExpCore<TW, TV>(x, max, y);
        RowScale.PortableCore<TW, TV>(y, 1f / sum, y);
    }

    /// <summary>y = exp(x − shift), returns Σ y; Count lanes per step with the vector Exp, scalar tail. x may be y.</summary>
    internal static float PortableShiftedExpCore<TW, TV>(ReadOnlySpan<float> x, float shift, Span<float> y) where TW : struct, ISimd<TV> where TV : struct
    {
        int n = x.Length, w = TW.Count;
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        TV s = TW.Create(shift), acc = TW.Zero;
        int i = 0;
        for (; i + w <= n; i += w)
        {
            TV e = TW.Exp(TW.Subtract(TW.Load(ref xr, (nuint)i), s));
            TW.Store(e, ref yr, (nuint)i);
            acc = TW.Add(acc, e);
        }
        float sum = TW.Sum(acc);
        for (; i < n; i++) { float e = MathF.Exp(x[i] - shift); y[i] = e; sum += e; }
        return sum;
    }

    /// <summary>
    /// Float64 softmax numerators y[j] = exp(scale·x[j] − scale·max x), returns Σ y: lane-group max (platform max
    /// with a NaN check, the same results as Math.Max), then per lane
    /// group e = <see cref="Exp64.Lanes{TW, TD}"/>(x·scale − scale·max) (one fused multiply-add) accumulated in one
    /// vector sum; Math.Exp tail. Max and sum are short lane-group reductions (no long dependency chain). x may be y.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double PortableExpMaxShiftedCore<TW, TD>(ReadOnlySpan<double> x, double scale, Span<double> y) where TW : struct, ISimd64<TD> where TD : struct =>
        ExpMaxShiftedSegment<TW, TD>(ref MemoryMarshal.GetReference(x), scale, ref MemoryMarshal.GetReference(y), x.Length);

    /// <summary>Segments: <see cref="ExpMaxShiftedSegment{TW, TD}"/> per segment of x.Length / sums.Length, its sum into sums[b].</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]   // one call per step for all blocks: its own register allocation
    internal static void PortableExpMaxShiftedBlocksCore<TW, TD>(ReadOnlySpan<double> x, double scale, Span<double> y, Span<double> sums)
        where TW : struct, ISimd64<TD> where TD : struct
    {
        int blocks = sums.Length, len = x.Length / blocks;
        ref double xr = ref MemoryMarshal.GetReference(x);
        ref double yr = ref MemoryMarshal.GetReference(y);
        ref double sr = ref MemoryMarshal.GetReference(sums);
        for (int b = 0; b < blocks; b++) Unsafe.Add(ref sr, b) = ExpMaxShiftedSegment<TW, TD>(ref Unsafe.Add(ref xr, b * len), scale, ref Unsafe.Add(ref yr, b * len), len);
    }

    // One row of n numerators at xr → yr (see PortableExpMaxShiftedCore); returns their sum.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double ExpMaxShiftedSegment<TW, TD>(ref double xr, double scale, ref double yr, int n) where TW : struct, ISimd64<TD> where TD : struct
    {
        int w = TW.Count64, nv = n - n % w, j0;
        if (n == 0) return 0;
        double max = double.NegativeInfinity;
        if (nv > 0)
        {
            // Platform max (one maxpd per vector) and a NaN check: with no NaN it differs from Math.Max at most in the
            // sign of a zero maximum, which leaves every exp(scale·x − scale·max) unchanged (x·scale − (±0) are equal
            // or both zeros, exp(±0) = 1); with a NaN the maximum is NaN, as Math.Max gives.
            TD vm = TW.Load(ref xr, 0);
            bool nan = !TW.EqualsAll(vm, vm);
            for (j0 = w; j0 < nv; j0 += w)
            {
                TD v = TW.Load(ref xr, (nuint)j0);
                nan |= !TW.EqualsAll(v, v);
                vm = TW.MaxNative(vm, v);
            }
            max = nan ? double.NaN : TW.MaxAcrossNative(vm);
        }
        for (int j = nv; j < n; j++) max = Math.Max(max, Unsafe.Add(ref xr, j));
        max *= scale;
        TD vscale = TW.Create(scale), vnegMax = TW.Create(-max), vsum = TW.Zero64;
        for (j0 = 0; j0 < nv; j0 += w)
        {
            TD e = Exp64.Lanes<TW, TD>(TW.MultiplyAddEstimate(TW.Load(ref xr, (nuint)j0), vscale, vnegMax));
            vsum = TW.Add(vsum, e);
            TW.Store(e, ref yr, (nuint)j0);
        }
        double sum = TW.Sum(vsum);
        for (int j = nv; j < n; j++) sum += Unsafe.Add(ref yr, j) = Math.Exp(Unsafe.Add(ref xr, j) * scale - max);
        return sum;
    }
}
