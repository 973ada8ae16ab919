using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace EdgeAttention.Kernels;

/// <summary>
/// <see cref="ISimd{TSelf}"/> over Vector256&lt;float&gt; (8 float lanes): the width used by the Vector256 variants.
/// Every member is one or a few Vector256 calls, aggressively inlined.
/// </summary>
internal readonly struct W256 : ISimd<W256>
{
    /// <summary>The lanes; int8 dot accumulators keep int32 lanes in these bits (free reinterpret).</summary>
    public readonly Vector256<float> V;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public W256(Vector256<float> v) => V = v;

    public static int Count { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => 8; }
    public static KernelVariant Variant { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => KernelVariant.Vector256; }
    public static int BytesPerStep { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => 32; }
    public static W256 Zero { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => new(Vector256<float>.Zero); }
    public static W256 One { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => new(Vector256<float>.One); }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W256 Create(float value) => new(Vector256.Create(value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W256 Load(ref float r, nuint i) => new(Vector256.LoadUnsafe(ref r, i));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Store(ref float r, nuint i) => V.StoreUnsafe(ref r, i);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W256 operator +(W256 a, W256 b) => new(a.V + b.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W256 operator -(W256 a, W256 b) => new(a.V - b.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W256 operator *(W256 a, W256 b) => new(a.V * b.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W256 operator /(W256 a, W256 b) => new(a.V / b.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W256 MultiplyAddEstimate(W256 a, W256 b, W256 c) => new(Vector256.MultiplyAddEstimate(a.V, b.V, c.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W256 Max(W256 a, W256 b) => new(Vector256.Max(a.V, b.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W256 Abs(W256 a) => new(Vector256.Abs(a.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W256 Exp(W256 a) => new(Vector256.Exp(a.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W256 SelectNonNegative(W256 cond, W256 ifTrue, W256 ifFalse) =>
        new(Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(cond.V, Vector256<float>.Zero), ifTrue.V, ifFalse.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(W256 a) => Vector256.Sum(a.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float MaxAcross(W256 a) => HorizontalSums.Max(a.V);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void QuantizeBlock(ref float x, nuint i, W256 inv, ref sbyte q)
    {
        Vector256<int> lo = Vector256.Create(-127), hi = Vector256.Create(127);
        Vector256<int> i0 = Vector256.Clamp(Vector256.ConvertToInt32(Vector256.Round(Vector256.LoadUnsafe(ref x, i) * inv.V)), lo, hi);
        Vector256<int> i1 = Vector256.Clamp(Vector256.ConvertToInt32(Vector256.Round(Vector256.LoadUnsafe(ref x, i + 8) * inv.V)), lo, hi);
        Vector256<int> i2 = Vector256.Clamp(Vector256.ConvertToInt32(Vector256.Round(Vector256.LoadUnsafe(ref x, i + 16) * inv.V)), lo, hi);
        Vector256<int> i3 = Vector256.Clamp(Vector256.ConvertToInt32(Vector256.Round(Vector256.LoadUnsafe(ref x, i + 24) * inv.V)), lo, hi);
        Vector256.Narrow(Vector256.Narrow(i0, i1), Vector256.Narrow(i2, i3)).StoreUnsafe(ref q, i);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void DotI8Step(ref sbyte x, ref sbyte y, nuint i, ref W256 lo, ref W256 hi)
    {
        (Vector256<short> xl, Vector256<short> xh) = Vector256.Widen(Vector256.LoadUnsafe(ref x, i));
        (Vector256<short> yl, Vector256<short> yh) = Vector256.Widen(Vector256.LoadUnsafe(ref y, i));
        Vector256<short> pl = xl * yl, ph = xh * yh;
        lo = new((lo.V.AsInt32() + Vector256.WidenLower(pl) + Vector256.WidenUpper(pl)).AsSingle());
        hi = new((hi.V.AsInt32() + Vector256.WidenLower(ph) + Vector256.WidenUpper(ph)).AsSingle());
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int SumI32(W256 lo, W256 hi) => Vector256.Sum(lo.V.AsInt32() + hi.V.AsInt32());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void MatVecI8Step4(ref sbyte x, ref sbyte w0, ref sbyte w1, ref sbyte w2, ref sbyte w3, nuint c,
                                     ref W256 a0, ref W256 a1, ref W256 a2, ref W256 a3)
    {
        (Vector256<short> xl, Vector256<short> xh) = Vector256.Widen(Vector256.LoadUnsafe(ref x, c));
        a0 = new((a0.V.AsInt32() + RowStepI8(Vector256.LoadUnsafe(ref w0, c), xl, xh)).AsSingle());
        a1 = new((a1.V.AsInt32() + RowStepI8(Vector256.LoadUnsafe(ref w1, c), xl, xh)).AsSingle());
        a2 = new((a2.V.AsInt32() + RowStepI8(Vector256.LoadUnsafe(ref w2, c), xl, xh)).AsSingle());
        a3 = new((a3.V.AsInt32() + RowStepI8(Vector256.LoadUnsafe(ref w3, c), xl, xh)).AsSingle());
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> SumI32x4(W256 a0, W256 a1, W256 a2, W256 a3) => HorizontalSums.Sum4(Halves(a0), Halves(a1), Halves(a2), Halves(a3));

    /// <summary>Σ over 32 columns of one row as int32 partial sums: widen w, multiply by widened x, widen products.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> RowStepI8(Vector256<sbyte> wv, Vector256<short> xl, Vector256<short> xh)
    {
        (Vector256<short> wl, Vector256<short> wh) = Vector256.Widen(wv);
        Vector256<short> pl = wl * xl, ph = wh * xh;
        return (Vector256.WidenLower(pl) + Vector256.WidenUpper(pl)) + (Vector256.WidenLower(ph) + Vector256.WidenUpper(ph));
    }

    /// <summary>The int32 lanes of a folded to four: lower half + upper half (exact).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<int> Halves(W256 a) => a.V.GetLower().AsInt32() + a.V.GetUpper().AsInt32();
}
