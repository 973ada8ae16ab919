using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace EdgeAttention.Kernels;

public static partial class Dot
{
    /// <summary>
    /// s = Σᵢ x[i] y[i] with four independent Vector256 accumulators (32 floats per step, hiding the
    /// multiply-add latency), then one vector step and a scalar tail. Lengths are equal (checked by the caller).
    /// </summary>
    internal static float Vector256Core(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        int n = x.Length;
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        Vector256<float> a0 = Vector256<float>.Zero, a1 = a0, a2 = a0, a3 = a0;
        int i = 0;
        for (; i + 32 <= n; i += 32)
        {
            a0 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref xr, (nuint)i), Vector256.LoadUnsafe(ref yr, (nuint)i), a0);
            a1 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref xr, (nuint)(i + 8)), Vector256.LoadUnsafe(ref yr, (nuint)(i + 8)), a1);
            a2 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref xr, (nuint)(i + 16)), Vector256.LoadUnsafe(ref yr, (nuint)(i + 16)), a2);
            a3 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref xr, (nuint)(i + 24)), Vector256.LoadUnsafe(ref yr, (nuint)(i + 24)), a3);
        }
        for (; i + 8 <= n; i += 8)
            a0 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref xr, (nuint)i), Vector256.LoadUnsafe(ref yr, (nuint)i), a0);
        float s = Vector256.Sum((a0 + a1) + (a2 + a3));
        for (; i < n; i++) s += x[i] * y[i];
        return s;
    }
}
