using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace EdgeAttention.Kernels;

public static partial class MatVecI8
{
    /// <summary>
    /// Portable int8 matvec, four rows at a time (<see cref="Rows4Core{TStep, TAcc}"/>), TW.BytesPerStep columns per
    /// step (16 for <see cref="W128"/>, 32 for <see cref="W256"/>): x is sign-extended to int16 once per step and
    /// shared; for each row the int8 weights are sign-extended, multiplied in int16 (exact) and the products
    /// sign-extended into int32 accumulators (<see cref="ISimd{TV}.MatVecI8Step4"/>).
    /// </summary>
    internal static void PortableCore<TW, TV>(ReadOnlySpan<sbyte> w, ReadOnlySpan<float> wScales, ReadOnlySpan<sbyte> qx, float sx, ReadOnlySpan<float> bias, Span<float> y)
        where TW : struct, ISimd<TV> where TV : struct =>
        Rows4Core<PortableStep<TW, TV>, TV>(TW.Variant, w, wScales, qx, sx, bias, y);

    /// <summary>The four-row step of the portable variants: the width's <see cref="ISimd{TV}.MatVecI8Step4"/>.</summary>
    private readonly struct PortableStep<TW, TV> : IRows4Step<TV> where TW : struct, ISimd<TV> where TV : struct
    {
        public static int Step { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => TW.BytesPerStep; }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Accumulate(ref sbyte x, ref sbyte w0, ref sbyte w1, ref sbyte w2, ref sbyte w3, nuint c,
                                      ref TV a0, ref TV a1, ref TV a2, ref TV a3) =>
            TW.MatVecI8Step4(ref x, ref w0, ref w1, ref w2, ref w3, c, ref a0, ref a1, ref a2, ref a3);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<int> Sum4(TV a0, TV a1, TV a2, TV a3) => TW.SumI32x4(a0, a1, a2, a3);
    }
}
