using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EdgeAttention.Kernels;

public static partial class DotI8
{
    /// <summary>x64 AVX2, 32 bytes per step (<see cref="SignedBytesCore{TS, TB, TA}"/>). Only called when Avx2.IsSupported.</summary>
    internal static int Avx2Core(ReadOnlySpan<sbyte> x, ReadOnlySpan<sbyte> y) =>
        Avx2.IsSupported ? SignedBytesCore<Avx2Bytes, Vector256<sbyte>, Vector256<int>>(x, y) : ScalarCore(x, y);

    /// <summary>x64 SSSE3, 16 bytes per step (<see cref="SignedBytesCore{TS, TB, TA}"/>). Only called when Ssse3.IsSupported.</summary>
    internal static int Ssse3Core(ReadOnlySpan<sbyte> x, ReadOnlySpan<sbyte> y) =>
        Ssse3.IsSupported ? SignedBytesCore<Ssse3Bytes, Vector128<sbyte>, Vector128<int>>(x, y) : ScalarCore(x, y);

    /// <summary>
    /// x · y with the x64 sign trick (<see cref="ISignedBytes{TB, TA}"/>: |x|·(y·sign x) = x·y, exact int32 lanes),
    /// two accumulators over 2·Bytes per step, one more step of Bytes, scalar tail. Bit-identical with ScalarCore.
    /// </summary>
    private static int SignedBytesCore<TS, TB, TA>(ReadOnlySpan<sbyte> x, ReadOnlySpan<sbyte> y)
        where TS : struct, ISignedBytes<TB, TA> where TB : struct where TA : struct
    {
        int n = x.Length, b = TS.Bytes;
        ref sbyte xr = ref MemoryMarshal.GetReference(x);
        ref sbyte yr = ref MemoryMarshal.GetReference(y);
        TA a0 = default, a1 = default;
        int i = 0;
        for (; i + 2 * b <= n; i += 2 * b)
        {
            TB x0 = TS.Load(ref xr, (nuint)i), x1 = TS.Load(ref xr, (nuint)(i + b));
            a0 = TS.MultiplyAdd(a0, TS.Abs(x0), x0, TS.Load(ref yr, (nuint)i));
            a1 = TS.MultiplyAdd(a1, TS.Abs(x1), x1, TS.Load(ref yr, (nuint)(i + b)));
        }
        if (i + b <= n)
        {
            TB x0 = TS.Load(ref xr, (nuint)i);
            a0 = TS.MultiplyAdd(a0, TS.Abs(x0), x0, TS.Load(ref yr, (nuint)i));
            i += b;
        }
        int s = TS.Sum(a0, a1);
        for (; i < n; i++) s += x[i] * y[i];
        return s;
    }
}
