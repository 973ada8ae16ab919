using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace EdgeAttention.Kernels;

public static partial class RowScale
{
    /// <summary>y[i] = s x[i], 8 floats per step, scalar tail. x may be y (in place).</summary>
    internal static void Vector256Core(ReadOnlySpan<float> x, float s, Span<float> y)
    {
        int n = x.Length;
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        Vector256<float> sv = Vector256.Create(s);
        int i = 0;
        for (; i + 8 <= n; i += 8)
            (Vector256.LoadUnsafe(ref xr, (nuint)i) * sv).StoreUnsafe(ref yr, (nuint)i);
        for (; i < n; i++) y[i] = s * x[i];
    }
}
