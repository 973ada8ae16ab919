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
}
