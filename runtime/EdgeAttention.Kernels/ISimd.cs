using System.Runtime.Intrinsics;

namespace EdgeAttention.Kernels;

/// <summary>
/// Vector-width abstraction for the portable kernels (<c>*.Portable.cs</c>): each portable kernel is written once as
/// a generic method over an operations type <c>TW : ISimd&lt;TV&gt;</c> and its vector type <c>TV</c>, and the
/// Vector128 / Vector256 variants call it with (<see cref="W128"/>, Vector128&lt;float&gt;) /
/// (<see cref="W256"/>, Vector256&lt;float&gt;). The operations are stateless structs with aggressively inlined
/// static members over the plain vector type (no wrapper struct, so the JIT keeps vector loads folded into the
/// FMA and accumulators in place); struct generic instantiations are specialised per width by the JIT and
/// NativeAOT, giving essentially the code of the former hand-written variants (README: Machine code).
/// (.NET's own ISimdVector is not public.)
/// Int8 pieces keep int32 lanes in the float vector's bits (free reinterpret).
/// </summary>
internal interface ISimd<TV> where TV : struct
{
    /// <summary>Float lanes per vector (4 or 8).</summary>
    static abstract int Count { get; }
    /// <summary>The dispatch name of this width (<see cref="KernelVariant.Vector128"/> / <see cref="KernelVariant.Vector256"/>).</summary>
    static abstract KernelVariant Variant { get; }
    static abstract TV Zero { get; }
    static abstract TV One { get; }
    static abstract TV Create(float value);
    /// <summary>Count floats from r[i] (unaligned).</summary>
    static abstract TV Load(ref float r, nuint i);
    /// <summary>Store the lanes of v at r[i] (unaligned).</summary>
    static abstract void Store(TV v, ref float r, nuint i);

    static abstract TV Add(TV a, TV b);
    static abstract TV Subtract(TV a, TV b);
    static abstract TV Multiply(TV a, TV b);
    static abstract TV Divide(TV a, TV b);
    /// <summary>a·b + c, fused where the hardware has FMA (Vector.MultiplyAddEstimate).</summary>
    static abstract TV MultiplyAddEstimate(TV a, TV b, TV c);
    static abstract TV Max(TV a, TV b);
    static abstract TV Abs(TV a);
    static abstract TV Exp(TV a);
    /// <summary>Per lane: cond ≥ 0 ? ifTrue : ifFalse.</summary>
    static abstract TV SelectNonNegative(TV cond, TV ifTrue, TV ifFalse);
    /// <summary>Σ lanes (Vector.Sum order).</summary>
    static abstract float Sum(TV a);
    /// <summary>max over lanes, NaN propagates (<see cref="HorizontalSums.Max(Vector128{float})"/>).</summary>
    static abstract float MaxAcross(TV a);

    /// <summary>
    /// q[i .. i+4·Count) = (sbyte)clamp(round_half_even(x[i ..] · inv), −127, 127): four float vectors converted to
    /// int32, clamped and narrowed int32 → int16 → int8 into one byte vector. Requires a finite inv with |x·inv| ≤ 127.5
    /// (what <see cref="Quantize"/> passes).
    /// </summary>
    static abstract void QuantizeBlock(ref float x, nuint i, TV inv, ref sbyte q);

    /// <summary>Bytes per int8 step (4·Count: 16 or 32).</summary>
    static abstract int BytesPerStep { get; }
    /// <summary>
    /// One int8 dot step over BytesPerStep bytes: sign-extend x and y to int16, multiply (int8·int8 fits int16),
    /// sign-extend the low/high products to int32 and add them into the int32 lanes of lo / hi (exact).
    /// </summary>
    static abstract void DotI8Step(ref sbyte x, ref sbyte y, nuint i, ref TV lo, ref TV hi);
    /// <summary>Σ of the int32 lanes of lo + hi (accumulators of <see cref="DotI8Step"/>, exact wrap-around).</summary>
    static abstract int SumI32(TV lo, TV hi);

