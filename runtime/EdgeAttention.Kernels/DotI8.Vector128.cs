using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace EdgeAttention.Kernels;

public static partial class DotI8
{
    /// <summary>
    /// Portable Vector128, 16 bytes per step: sign-extend x and y to int16, multiply (int8·int8 always fits int16),
    /// sign-extend the products to int32 and accumulate; scalar tail. Exact for any int8 input.
    /// </summary>
    internal static int Vector128Core(ReadOnlySpan<sbyte> x, ReadOnlySpan<sbyte> y)
    {
        int n = x.Length;
        ref sbyte xr = ref MemoryMarshal.GetReference(x);
        ref sbyte yr = ref MemoryMarshal.GetReference(y);
        Vector128<int> a0 = Vector128<int>.Zero, a1 = a0;
        int i = 0;
        for (; i + 16 <= n; i += 16)
        {
            (Vector128<short> xl, Vector128<short> xh) = Vector128.Widen(Vector128.LoadUnsafe(ref xr, (nuint)i));
            (Vector128<short> yl, Vector128<short> yh) = Vector128.Widen(Vector128.LoadUnsafe(ref yr, (nuint)i));
            Vector128<short> pl = xl * yl, ph = xh * yh;
            a0 += Vector128.WidenLower(pl) + Vector128.WidenUpper(pl);
            a1 += Vector128.WidenLower(ph) + Vector128.WidenUpper(ph);
        }
        int s = Vector128.Sum(a0 + a1);
        for (; i < n; i++) s += x[i] * y[i];
        return s;
    }
}
