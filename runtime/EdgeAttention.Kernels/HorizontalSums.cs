using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace EdgeAttention.Kernels;

/// <summary>
/// Horizontal reductions. Sum8 reduces eight Vector256 accumulators (one per matrix row) to one Vector256 holding the eight row sums, in order.
/// On x64 with AVX/AVX2 this is a transpose-and-add tree of 6 horizontal adds + 2 lane permutes + 1 add instead of
/// eight separate full reductions; elsewhere it falls back to eight <c>Vector256.Sum</c> calls.
/// Integer sums are exact either way; float sums differ from a left-to-right sum only by rounding.
/// </summary>
internal static class HorizontalSums
{
    /// <summary>[Σa0, Σa1, …, Σa7] for float accumulators.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<float> Sum8(Vector256<float> a0, Vector256<float> a1, Vector256<float> a2, Vector256<float> a3,
                                          Vector256<float> a4, Vector256<float> a5, Vector256<float> a6, Vector256<float> a7)
    {
        if (Avx.IsSupported)
        {
            // hadd(a, b) = [a01 a23 b01 b23 | a45 a67 b45 b67]; two levels give [Σ_lo a0..a3 | Σ_hi a0..a3].
            Vector256<float> h0123 = Avx.HorizontalAdd(Avx.HorizontalAdd(a0, a1), Avx.HorizontalAdd(a2, a3));
            Vector256<float> h4567 = Avx.HorizontalAdd(Avx.HorizontalAdd(a4, a5), Avx.HorizontalAdd(a6, a7));
            return Avx.Permute2x128(h0123, h4567, 0x20) + Avx.Permute2x128(h0123, h4567, 0x31);
        }
        return Vector256.Create(Vector256.Sum(a0), Vector256.Sum(a1), Vector256.Sum(a2), Vector256.Sum(a3),
                                Vector256.Sum(a4), Vector256.Sum(a5), Vector256.Sum(a6), Vector256.Sum(a7));
    }

    /// <summary>[Σa0, Σa1, …, Σa7] for int32 accumulators (exact, wrap-around arithmetic).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<int> Sum8(Vector256<int> a0, Vector256<int> a1, Vector256<int> a2, Vector256<int> a3,
                                        Vector256<int> a4, Vector256<int> a5, Vector256<int> a6, Vector256<int> a7)
    {
        if (Avx2.IsSupported)
        {
            Vector256<int> h0123 = Avx2.HorizontalAdd(Avx2.HorizontalAdd(a0, a1), Avx2.HorizontalAdd(a2, a3));
            Vector256<int> h4567 = Avx2.HorizontalAdd(Avx2.HorizontalAdd(a4, a5), Avx2.HorizontalAdd(a6, a7));
            return Avx2.Permute2x128(h0123, h4567, 0x20) + Avx2.Permute2x128(h0123, h4567, 0x31);
        }
        return Vector256.Create(Vector256.Sum(a0), Vector256.Sum(a1), Vector256.Sum(a2), Vector256.Sum(a3),
                                Vector256.Sum(a4), Vector256.Sum(a5), Vector256.Sum(a6), Vector256.Sum(a7));
    }

    /// <summary>max over the lanes (Vector.Max semantics: NaN propagates), by halving: 8 → 4 → 2 → 1 lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float Max(Vector256<float> m) => Max(Vector128.Max(m.GetLower(), m.GetUpper()));

    /// <summary>max over the four lanes by two shuffles (NaN propagates).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float Max(Vector128<float> m)
    {
        m = Vector128.Max(m, Vector128.Shuffle(m, Vector128.Create(2, 3, 0, 1)));
        m = Vector128.Max(m, Vector128.Shuffle(m, Vector128.Create(1, 0, 3, 2)));
        return m.ToScalar();
    }

    /// <summary>
    /// [Σa0, Σa1, Σa2, Σa3] for Vector128 float accumulators: two levels of pairwise adds (arm64 faddp, x64 haddps),
    /// else four <c>Vector128.Sum</c> calls.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector128<float> Sum4(Vector128<float> a0, Vector128<float> a1, Vector128<float> a2, Vector128<float> a3)
    {
        if (AdvSimd.Arm64.IsSupported)
            return AdvSimd.Arm64.AddPairwise(AdvSimd.Arm64.AddPairwise(a0, a1), AdvSimd.Arm64.AddPairwise(a2, a3));
        if (Sse3.IsSupported)
            return Sse3.HorizontalAdd(Sse3.HorizontalAdd(a0, a1), Sse3.HorizontalAdd(a2, a3));
        return Vector128.Create(Vector128.Sum(a0), Vector128.Sum(a1), Vector128.Sum(a2), Vector128.Sum(a3));
    }

    /// <summary>[Σa0, Σa1, Σa2, Σa3] for Vector128 int32 accumulators (arm64 addp, x64 phaddd; exact).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector128<int> Sum4(Vector128<int> a0, Vector128<int> a1, Vector128<int> a2, Vector128<int> a3)
    {
        if (AdvSimd.Arm64.IsSupported)
            return AdvSimd.Arm64.AddPairwise(AdvSimd.Arm64.AddPairwise(a0, a1), AdvSimd.Arm64.AddPairwise(a2, a3));
        if (Ssse3.IsSupported)
            return Ssse3.HorizontalAdd(Ssse3.HorizontalAdd(a0, a1), Ssse3.HorizontalAdd(a2, a3));
        return Vector128.Create(Vector128.Sum(a0), Vector128.Sum(a1), Vector128.Sum(a2), Vector128.Sum(a3));
    }
}
