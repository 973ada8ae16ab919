using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EdgeAttention.Kernels;

public static partial class DotI8
{
    /// <summary>
    /// x64 SSSE3, per 16 bytes: pmaddubsw needs one unsigned operand, so use |x| (pabsb) and y·sign(x) (psignb):
    /// |x|·(y·sign x) = x·y. pmaddubsw adds adjacent products into int16 (|pair| ≤ 2·127² = 32258, no saturation for
    /// inputs in [−127, 127]); pmaddwd (SSE2) with ones widens pairs into int32 lanes; two accumulators. Scalar tail.
    /// Only called when Ssse3.IsSupported.
    /// </summary>
    internal static int Ssse3Core(ReadOnlySpan<sbyte> x, ReadOnlySpan<sbyte> y)
    {
        if (!Ssse3.IsSupported) return ScalarCore(x, y);
        int n = x.Length;
        ref sbyte xr = ref MemoryMarshal.GetReference(x);
        ref sbyte yr = ref MemoryMarshal.GetReference(y);
        Vector128<short> ones = Vector128.Create((short)1);
        Vector128<int> a0 = Vector128<int>.Zero, a1 = a0;
        int i = 0;
        for (; i + 32 <= n; i += 32)
        {
            Vector128<sbyte> x0 = Vector128.LoadUnsafe(ref xr, (nuint)i), x1 = Vector128.LoadUnsafe(ref xr, (nuint)(i + 16));
            Vector128<sbyte> y0 = Vector128.LoadUnsafe(ref yr, (nuint)i), y1 = Vector128.LoadUnsafe(ref yr, (nuint)(i + 16));
            a0 += Sse2.MultiplyAddAdjacent(Ssse3.MultiplyAddAdjacent(Ssse3.Abs(x0), Ssse3.Sign(y0, x0)), ones);
            a1 += Sse2.MultiplyAddAdjacent(Ssse3.MultiplyAddAdjacent(Ssse3.Abs(x1), Ssse3.Sign(y1, x1)), ones);
        }
        if (i + 16 <= n)
        {
            Vector128<sbyte> x0 = Vector128.LoadUnsafe(ref xr, (nuint)i), y0 = Vector128.LoadUnsafe(ref yr, (nuint)i);
            a0 += Sse2.MultiplyAddAdjacent(Ssse3.MultiplyAddAdjacent(Ssse3.Abs(x0), Ssse3.Sign(y0, x0)), ones);
            i += 16;
        }
        int s = Vector128.Sum(a0 + a1);
        for (; i < n; i++) s += x[i] * y[i];
        return s;
    }
}
