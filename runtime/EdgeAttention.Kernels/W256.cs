using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace EdgeAttention.Kernels;

/// <summary>
/// <see cref="ISimd{TV}"/> over Vector256&lt;float&gt; (8 float lanes): the width used by the Vector256 variants.
/// Stateless; every member is one or a few Vector256 calls, aggressively inlined.
/// </summary>
internal readonly struct W256 : ISimd<Vector256<float>>, ISimd64<Vector256<double>>
{
    public static int Count { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => 8; }
    public static KernelVariant Variant { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => KernelVariant.Vector256; }
    public static int BytesPerStep { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => 32; }
    public static Vector256<float> Zero { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => Vector256<float>.Zero; }
    public static Vector256<float> One { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => Vector256<float>.One; }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Create(float value) => Vector256.Create(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Load(ref float r, nuint i) => Vector256.LoadUnsafe(ref r, i);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector256<float> v, ref float r, nuint i) => v.StoreUnsafe(ref r, i);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Add(Vector256<float> a, Vector256<float> b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Subtract(Vector256<float> a, Vector256<float> b) => a - b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Multiply(Vector256<float> a, Vector256<float> b) => a * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Divide(Vector256<float> a, Vector256<float> b) => a / b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> MultiplyAddEstimate(Vector256<float> a, Vector256<float> b, Vector256<float> c) => Vector256.MultiplyAddEstimate(a, b, c);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Max(Vector256<float> a, Vector256<float> b) => Vector256.Max(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Abs(Vector256<float> a) => Vector256.Abs(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Exp(Vector256<float> a) => Vector256.Exp(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> SelectNonNegative(Vector256<float> cond, Vector256<float> ifTrue, Vector256<float> ifFalse) =>
        Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(cond, Vector256<float>.Zero), ifTrue, ifFalse);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Vector256<float> a) => Vector256.Sum(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float MaxAcross(Vector256<float> a) => HorizontalSums.Max(a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void QuantizeBlock(ref float x, nuint i, Vector256<float> inv, ref sbyte q)
    {
        Vector256<int> lo = Vector256.Create(-127), hi = Vector256.Create(127);
        Vector256<int> i0 = Vector256.Clamp(Vector256.ConvertToInt32Native(RoundHalfEven(Vector256.LoadUnsafe(ref x, i) * inv)), lo, hi);
        Vector256<int> i1 = Vector256.Clamp(Vector256.ConvertToInt32Native(RoundHalfEven(Vector256.LoadUnsafe(ref x, i + 8) * inv)), lo, hi);
        Vector256<int> i2 = Vector256.Clamp(Vector256.ConvertToInt32Native(RoundHalfEven(Vector256.LoadUnsafe(ref x, i + 16) * inv)), lo, hi);
        Vector256<int> i3 = Vector256.Clamp(Vector256.ConvertToInt32Native(RoundHalfEven(Vector256.LoadUnsafe(ref x, i + 24) * inv)), lo, hi);
        Vector256.Narrow(Vector256.Narrow(i0, i1), Vector256.Narrow(i2, i3)).StoreUnsafe(ref q, i);
    }

    /// <summary>
    /// round_half_even(v) for |v| &lt; 2²²: (v + 1.5·2²³) − 1.5·2²³ in IEEE round-to-nearest-even (two plain adds on every
    /// platform; the integral result converts exactly with ConvertToInt32Native). Used instead of Round + ConvertToInt32,
    /// which the x64 baseline NativeAOT build compiles to per-lane calls and saturation fix-ups.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> RoundHalfEven(Vector256<float> v)
    {
        Vector256<float> magic = Vector256.Create(12582912f);
        return (v + magic) - magic;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void DotI8Step(ref sbyte x, ref sbyte y, nuint i, ref Vector256<float> lo, ref Vector256<float> hi)
    {
        (Vector256<short> xl, Vector256<short> xh) = Vector256.Widen(Vector256.LoadUnsafe(ref x, i));
        (Vector256<short> yl, Vector256<short> yh) = Vector256.Widen(Vector256.LoadUnsafe(ref y, i));
        Vector256<short> pl = xl * yl, ph = xh * yh;
        lo = (lo.AsInt32() + (Vector256.WidenLower(pl) + Vector256.WidenUpper(pl))).AsSingle();
        hi = (hi.AsInt32() + (Vector256.WidenLower(ph) + Vector256.WidenUpper(ph))).AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int SumI32(Vector256<float> lo, Vector256<float> hi) => Vector256.Sum(lo.AsInt32() + hi.AsInt32());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void MatVecI8Step4(ref sbyte x, ref sbyte w0, ref sbyte w1, ref sbyte w2, ref sbyte w3, nuint c,
                                     ref Vector256<float> a0, ref Vector256<float> a1, ref Vector256<float> a2, ref Vector256<float> a3)
    {
        (Vector256<short> xl, Vector256<short> xh) = Vector256.Widen(Vector256.LoadUnsafe(ref x, c));
        a0 = (a0.AsInt32() + RowStepI8(Vector256.LoadUnsafe(ref w0, c), xl, xh)).AsSingle();
        a1 = (a1.AsInt32() + RowStepI8(Vector256.LoadUnsafe(ref w1, c), xl, xh)).AsSingle();
        a2 = (a2.AsInt32() + RowStepI8(Vector256.LoadUnsafe(ref w2, c), xl, xh)).AsSingle();
        a3 = (a3.AsInt32() + RowStepI8(Vector256.LoadUnsafe(ref w3, c), xl, xh)).AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> SumI32x4(Vector256<float> a0, Vector256<float> a1, Vector256<float> a2, Vector256<float> a3) => HorizontalSums.Sum4(Halves(a0), Halves(a1), Halves(a2), Halves(a3));

    /// <summary>
    /// Σ over 32 columns of one row as int32 partial sums: widen w, multiply by widened x, add the low- and high-half
    /// products in int16 (|w·x + w'·x'| ≤ 2·127² = 32258 fits for inputs in [−127, 127], the MatVecI8 contract), widen.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> RowStepI8(Vector256<sbyte> wv, Vector256<short> xl, Vector256<short> xh)
    {
        (Vector256<short> wl, Vector256<short> wh) = Vector256.Widen(wv);
        Vector256<short> p = wl * xl + wh * xh;
        return Vector256.WidenLower(p) + Vector256.WidenUpper(p);
    }

    /// <summary>The int32 lanes of a folded to four: lower half + upper half (exact).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<int> Halves(Vector256<float> a) => a.GetLower().AsInt32() + a.GetUpper().AsInt32();

    // ISimd64: float64 lanes.
    public static int Count64 { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => 4; }
    public static Vector256<double> Zero64 { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => Vector256<double>.Zero; }
    public static Vector256<double> One64 { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => Vector256<double>.One; }
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Create(double value) => Vector256.Create(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Load(ref double r, nuint i) => Vector256.LoadUnsafe(ref r, i);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector256<double> v, ref double r, nuint i) => v.StoreUnsafe(ref r, i);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void WidenLoad(ref float r, nuint i, out Vector256<double> lo, out Vector256<double> hi) =>
        (lo, hi) = Vector256.Widen(Vector256.LoadUnsafe(ref r, i));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void NarrowStore(Vector256<double> lo, Vector256<double> hi, ref float r, nuint i) =>
        Vector256.Narrow(lo, hi).StoreUnsafe(ref r, i);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Add(Vector256<double> a, Vector256<double> b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Subtract(Vector256<double> a, Vector256<double> b) => a - b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Multiply(Vector256<double> a, Vector256<double> b) => a * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Divide(Vector256<double> a, Vector256<double> b) => a / b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Negate(Vector256<double> a) => -a;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> MultiplyAddEstimate(Vector256<double> a, Vector256<double> b, Vector256<double> c) => Vector256.MultiplyAddEstimate(a, b, c);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Max(Vector256<double> a, Vector256<double> b) => Vector256.Max(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Abs(Vector256<double> a) => Vector256.Abs(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Sum(Vector256<double> a) => Vector256.Sum(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double MaxAcross(Vector256<double> a)
    {
        double m = a.GetElement(0);
        for (int l = 1; l < 4; l++) m = Math.Max(m, a.GetElement(l));
        return m;
    }
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> GreaterThan(Vector256<double> a, Vector256<double> b) => Vector256.GreaterThan(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> LessThan(Vector256<double> a, Vector256<double> b) => Vector256.LessThan(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Equals(Vector256<double> a, Vector256<double> b) => Vector256.Equals(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> ConditionalSelect(Vector256<double> mask, Vector256<double> ifTrue, Vector256<double> ifFalse) => Vector256.ConditionalSelect(mask, ifTrue, ifFalse);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool EqualsAll(Vector256<double> a, Vector256<double> b) => Vector256.EqualsAll(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool GreaterThanOrEqualAll(Vector256<double> a, Vector256<double> b) => Vector256.GreaterThanOrEqualAll(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> MaxNative(Vector256<double> a, Vector256<double> b) => Vector256.MaxNative(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double MaxAcrossNative(Vector256<double> a)
    {
        Vector128<double> m = Vector128.MaxNative(a.GetLower(), a.GetUpper());
        return Vector128.MaxNative(m, Vector128.Shuffle(m, Vector128.Create(1L, 0L))).ToScalar();
    }
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool AnyTrue(Vector256<double> mask) => mask.AsUInt64() != Vector256<ulong>.Zero;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Pow2FromRounded(Vector256<double> t) => ((t.AsUInt64() << 52) + Vector256.Create(1023UL << 52)).AsDouble();
}
