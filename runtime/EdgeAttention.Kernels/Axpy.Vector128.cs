using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace EdgeAttention.Kernels;

public static partial class Axpy
{
    /// <summary>y[i] ← y[i] + α x[i], 8 floats per step (two independent Vector128s), scalar tail. x may be y.</summary>
    internal static void Vector128Core(float alpha, ReadOnlySpan<float> x, Span<float> y)
    {
        int n = x.Length;
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        Vector128<float> a = Vector128.Create(alpha);
        int i = 0;
        for (; i + 8 <= n; i += 8)
        {
            Vector128<float> y0 = Vector128.MultiplyAddEstimate(a, Vector128.LoadUnsafe(ref xr, (nuint)i), Vector128.LoadUnsafe(ref yr, (nuint)i));
            Vector128<float> y1 = Vector128.MultiplyAddEstimate(a, Vector128.LoadUnsafe(ref xr, (nuint)(i + 4)), Vector128.LoadUnsafe(ref yr, (nuint)(i + 4)));
            y0.StoreUnsafe(ref yr, (nuint)i);
            y1.StoreUnsafe(ref yr, (nuint)(i + 4));
        }
        for (; i + 4 <= n; i += 4)
            Vector128.MultiplyAddEstimate(a, Vector128.LoadUnsafe(ref xr, (nuint)i), Vector128.LoadUnsafe(ref yr, (nuint)i)).StoreUnsafe(ref yr, (nuint)i);
        for (; i < n; i++) y[i] += alpha * x[i];
    }
}
