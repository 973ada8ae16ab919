using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace EdgeAttention.Kernels;

public static partial class Quantize
{
    /// <summary>
    /// Dynamic symmetric quantization, bit-exact with the scalar reference: m = max|x|, scale = m/127,
    /// q = clamp(round_half_even(x · (127/m)), −127, 127); 32 values per step (four float vectors narrowed
    /// int32 → int16 → int8), scalar tail. m = 0 or non-finite → q = 0, returns 0.
    /// </summary>
    internal static float Vector256VectorCore(ReadOnlySpan<float> x, Span<sbyte> q)
    {
        int n = x.Length;
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref sbyte qr = ref MemoryMarshal.GetReference(q);
        float max = 0;
        int i = 0;
        if (n >= 8)
        {
            Vector256<float> m = Vector256<float>.Zero;
            for (; i + 8 <= n; i += 8) m = Vector256.Max(m, Vector256.Abs(Vector256.LoadUnsafe(ref xr, (nuint)i)));
            max = HorizontalSums.Max(m);
        }
        for (; i < n; i++) max = MathF.Max(max, MathF.Abs(x[i]));
        if (max == 0 || !float.IsFinite(max)) { q.Clear(); return 0; }
        float scale = max / 127f, inv = 127f / max;

        Vector256<float> iv = Vector256.Create(inv);
        Vector256<int> lo = Vector256.Create(-127), hi = Vector256.Create(127);
        for (i = 0; i + 32 <= n; i += 32)
        {
            Vector256<int> i0 = Vector256.Clamp(Vector256.ConvertToInt32(Vector256.Round(Vector256.LoadUnsafe(ref xr, (nuint)i) * iv)), lo, hi);
            Vector256<int> i1 = Vector256.Clamp(Vector256.ConvertToInt32(Vector256.Round(Vector256.LoadUnsafe(ref xr, (nuint)(i + 8)) * iv)), lo, hi);
            Vector256<int> i2 = Vector256.Clamp(Vector256.ConvertToInt32(Vector256.Round(Vector256.LoadUnsafe(ref xr, (nuint)(i + 16)) * iv)), lo, hi);
            Vector256<int> i3 = Vector256.Clamp(Vector256.ConvertToInt32(Vector256.Round(Vector256.LoadUnsafe(ref xr, (nuint)(i + 24)) * iv)), lo, hi);
            Vector256<sbyte> b = Vector256.Narrow(Vector256.Narrow(i0, i1), Vector256.Narrow(i2, i3));
            b.StoreUnsafe(ref qr, (nuint)i);
        }
        for (; i < n; i++) q[i] = (sbyte)Math.Clamp((int)MathF.Round(x[i] * inv), -127, 127);
        return scale;
    }
}
