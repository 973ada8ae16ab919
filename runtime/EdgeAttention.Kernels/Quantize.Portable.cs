using System.Runtime.InteropServices;

namespace EdgeAttention.Kernels;

public static partial class Quantize
{
    /// <summary>
    /// Dynamic symmetric quantization, bit-exact with the scalar reference: m = max|x|, scale = m/127,
    /// q = clamp(round_half_even(x · (127/m)), −127, 127); 4·Count values per step (four float vectors narrowed
    /// int32 → int16 → int8, <see cref="ISimd{TV}.QuantizeBlock"/>), scalar tail. m = 0 or non-finite → q = 0, returns 0.
    /// Vector128 variant: (TW, TV) = (<see cref="W128"/>, Vector128&lt;float&gt;); Vector256: (<see cref="W256"/>, Vector256&lt;float&gt;).
    /// </summary>
    internal static float PortableVectorCore<TW, TV>(ReadOnlySpan<float> x, Span<sbyte> q) where TW : struct, ISimd<TV> where TV : struct
    {
        int n = x.Length, w = TW.Count;
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref sbyte qr = ref MemoryMarshal.GetReference(q);
        float max = 0;
        int i = 0;
        if (n >= w)
        {
            TV m = TW.Zero;
            for (; i + w <= n; i += w) m = TW.Max(m, TW.Abs(TW.Load(ref xr, (nuint)i)));
            max = TW.MaxAcross(m);
        }
        for (; i < n; i++) max = MathF.Max(max, MathF.Abs(x[i]));
        if (max == 0 || !float.IsFinite(max)) { q.Clear(); return 0; }
        float scale = max / 127f, inv = 127f / max;
        if (!float.IsFinite(inv)) return ScalarVectorCore(x, q);   // m subnormal: x·inv is ±∞/NaN, where conversions differ

        TV iv = TW.Create(inv);
        for (i = 0; i + 4 * w <= n; i += 4 * w) TW.QuantizeBlock(ref xr, (nuint)i, iv, ref qr);
        for (; i < n; i++) q[i] = (sbyte)Math.Clamp((int)MathF.Round(x[i] * inv), -127, 127);
        return scale;
    }
}
