using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace EdgeAttention.Kernels;

public static partial class MatVecI8
{
    /// <summary>
    /// Portable int8 matvec, four rows at a time (<see cref="Rows4Core{TStep, TAcc}"/>), TW.BytesPerStep columns per
    /// step (16 for <see cref="W128"/>, 32 for <see cref="W256"/>): x is sign-extended to int16 once per step and
    /// shared; for each row the int8 weights are sign-extended, multiplied in int16 (exact) and the products
    /// sign-extended into int32 accumulators (<see cref="ISimd{TSelf}.MatVecI8Step4"/>).
    /// </summary>
    internal static void PortableCore<TW>(ReadOnlySpan<sbyte> w, ReadOnlySpan<float> wScales, ReadOnlySpan<sbyte> qx, float sx, ReadOnlySpan<float> bias, Span<float> y)
        where TW : struct, ISimd<TW> =>
        Rows4Core<PortableStep<TW>, TW>(TW.Variant, w, wScales, qx, sx, bias, y);

    /// <summary>The four-row step of the portable variants: the width's <see cref="ISimd{TSelf}.MatVecI8Step4"/>.</summary>
    private readonly struct PortableStep<TW> : IRows4Step<TW> where TW : struct, ISimd<TW>
    {
        public static int Step { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => TW.BytesPerStep; }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Accumulate(ref sbyte x, ref sbyte w0, ref sbyte w1, ref sbyte w2, ref sbyte w3, nuint c,
                                      ref TW a0, ref TW a1, ref TW a2, ref TW a3) =>
            TW.MatVecI8Step4(ref x, ref w0, ref w1, ref w2, ref w3, c, ref a0, ref a1, ref a2, ref a3);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<int> Sum4(TW a0, TW a1, TW a2, TW a3) => TW.SumI32x4(a0, a1, a2, a3);
    }
}
