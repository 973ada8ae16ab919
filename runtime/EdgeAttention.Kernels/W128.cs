using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace EdgeAttention.Kernels;

/// <summary>
/// <see cref="ISimd{TV}"/> over Vector128&lt;float&gt; (4 float lanes): the width used by the Vector128 variants.
/// Stateless; every member is one or a few Vector128 calls, aggressively inlined.
/// </summary>
internal readonly struct W128 : ISimd<Vector128<float>>, ISimd64<Vector128<double>>
{
    public static int Count { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => 4; }
    public static KernelVariant Variant { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => KernelVariant.Vector128; }
    public static int BytesPerStep { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => 16; }
    public static Vector128<float> Zero { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => Vector128<float>.Zero; }
    public static Vector128<float> One { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => Vector128<float>.One; }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Create(float value) => Vector128.Create(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Load(ref float r, nuint i) => Vector128.LoadUnsafe(ref r, i);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector128<float> v, ref float r, nuint i) => v.StoreUnsafe(ref r, i);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Add(Vector128<float> a, Vector128<float> b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Subtract(Vector128<float> a, Vector128<float> b) => a - b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Multiply(Vector128<float> a, Vector128<float> b) => a * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Divide(Vector128<float> a, Vector128<float> b) => a / b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> MultiplyAddEstimate(Vector128<float> a, Vector128<float> b, Vector128<float> c) => Vector128.MultiplyAddEstimate(a, b, c);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Max(Vector128<float> a, Vector128<float> b) => Vector128.Max(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Abs(Vector128<float> a) => Vector128.Abs(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Exp(Vector128<float> a) => Vector128.Exp(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> SelectNonNegative(Vector128<float> cond, Vector128<float> ifTrue, Vector128<float> ifFalse) =>
        Vector128.ConditionalSelect(Vector128.GreaterThanOrEqual(cond, Vector128<float>.Zero), ifTrue, ifFalse);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Vector128<float> a) => Vector128.Sum(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float MaxAcross(Vector128<float> a) => HorizontalSums.Max(a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void QuantizeBlock(ref float x, nuint i, Vector128<float> inv, ref sbyte q)
    {
        Vector128<int> lo = Vector128.Create(-127), hi = Vector128.Create(127);
        Vector128<int> i0 = Vector128.Clamp(Vector128.ConvertToInt32Native(RoundHalfEven(Vector128.LoadUnsafe(ref x, i) * inv)), lo, hi);
        Vector128<int> i1 = Vector128.Clamp(Vector128.ConvertToInt32Native(RoundHalfEven(Vector128.LoadUnsafe(ref x, i + 4) * inv)), lo, hi);
        Vector128<int> i2 = Vector128.Clamp(Vector128.ConvertToInt32Native(RoundHalfEven(Vector128.LoadUnsafe(ref x, i + 8) * inv)), lo, hi);
        Vector128<int> i3 = Vector128.Clamp(Vector128.ConvertToInt32Native(RoundHalfEven(Vector128.LoadUnsafe(ref x, i + 12) * inv)), lo, hi);
        Vector128.Narrow(Vector128.Narrow(i0, i1), Vector128.Narrow(i2, i3)).StoreUnsafe(ref q, i);
    }

    /// <summary>
    /// round_half_even(v) for |v| &lt; 2²²: (v + 1.5·2²³) − 1.5·2²³ in IEEE round-to-nearest-even (two plain adds on every
    /// platform; the integral result converts exactly with ConvertToInt32Native). Used instead of Round + ConvertToInt32,
    /// which the x64 baseline NativeAOT build compiles to per-lane calls and saturation fix-ups.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> RoundHalfEven(Vector128<float> v)
    {
        Vector128<float> magic = Vector128.Create(12582912f);
        return (v + magic) - magic;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void DotI8Step(ref sbyte x, ref sbyte y, nuint i, ref Vector128<float> lo, ref Vector128<float> hi)
    {
        (Vector128<short> xl, Vector128<short> xh) = Vector128.Widen(Vector128.LoadUnsafe(ref x, i));
        (Vector128<short> yl, Vector128<short> yh) = Vector128.Widen(Vector128.LoadUnsafe(ref y, i));
        Vector128<short> pl = xl * yl, ph = xh * yh;
        lo = (lo.AsInt32() + (Vector128.WidenLower(pl) + Vector128.WidenUpper(pl))).AsSingle();
        hi = (hi.AsInt32() + (Vector128.WidenLower(ph) + Vector128.WidenUpper(ph))).AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int SumI32(Vector128<float> lo, Vector128<float> hi) => Vector128.Sum(lo.AsInt32() + hi.AsInt32());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void MatVecI8Step4(ref sbyte x, ref sbyte w0, ref sbyte w1, ref sbyte w2, ref sbyte w3, nuint c,
                                     ref Vector128<float> a0, ref Vector128<float> a1, ref Vector128<float> a2, ref Vector128<float> a3)
    {
        (Vector128<short> xl, Vector128<short> xh) = Vector128.Widen(Vector128.LoadUnsafe(ref x, c));
        a0 = (a0.AsInt32() + RowStepI8(Vector128.LoadUnsafe(ref w0, c), xl, xh)).AsSingle();
        a1 = (a1.AsInt32() + RowStepI8(Vector128.LoadUnsafe(ref w1, c), xl, xh)).AsSingle();
        a2 = (a2.AsInt32() + RowStepI8(Vector128.LoadUnsafe(ref w2, c), xl, xh)).AsSingle();
        a3 = (a3.AsInt32() + RowStepI8(Vector128.LoadUnsafe(ref w3, c), xl, xh)).AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> SumI32x4(Vector128<float> a0, Vector128<float> a1, Vector128<float> a2, Vector128<float> a3) => HorizontalSums.Sum4(a0.AsInt32(), a1.AsInt32(), a2.AsInt32(), a3.AsInt32());

    /// <summary>
    /// Σ over 16 columns of one row as int32 partial sums: widen w, multiply by widened x, add the low- and high-half
    /// products in int16 (|w·x + w'·x'| ≤ 2·127² = 32258 fits for inputs in [−127, 127], the MatVecI8 contract), widen.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<int> RowStepI8(Vector128<sbyte> wv, Vector128<short> xl, Vector128<short> xh)
    {
        (Vector128<short> wl, Vector128<short> wh) = Vector128.Widen(wv);
        Vector128<short> p = wl * xl + wh * xh;
        return Vector128.WidenLower(p) + Vector128.WidenUpper(p);
    }

    // ISimd64: float64 lanes.
    public static int Count64 { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => 2; }
    public static Vector128<double> Zero64 { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => Vector128<double>.Zero; }
    public static Vector128<double> One64 { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => Vector128<double>.One; }
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Create(double value) => Vector128.Create(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Load(ref double r, nuint i) => Vector128.LoadUnsafe(ref r, i);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector128<double> v, ref double r, nuint i) => v.StoreUnsafe(ref r, i);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void WidenLoad(ref float r, nuint i, out Vector128<double> lo, out Vector128<double> hi) =>
        (lo, hi) = Vector128.Widen(Vector128.LoadUnsafe(ref r, i));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void NarrowStore(Vector128<double> lo, Vector128<double> hi, ref float r, nuint i) =>
        Vector128.Narrow(lo, hi).StoreUnsafe(ref r, i);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Add(Vector128<double> a, Vector128<double> b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Subtract(Vector128<double> a, Vector128<double> b) => a - b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Multiply(Vector128<double> a, Vector128<double> b) => a * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Divide(Vector128<double> a, Vector128<double> b) => a / b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Negate(Vector128<double> a) => -a;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> MultiplyAddEstimate(Vector128<double> a, Vector128<double> b, Vector128<double> c) => Vector128.MultiplyAddEstimate(a, b, c);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Max(Vector128<double> a, Vector128<double> b) => Vector128.Max(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Abs(Vector128<double> a) => Vector128.Abs(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Sum(Vector128<double> a) => Vector128.Sum(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double MaxAcross(Vector128<double> a)
    {
        double m = a.GetElement(0);
        for (int l = 1; l < 2; l++) m = Math.Max(m, a.GetElement(l));
        return m;
    }
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> GreaterThan(Vector128<double> a, Vector128<double> b) => Vector128.GreaterThan(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> LessThan(Vector128<double> a, Vector128<double> b) => Vector128.LessThan(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Equals(Vector128<double> a, Vector128<double> b) => Vector128.Equals(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> ConditionalSelect(Vector128<double> mask, Vector128<double> ifTrue, Vector128<double> ifFalse) => Vector128.ConditionalSelect(mask, ifTrue, ifFalse);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool EqualsAll(Vector128<double> a, Vector128<double> b) => Vector128.EqualsAll(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool GreaterThanOrEqualAll(Vector128<double> a, Vector128<double> b) => Vector128.GreaterThanOrEqualAll(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> MaxNative(Vector128<double> a, Vector128<double> b) => Vector128.MaxNative(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double MaxAcrossNative(Vector128<double> a) => Vector128.MaxNative(a, Vector128.Shuffle(a, Vector128.Create(1L, 0L))).ToScalar();
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool AnyTrue(Vector128<double> mask) => mask.AsUInt64() != Vector128<ulong>.Zero;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Pow2FromRounded(Vector128<double> t) => ((t.AsUInt64() << 52) + Vector128.Create(1023UL << 52)).AsDouble();
}
