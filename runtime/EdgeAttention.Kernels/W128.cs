using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace EdgeAttention.Kernels;

/// <summary>
/// <see cref="ISimd{TSelf}"/> over Vector128&lt;float&gt; (4 float lanes): the width used by the Vector128 variants.
/// Every member is one or a few Vector128 calls, aggressively inlined.
/// </summary>
internal readonly struct W128 : ISimd<W128>
{
    /// <summary>The lanes; int8 dot accumulators keep int32 lanes in these bits (free reinterpret).</summary>
    public readonly Vector128<float> V;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public W128(Vector128<float> v) => V = v;

    public static int Count { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => 4; }
    public static KernelVariant Variant { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => KernelVariant.Vector128; }
    public static int BytesPerStep { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => 16; }
    public static W128 Zero { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => new(Vector128<float>.Zero); }
    public static W128 One { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => new(Vector128<float>.One); }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W128 Create(float value) => new(Vector128.Create(value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W128 Load(ref float r, nuint i) => new(Vector128.LoadUnsafe(ref r, i));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Store(ref float r, nuint i) => V.StoreUnsafe(ref r, i);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W128 operator +(W128 a, W128 b) => new(a.V + b.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W128 operator -(W128 a, W128 b) => new(a.V - b.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W128 operator *(W128 a, W128 b) => new(a.V * b.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W128 operator /(W128 a, W128 b) => new(a.V / b.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W128 MultiplyAddEstimate(W128 a, W128 b, W128 c) => new(Vector128.MultiplyAddEstimate(a.V, b.V, c.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W128 Max(W128 a, W128 b) => new(Vector128.Max(a.V, b.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W128 Abs(W128 a) => new(Vector128.Abs(a.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W128 Exp(W128 a) => new(Vector128.Exp(a.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W128 SelectNonNegative(W128 cond, W128 ifTrue, W128 ifFalse) =>
        new(Vector128.ConditionalSelect(Vector128.GreaterThanOrEqual(cond.V, Vector128<float>.Zero), ifTrue.V, ifFalse.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(W128 a) => Vector128.Sum(a.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float MaxAcross(W128 a) => HorizontalSums.Max(a.V);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void QuantizeBlock(ref float x, nuint i, W128 inv, ref sbyte q)
    {
        Vector128<int> lo = Vector128.Create(-127), hi = Vector128.Create(127);
        Vector128<int> i0 = Vector128.Clamp(Vector128.ConvertToInt32(Vector128.Round(Vector128.LoadUnsafe(ref x, i) * inv.V)), lo, hi);
        Vector128<int> i1 = Vector128.Clamp(Vector128.ConvertToInt32(Vector128.Round(Vector128.LoadUnsafe(ref x, i + 4) * inv.V)), lo, hi);
        Vector128<int> i2 = Vector128.Clamp(Vector128.ConvertToInt32(Vector128.Round(Vector128.LoadUnsafe(ref x, i + 8) * inv.V)), lo, hi);
        Vector128<int> i3 = Vector128.Clamp(Vector128.ConvertToInt32(Vector128.Round(Vector128.LoadUnsafe(ref x, i + 12) * inv.V)), lo, hi);
        Vector128.Narrow(Vector128.Narrow(i0, i1), Vector128.Narrow(i2, i3)).StoreUnsafe(ref q, i);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void DotI8Step(ref sbyte x, ref sbyte y, nuint i, ref W128 lo, ref W128 hi)
    {
        (Vector128<short> xl, Vector128<short> xh) = Vector128.Widen(Vector128.LoadUnsafe(ref x, i));
        (Vector128<short> yl, Vector128<short> yh) = Vector128.Widen(Vector128.LoadUnsafe(ref y, i));
        Vector128<short> pl = xl * yl, ph = xh * yh;
        lo = new((lo.V.AsInt32() + Vector128.WidenLower(pl) + Vector128.WidenUpper(pl)).AsSingle());
        hi = new((hi.V.AsInt32() + Vector128.WidenLower(ph) + Vector128.WidenUpper(ph)).AsSingle());
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int SumI32(W128 lo, W128 hi) => Vector128.Sum(lo.V.AsInt32() + hi.V.AsInt32());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void MatVecI8Step4(ref sbyte x, ref sbyte w0, ref sbyte w1, ref sbyte w2, ref sbyte w3, nuint c,
                                     ref W128 a0, ref W128 a1, ref W128 a2, ref W128 a3)
    {
        (Vector128<short> xl, Vector128<short> xh) = Vector128.Widen(Vector128.LoadUnsafe(ref x, c));
        a0 = new((a0.V.AsInt32() + RowStepI8(Vector128.LoadUnsafe(ref w0, c), xl, xh)).AsSingle());
        a1 = new((a1.V.AsInt32() + RowStepI8(Vector128.LoadUnsafe(ref w1, c), xl, xh)).AsSingle());
        a2 = new((a2.V.AsInt32() + RowStepI8(Vector128.LoadUnsafe(ref w2, c), xl, xh)).AsSingle());
        a3 = new((a3.V.AsInt32() + RowStepI8(Vector128.LoadUnsafe(ref w3, c), xl, xh)).AsSingle());
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> SumI32x4(W128 a0, W128 a1, W128 a2, W128 a3) => HorizontalSums.Sum4(a0.V.AsInt32(), a1.V.AsInt32(), a2.V.AsInt32(), a3.V.AsInt32());

    /// <summary>Σ over 16 columns of one row as int32 partial sums: widen w, multiply by widened x, widen products.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<int> RowStepI8(Vector128<sbyte> wv, Vector128<short> xl, Vector128<short> xh)
    {
        (Vector128<short> wl, Vector128<short> wh) = Vector128.Widen(wv);
        Vector128<short> pl = wl * xl, ph = wh * xh;
        return (Vector128.WidenLower(pl) + Vector128.WidenUpper(pl)) + (Vector128.WidenLower(ph) + Vector128.WidenUpper(ph));
    }
}
