using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EdgeAttention.Kernels;

public static partial class DotI8
{
    /// <summary>
    /// x64 AVX2, per 32 bytes: vpmaddubsw needs one unsigned operand, so use |x| (unsigned) and y·sign(x) (signed):
    /// |x|·(y·sign x) = x·y. vpmaddubsw adds adjacent products into int16 (|pair| ≤ 2·127² = 32258, no saturation
    /// for inputs in [−127, 127]); vpmaddwd with ones widens pairs into int32 lanes. Scalar tail.
    /// Only called when Avx2.IsSupported (JIT, or NativeAOT with a raised instruction set).
    /// </summary>
    internal static int Avx2Core(ReadOnlySpan<sbyte> x, ReadOnlySpan<sbyte> y)
    {
        if (!Avx2.IsSupported) return ScalarCore(x, y);
        int n = x.Length;
        ref sbyte xr = ref MemoryMarshal.GetReference(x);
        ref sbyte yr = ref MemoryMarshal.GetReference(y);
        Vector256<short> ones = Vector256.Create((short)1);
        Vector256<int> a0 = Vector256<int>.Zero, a1 = a0;
        int i = 0;
        for (; i + 64 <= n; i += 64)
        {
            Vector256<sbyte> x0 = Vector256.LoadUnsafe(ref xr, (nuint)i), x1 = Vector256.LoadUnsafe(ref xr, (nuint)(i + 32));
            Vector256<sbyte> y0 = Vector256.LoadUnsafe(ref yr, (nuint)i), y1 = Vector256.LoadUnsafe(ref yr, (nuint)(i + 32));
            a0 += Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(Avx2.Abs(x0), Avx2.Sign(y0, x0)), ones);
            a1 += Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(Avx2.Abs(x1), Avx2.Sign(y1, x1)), ones);
        }
        if (i + 32 <= n)
        {
            Vector256<sbyte> x0 = Vector256.LoadUnsafe(ref xr, (nuint)i), y0 = Vector256.LoadUnsafe(ref yr, (nuint)i);
            a0 += Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(Avx2.Abs(x0), Avx2.Sign(y0, x0)), ones);
            i += 32;
        }
        int s = Vector256.Sum(a0 + a1);
        for (; i < n; i++) s += x[i] * y[i];
        return s;
    }
}
