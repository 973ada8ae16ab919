using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EdgeAttention.Kernels;

public static partial class MatVecI8
{
    /// <summary>
    /// x64 SSSE3 (pre-AVX2 CPUs, and the default x64 NativeAOT build where AVX2 is folded off), four rows at a time
    /// (<see cref="Rows4Core{TStep, TAcc}"/>), 16 columns per step, with the sign trick of <see cref="Ssse3Bytes"/>
    /// (signs of x moved onto the weights): |x| is computed once per step and shared by the four rows. Integer sums
    /// are exact, so results are bit-identical with the scalar reference. Leftover rows via the SSSE3 dot. Only called
    /// when Ssse3.IsSupported.
    /// </summary>
    internal static void Ssse3Core(ReadOnlySpan<sbyte> w, ReadOnlySpan<float> wScales, ReadOnlySpan<sbyte> qx, float sx, ReadOnlySpan<float> bias, Span<float> y)
    {
        if (!Ssse3.IsSupported) { ScalarCore(w, wScales, qx, sx, bias, y); return; }
        Rows4Core<Ssse3Step, Vector128<int>>(KernelVariant.Ssse3, w, wScales, qx, sx, bias, y);
    }

    private readonly struct Ssse3Step : IRows4Step<Vector128<int>>
    {
        public static int Step { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => 16; }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Accumulate(ref sbyte x, ref sbyte w0, ref sbyte w1, ref sbyte w2, ref sbyte w3, nuint c,
                                      ref Vector128<int> a0, ref Vector128<int> a1, ref Vector128<int> a2, ref Vector128<int> a3)
        {
            Vector128<sbyte> xv = Vector128.LoadUnsafe(ref x, c);
            Vector128<sbyte> ax = Ssse3Bytes.Abs(xv);
            a0 = Ssse3Bytes.MultiplyAdd(a0, ax, xv, Vector128.LoadUnsafe(ref w0, c));
            a1 = Ssse3Bytes.MultiplyAdd(a1, ax, xv, Vector128.LoadUnsafe(ref w1, c));
            a2 = Ssse3Bytes.MultiplyAdd(a2, ax, xv, Vector128.LoadUnsafe(ref w2, c));
            a3 = Ssse3Bytes.MultiplyAdd(a3, ax, xv, Vector128.LoadUnsafe(ref w3, c));
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<int> Sum4(Vector128<int> a0, Vector128<int> a1, Vector128<int> a2, Vector128<int> a3) =>
            HorizontalSums.Sum4(a0, a1, a2, a3);
    }
}
