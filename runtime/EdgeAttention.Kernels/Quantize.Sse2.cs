using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EdgeAttention.Kernels;

public static partial class Quantize
{
    /// <summary>
    /// x64 SSE2 quantizer of the <see cref="KernelVariant.Ssse3"/> int8 variant, bit-exact with the scalar reference:
    /// m = max|x| (same as <see cref="PortableVectorCore{TW, TV}"/>), then per 16 values four cvtps2dq (round to
    /// nearest even — the MXCSR default .NET never changes — exactly MathF.Round for the finite |x·127/m| ≤ 127 that
    /// occur), packssdw, clamp to [−127, 127] in int16 (pmaxsw/pminsw), packsswb. The portable Vector128.Round +
    /// ConvertToInt32 pair is not a single instruction on the x64 baseline (per-lane calls under NativeAOT without
    /// SSE4.1, saturation fix-ups; measured as costly as the int8 matvec itself).
    /// When 127/m overflows (m subnormal) x·(127/m) is ±∞ or NaN, which cvtps2dq maps differently: the scalar
    /// reference handles that case.
    /// </summary>
    internal static float Sse2VectorCore(ReadOnlySpan<float> x, Span<sbyte> q)
    {
        if (!Sse2.IsSupported) return ScalarVectorCore(x, q);
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
        if (!float.IsFinite(inv)) return ScalarVectorCore(x, q);

        Vector128<float> iv = Vector128.Create(inv);
        Vector128<short> lo = Vector128.Create((short)-127), hi = Vector128.Create((short)127);
        for (i = 0; i + 16 <= n; i += 16)
        {
            Vector128<int> i0 = Sse2.ConvertToVector128Int32(Vector128.LoadUnsafe(ref xr, (nuint)i) * iv);
            Vector128<int> i1 = Sse2.ConvertToVector128Int32(Vector128.LoadUnsafe(ref xr, (nuint)(i + 4)) * iv);
            Vector128<int> i2 = Sse2.ConvertToVector128Int32(Vector128.LoadUnsafe(ref xr, (nuint)(i + 8)) * iv);
            Vector128<int> i3 = Sse2.ConvertToVector128Int32(Vector128.LoadUnsafe(ref xr, (nuint)(i + 12)) * iv);
            Vector128<short> s01 = Sse2.Min(Sse2.Max(Sse2.PackSignedSaturate(i0, i1), lo), hi);
            Vector128<short> s23 = Sse2.Min(Sse2.Max(Sse2.PackSignedSaturate(i2, i3), lo), hi);
            Sse2.PackSignedSaturate(s01, s23).StoreUnsafe(ref qr, (nuint)i);
        }
        for (; i < n; i++) q[i] = (sbyte)Math.Clamp((int)MathF.Round(x[i] * inv), -127, 127);
        return scale;
    }
}
