using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace EdgeAttention.Kernels;

public static partial class Axpy
{
    /// <summary>y[i] ← y[i] + α x[i], 16 floats per step (two independent Vector256s), scalar tail. x may be y.</summary>
    internal static void Vector256Core(float alpha, ReadOnlySpan<float> x, Span<float> y)
    {
        int n = x.Length;
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        Vector256<float> a = Vector256.Create(alpha);
        int i = 0;
        for (; i + 16 <= n; i += 16)
        {
            Vector256<float> y0 = Vector256.MultiplyAddEstimate(a, Vector256.LoadUnsafe(ref xr, (nuint)i), Vector256.LoadUnsafe(ref yr, (nuint)i));
            Vector256<float> y1 = Vector256.MultiplyAddEstimate(a, Vector256.LoadUnsafe(ref xr, (nuint)(i + 8)), Vector256.LoadUnsafe(ref yr, (nuint)(i + 8)));
            y0.StoreUnsafe(ref yr, (nuint)i);
            y1.StoreUnsafe(ref yr, (nuint)(i + 8));
        }
        for (; i + 8 <= n; i += 8)
            Vector256.MultiplyAddEstimate(a, Vector256.LoadUnsafe(ref xr, (nuint)i), Vector256.LoadUnsafe(ref yr, (nuint)i)).StoreUnsafe(ref yr, (nuint)i);
        for (; i < n; i++) y[i] += alpha * x[i];
    }
}
