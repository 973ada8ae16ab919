using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EdgeAttention.Kernels;

public static partial class MatVecI8
{
    /// <summary>
    /// x64 SSSE3 (pre-AVX2 CPUs, and the default x64 NativeAOT build where AVX2 is folded off), four rows at a time
    /// (<see cref="Rows4Core{TStep, TAcc}"/>), 16 columns per step. pmaddubsw multiplies unsigned by signed bytes, so
    /// the signs are moved onto the weights: |x| (pabsb) is computed once per step and shared by the four rows; for
    /// each row psignb gives w·sign(x), pmaddubsw(|x|, w·sign x) adds adjacent products into int16 (|pair| ≤ 2·127² =
    /// 32258, no saturation for inputs in [−127, 127]) and pmaddwd with ones widens pairs into int32 (SSE2); paddd
    /// accumulates. Integer sums are exact, so results are bit-identical with the scalar reference. Leftover rows via
    /// the SSSE3 dot. Only called when Ssse3.IsSupported.
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
            Vector128<short> ones = Vector128.Create((short)1);
            Vector128<sbyte> xv = Vector128.LoadUnsafe(ref x, c);
            Vector128<byte> ax = Ssse3.Abs(xv);
            a0 += Sse2.MultiplyAddAdjacent(Ssse3.MultiplyAddAdjacent(ax, Ssse3.Sign(Vector128.LoadUnsafe(ref w0, c), xv)), ones);
            a1 += Sse2.MultiplyAddAdjacent(Ssse3.MultiplyAddAdjacent(ax, Ssse3.Sign(Vector128.LoadUnsafe(ref w1, c), xv)), ones);
            a2 += Sse2.MultiplyAddAdjacent(Ssse3.MultiplyAddAdjacent(ax, Ssse3.Sign(Vector128.LoadUnsafe(ref w2, c), xv)), ones);
            a3 += Sse2.MultiplyAddAdjacent(Ssse3.MultiplyAddAdjacent(ax, Ssse3.Sign(Vector128.LoadUnsafe(ref w3, c), xv)), ones);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<int> Sum4(Vector128<int> a0, Vector128<int> a1, Vector128<int> a2, Vector128<int> a3) =>
            HorizontalSums.Sum4(a0, a1, a2, a3);
    }
}
