using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;

namespace EdgeAttention.Kernels;

public static partial class DotI8
{
    /// <summary>
    /// arm64 AdvSimd: per 16 bytes, smull (low 8) and smull2 (high 8) give exact int16 products, sadalp adds
    /// adjacent pairs into int32 accumulators; addv sums the lanes; scalar tail. Exact for any int8 input.
    /// Only called when AdvSimd.Arm64.IsSupported (see KernelDispatch); verified on arm64 by the device self-test.
    /// </summary>
    internal static int AdvSimdCore(ReadOnlySpan<sbyte> x, ReadOnlySpan<sbyte> y)
    {
        if (!AdvSimd.Arm64.IsSupported) return ScalarCore(x, y);
        int n = x.Length;
        ref sbyte xr = ref MemoryMarshal.GetReference(x);
        ref sbyte yr = ref MemoryMarshal.GetReference(y);
        Vector128<int> a0 = Vector128<int>.Zero, a1 = a0;
        int i = 0;
        for (; i + 16 <= n; i += 16)
        {
            Vector128<sbyte> xv = Vector128.LoadUnsafe(ref xr, (nuint)i);
            Vector128<sbyte> yv = Vector128.LoadUnsafe(ref yr, (nuint)i);
            a0 = AdvSimd.AddPairwiseWideningAndAdd(a0, AdvSimd.MultiplyWideningLower(xv.GetLower(), yv.GetLower()));
            a1 = AdvSimd.AddPairwiseWideningAndAdd(a1, AdvSimd.MultiplyWideningUpper(xv, yv));
        }
        int s = AdvSimd.Arm64.AddAcross(a0 + a1).ToScalar();
        for (; i < n; i++) s += x[i] * y[i];
        return s;
    }
}
