using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace EdgeAttention.Kernels;

public static partial class Quantize
{
    /// <summary>
    /// Dynamic symmetric quantization, bit-exact with the scalar reference: m = max|x|, scale = m/127,
    /// q = clamp(round_half_even(x · (127/m)), −127, 127); 16 values per step (four float vectors narrowed
    /// int32 → int16 → int8), scalar tail. m = 0 or non-finite → q = 0, returns 0.
    /// </summary>
    internal static float Vector128VectorCore(ReadOnlySpan<float> x, Span<sbyte> q)
    {
        int n = x.Length;
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref sbyte qr = ref MemoryMarshal.GetReference(q);
        float max = 0;
        int i = 0;
        if (n >= 4)
        {
            Vector128<float> m = Vector128<float>.Zero;
            for (; i + 4 <= n; i += 4) m = Vector128.Max(m, Vector128.Abs(Vector128.LoadUnsafe(ref xr, (nuint)i)));
            max = HorizontalSums.Max(m);
        }
        for (; i < n; i++) max = MathF.Max(max, MathF.Abs(x[i]));
        if (max == 0 || !float.IsFinite(max)) { q.Clear(); return 0; }
        float scale = max / 127f, inv = 127f / max;

        Vector128<float> iv = Vector128.Create(inv);
        Vector128<int> lo = Vector128.Create(-127), hi = Vector128.Create(127);
        for (i = 0; i + 16 <= n; i += 16)
        {
            Vector128<int> i0 = Vector128.Clamp(Vector128.ConvertToInt32(Vector128.Round(Vector128.LoadUnsafe(ref xr, (nuint)i) * iv)), lo, hi);
            Vector128<int> i1 = Vector128.Clamp(Vector128.ConvertToInt32(Vector128.Round(Vector128.LoadUnsafe(ref xr, (nuint)(i + 4)) * iv)), lo, hi);
            Vector128<int> i2 = Vector128.Clamp(Vector128.ConvertToInt32(Vector128.Round(Vector128.LoadUnsafe(ref xr, (nuint)(i + 8)) * iv)), lo, hi);
            Vector128<int> i3 = Vector128.Clamp(Vector128.ConvertToInt32(Vector128.Round(Vector128.LoadUnsafe(ref xr, (nuint)(i + 12)) * iv)), lo, hi);
            Vector128<sbyte> b = Vector128.Narrow(Vector128.Narrow(i0, i1), Vector128.Narrow(i2, i3));
            b.StoreUnsafe(ref qr, (nuint)i);
        }
        for (; i < n; i++) q[i] = (sbyte)Math.Clamp((int)MathF.Round(x[i] * inv), -127, 127);
        return scale;
    }
}
