using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace EdgeAttention.Kernels;

public static partial class RowScale
{
    /// <summary>y[i] = s x[i], 4 floats per step, scalar tail. x may be y (in place).</summary>
    internal static void Vector128Core(ReadOnlySpan<float> x, float s, Span<float> y)
    {
        int n = x.Length;
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        Vector128<float> sv = Vector128.Create(s);
        int i = 0;
        for (; i + 4 <= n; i += 4)
            (Vector128.LoadUnsafe(ref xr, (nuint)i) * sv).StoreUnsafe(ref yr, (nuint)i);
        for (; i < n; i++) y[i] = s * x[i];
    }
}
