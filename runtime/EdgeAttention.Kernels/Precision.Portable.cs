using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace EdgeAttention.Kernels;

public static partial class Precision
{
    /// <summary>2·Count64 floats per step widened into two double vectors (added to y for AddWidened); reference tail.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void PortableWidenCore<TW, TD>(Op op, ReadOnlySpan<float> x, Span<double> y) where TW : struct, ISimd64<TD> where TD : struct
    {
        int n = x.Length, w = TW.Count64, i = 0;
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref double yr = ref MemoryMarshal.GetReference(y);
        for (; i + 2 * w <= n; i += 2 * w)
        {
            TW.WidenLoad(ref xr, (nuint)i, out TD lo, out TD hi);
            if (op == Op.AddWidened)
            {
                lo = TW.Add(TW.Load(ref yr, (nuint)i), lo);
                hi = TW.Add(TW.Load(ref yr, (nuint)(i + w)), hi);
            }
            TW.Store(lo, ref yr, (nuint)i);
            TW.Store(hi, ref yr, (nuint)(i + w));
        }
        ScalarWidenCore(op, x, y, i);
    }

    /// <summary>2·Count64 doubles per step narrowed into one float vector; reference tail.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void PortableNarrowCore<TW, TD>(ReadOnlySpan<double> x, Span<float> y) where TW : struct, ISimd64<TD> where TD : struct
    {
        int n = x.Length, w = TW.Count64, i = 0;
        ref double xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        for (; i + 2 * w <= n; i += 2 * w) TW.NarrowStore(TW.Load(ref xr, (nuint)i), TW.Load(ref xr, (nuint)(i + w)), ref yr, (nuint)i);
        ScalarNarrowCore(x, y, i);
    }
}
