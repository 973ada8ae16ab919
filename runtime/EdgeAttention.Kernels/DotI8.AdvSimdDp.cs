using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;

namespace EdgeAttention.Kernels;

public static partial class DotI8
{
    /// <summary>
    /// arm64 dot-product extension: SDOT adds four int8 products into each int32 lane (16 bytes per instruction),
    /// two accumulators; addv; scalar tail. Exact for any int8 input. Only called when Dp.IsSupported (a runtime
    /// check under NativeAOT); verified on arm64 (qemu cortex-a76 / neoverse-n1) by the device self-test.
    /// </summary>
    internal static int AdvSimdDpCore(ReadOnlySpan<sbyte> x, ReadOnlySpan<sbyte> y)
    {
        if (!Dp.IsSupported || !AdvSimd.Arm64.IsSupported) return ScalarCore(x, y);
        int n = x.Length;
        ref sbyte xr = ref MemoryMarshal.GetReference(x);
        ref sbyte yr = ref MemoryMarshal.GetReference(y);
        Vector128<int> a0 = Vector128<int>.Zero, a1 = a0;
        int i = 0;
        for (; i + 32 <= n; i += 32)
        {
            a0 = Dp.DotProduct(a0, Vector128.LoadUnsafe(ref xr, (nuint)i), Vector128.LoadUnsafe(ref yr, (nuint)i));
            a1 = Dp.DotProduct(a1, Vector128.LoadUnsafe(ref xr, (nuint)(i + 16)), Vector128.LoadUnsafe(ref yr, (nuint)(i + 16)));
        }
        if (i + 16 <= n)
        {
            a0 = Dp.DotProduct(a0, Vector128.LoadUnsafe(ref xr, (nuint)i), Vector128.LoadUnsafe(ref yr, (nuint)i));
            i += 16;
        }
        int s = AdvSimd.Arm64.AddAcross(a0 + a1).ToScalar();
        for (; i < n; i++) s += x[i] * y[i];
        return s;
    }
}
