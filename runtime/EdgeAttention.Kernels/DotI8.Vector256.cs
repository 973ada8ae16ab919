using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace EdgeAttention.Kernels;

public static partial class DotI8
{
    /// <summary>
    /// Portable Vector256, 32 bytes per step: sign-extend x and y to int16, multiply (int8·int8 always fits int16),
    /// sign-extend the products to int32 and accumulate; scalar tail. Exact for any int8 input.
    /// </summary>
    internal static int Vector256Core(ReadOnlySpan<sbyte> x, ReadOnlySpan<sbyte> y)
    {
        int n = x.Length;
        ref sbyte xr = ref MemoryMarshal.GetReference(x);
        ref sbyte yr = ref MemoryMarshal.GetReference(y);
        Vector256<int> a0 = Vector256<int>.Zero, a1 = a0;
        int i = 0;
        for (; i + 32 <= n; i += 32)
        {
            (Vector256<short> xl, Vector256<short> xh) = Vector256.Widen(Vector256.LoadUnsafe(ref xr, (nuint)i));
            (Vector256<short> yl, Vector256<short> yh) = Vector256.Widen(Vector256.LoadUnsafe(ref yr, (nuint)i));
            Vector256<short> pl = xl * yl, ph = xh * yh;
            a0 += Vector256.WidenLower(pl) + Vector256.WidenUpper(pl);
            a1 += Vector256.WidenLower(ph) + Vector256.WidenUpper(ph);
        }
        int s = Vector256.Sum(a0 + a1);
        for (; i < n; i++) s += x[i] * y[i];
        return s;
    }
}
