using System.Runtime.Intrinsics;

namespace EdgeAttention.Kernels;

/// <summary>
/// Vector-width abstraction for the portable kernels (<c>*.Portable.cs</c>): each portable kernel is written once as
/// a generic method over <typeparamref name="TSelf"/> and the Vector128 / Vector256 variants call it with
/// <see cref="W128"/> / <see cref="W256"/>. Implementations are readonly structs wrapping one Vector128&lt;float&gt; /
/// Vector256&lt;float&gt; with aggressively inlined static members; the JIT and NativeAOT specialise each struct
/// instantiation, so no interface dispatch or wrapper remains (.NET's own ISimdVector is not public).
/// The code is close to, not byte-identical with, the former hand-written widths (x64 JIT: the Dot loop keeps its
/// second load as a separate instruction instead of folding it into vfmadd); measured speed is unchanged within noise.
/// Float lanes: <see cref="Count"/>; int8 pieces work on 4·Count floats (quantize) or 4·Count bytes per step (dot).
/// </summary>
internal interface ISimd<TSelf> where TSelf : struct, ISimd<TSelf>
{
    /// <summary>Float lanes per vector (4 or 8).</summary>
    static abstract int Count { get; }
    /// <summary>The dispatch name of this width (<see cref="KernelVariant.Vector128"/> / <see cref="KernelVariant.Vector256"/>).</summary>
    static abstract KernelVariant Variant { get; }
    static abstract TSelf Zero { get; }
    static abstract TSelf One { get; }
    static abstract TSelf Create(float value);
    /// <summary>Count floats from r[i] (unaligned).</summary>
    static abstract TSelf Load(ref float r, nuint i);
    /// <summary>Store the lanes at r[i] (unaligned).</summary>
    void Store(ref float r, nuint i);

    static abstract TSelf operator +(TSelf a, TSelf b);
    static abstract TSelf operator -(TSelf a, TSelf b);
    static abstract TSelf operator *(TSelf a, TSelf b);
    static abstract TSelf operator /(TSelf a, TSelf b);
    /// <summary>a·b + c, fused where the hardware has FMA (Vector.MultiplyAddEstimate).</summary>
    static abstract TSelf MultiplyAddEstimate(TSelf a, TSelf b, TSelf c);
    static abstract TSelf Max(TSelf a, TSelf b);
    static abstract TSelf Abs(TSelf a);
    static abstract TSelf Exp(TSelf a);
    /// <summary>Per lane: cond ≥ 0 ? ifTrue : ifFalse.</summary>
    static abstract TSelf SelectNonNegative(TSelf cond, TSelf ifTrue, TSelf ifFalse);
    /// <summary>Σ lanes (Vector.Sum order).</summary>
    static abstract float Sum(TSelf a);
    /// <summary>max over lanes, NaN propagates (<see cref="HorizontalSums.Max(Vector128{float})"/>).</summary>
    static abstract float MaxAcross(TSelf a);

    /// <summary>
    /// q[i .. i+4·Count) = (sbyte)clamp(round_half_even(x[i ..] · inv), −127, 127): four float vectors converted to
    /// int32, clamped and narrowed int32 → int16 → int8 into one byte vector.
    /// </summary>
    static abstract void QuantizeBlock(ref float x, nuint i, TSelf inv, ref sbyte q);

    /// <summary>Bytes per int8 dot step (4·Count: 16 or 32).</summary>
    static abstract int BytesPerStep { get; }
    /// <summary>
    /// One int8 dot step over BytesPerStep bytes: sign-extend x and y to int16, multiply (int8·int8 fits int16),
    /// sign-extend the low/high products to int32 and add them into lo / hi (exact).
    /// </summary>
    static abstract void DotI8Step(ref sbyte x, ref sbyte y, nuint i, ref TSelf lo, ref TSelf hi);
    /// <summary>Σ of the int32 lanes of lo + hi (accumulators of <see cref="DotI8Step"/>, exact wrap-around).</summary>
    static abstract int SumI32(TSelf lo, TSelf hi);

    /// <summary>
    /// Four-row int8 matvec step over BytesPerStep columns from c: x is sign-extended to int16 once and shared; for
    /// each row k the int8 weights are sign-extended, multiplied in int16 (exact) and the products sign-extended and
    /// added into the int32 lanes of a_k.
    /// </summary>
    static abstract void MatVecI8Step4(ref sbyte x, ref sbyte w0, ref sbyte w1, ref sbyte w2, ref sbyte w3, nuint c,
                                       ref TSelf a0, ref TSelf a1, ref TSelf a2, ref TSelf a3);
    /// <summary>[Σ int32 lanes of a0, … a3] (exact), reduced jointly (<see cref="HorizontalSums.Sum4(Vector128{int}, Vector128{int}, Vector128{int}, Vector128{int})"/>).</summary>
    static abstract Vector128<int> SumI32x4(TSelf a0, TSelf a1, TSelf a2, TSelf a3);
}
