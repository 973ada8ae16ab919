using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace EdgeAttention.Kernels;

public static partial class Dot
{
    /// <summary>
    /// s = Σᵢ x[i] y[i] with four independent Vector128 accumulators (16 floats per step, hiding the
    /// multiply-add latency), then one vector step and a scalar tail. Lengths are equal (checked by the caller).
    /// </summary>
    internal static float Vector128Core(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        int n = x.Length;
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        Vector128<float> a0 = Vector128<float>.Zero, a1 = a0, a2 = a0, a3 = a0;
        int i = 0;
        for (; i + 16 <= n; i += 16)
        {
            a0 = Vector128.MultiplyAddEstimate(Vector128.LoadUnsafe(ref xr, (nuint)i), Vector128.LoadUnsafe(ref yr, (nuint)i), a0);
            a1 = Vector128.MultiplyAddEstimate(Vector128.LoadUnsafe(ref xr, (nuint)(i + 4)), Vector128.LoadUnsafe(ref yr, (nuint)(i + 4)), a1);
            a2 = Vector128.MultiplyAddEstimate(Vector128.LoadUnsafe(ref xr, (nuint)(i + 8)), Vector128.LoadUnsafe(ref yr, (nuint)(i + 8)), a2);
            a3 = Vector128.MultiplyAddEstimate(Vector128.LoadUnsafe(ref xr, (nuint)(i + 12)), Vector128.LoadUnsafe(ref yr, (nuint)(i + 12)), a3);
        }
        for (; i + 4 <= n; i += 4)
            a0 = Vector128.MultiplyAddEstimate(Vector128.LoadUnsafe(ref xr, (nuint)i), Vector128.LoadUnsafe(ref yr, (nuint)i), a0);
        float s = Vector128.Sum((a0 + a1) + (a2 + a3));
        for (; i < n; i++) s += x[i] * y[i];
        return s;
    }
}