    /// <summary>
    /// Four-row int8 matvec step over BytesPerStep columns from c: x is sign-extended to int16 once and shared; for
    /// each row k the int8 weights are sign-extended, multiplied in int16 (exact), the products of the low and high
    /// halves added in int16 (exact for inputs in [−127, 127]), sign-extended and added into the int32 lanes of a_k.
    /// </summary>
    static abstract void MatVecI8Step4(ref sbyte x, ref sbyte w0, ref sbyte w1, ref sbyte w2, ref sbyte w3, nuint c,
                                       ref TV a0, ref TV a1, ref TV a2, ref TV a3);
    /// <summary>[Σ int32 lanes of a0, … a3] (exact), reduced jointly (<see cref="HorizontalSums.Sum4(Vector128{int}, Vector128{int}, Vector128{int}, Vector128{int})"/>).</summary>
    static abstract Vector128<int> SumI32x4(TV a0, TV a1, TV a2, TV a3);
}

/// <summary>
/// The float64 half of the width abstraction, implemented by the same <see cref="W128"/> / <see cref="W256"/> structs
/// over Vector128&lt;double&gt; / Vector256&lt;double&gt; (2 or 4 lanes): the float64 kernels of the continual running
/// sums (<c>Exp64</c>, <c>VecMat</c>, <c>Rank2Update</c>, <c>ShiftedTerms</c>, <c>Precision</c>, <c>Softmax.ExpMaxShifted</c>)
/// are written once as generic methods <c>where TW : struct, ISimd64&lt;TD&gt;</c>. Masks are TD vectors (all bits
/// set per true lane), as the Vector128/256 comparison APIs return them.
/// </summary>
internal interface ISimd64<TD> where TD : struct
{
    /// <summary>Double lanes per vector (2 or 4; half the float lanes of the same width).</summary>
    static abstract int Count64 { get; }
    static abstract KernelVariant Variant { get; }
    static abstract TD Zero64 { get; }
    static abstract TD One64 { get; }
    static abstract TD Create(double value);
    /// <summary>Count64 doubles from r[i] (unaligned).</summary>
    static abstract TD Load(ref double r, nuint i);
    static abstract void Store(TD v, ref double r, nuint i);
    /// <summary>2·Count64 floats from r[i], widened (exactly) into the lower and upper double vectors.</summary>
    static abstract void WidenLoad(ref float r, nuint i, out TD lo, out TD hi);
    /// <summary>Stores lo then hi, each lane rounded to float, as 2·Count64 floats at r[i].</summary>
    static abstract void NarrowStore(TD lo, TD hi, ref float r, nuint i);

    static abstract TD Add(TD a, TD b);
    static abstract TD Subtract(TD a, TD b);
    static abstract TD Multiply(TD a, TD b);
    static abstract TD Divide(TD a, TD b);
    static abstract TD Negate(TD a);
    /// <summary>a·b + c, fused where the hardware has FMA.</summary>
    static abstract TD MultiplyAddEstimate(TD a, TD b, TD c);
    static abstract TD Max(TD a, TD b);
    static abstract TD Abs(TD a);
    /// <summary>Σ lanes (Vector.Sum order).</summary>
    static abstract double Sum(TD a);
    /// <summary>max over lanes, lane 0 first (Math.Max per lane: NaN propagates).</summary>
    static abstract double MaxAcross(TD a);
    /// <summary>Per lane the platform maximum (x64 maxpd, arm64 fmax): the larger operand for non-NaN lanes (either zero for ±0); NaN lanes unspecified.</summary>
    static abstract TD MaxNative(TD a, TD b);
    /// <summary>The largest lane by <see cref="MaxNative"/> (non-NaN lanes: the maximum, up to the sign of a zero).</summary>
    static abstract double MaxAcrossNative(TD a);

    /// <summary>Per lane mask a &gt; b.</summary>
    static abstract TD GreaterThan(TD a, TD b);
    /// <summary>Per lane mask a &lt; b.</summary>
    static abstract TD LessThan(TD a, TD b);
    /// <summary>Per lane mask a == b (false for NaN).</summary>
    static abstract TD Equals(TD a, TD b);
    /// <summary>Per lane: mask ? ifTrue : ifFalse.</summary>
    static abstract TD ConditionalSelect(TD mask, TD ifTrue, TD ifFalse);
    static abstract bool EqualsAll(TD a, TD b);
    static abstract bool GreaterThanOrEqualAll(TD a, TD b);
    /// <summary>True when some lane of the mask is set.</summary>
    static abstract bool AnyTrue(TD mask);
    /// <summary>
    /// 2^k per lane for t = x·log₂e + 1.5·2^52 (k sits in the low mantissa bits of t): the bits (t ≪ 52) + (1023 ≪ 52)
    /// read as a double (k mod 2^12 plus the exponent bias; the caller keeps k in the normal range).
    /// </summary>
    static abstract TD Pow2FromRounded(TD t);
}
