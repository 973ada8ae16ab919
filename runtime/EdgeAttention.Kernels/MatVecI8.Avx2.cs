using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EdgeAttention.Kernels;

public static partial class MatVecI8
{
    /// <summary>
    /// x64 AVX2, four rows at a time, 32 columns per step: |x| is computed once per step and shared; for each row
    /// vpsignb gives w·sign(x), vpmaddubsw(|x|, w·sign x) adds adjacent products into int16 (≤ 32258 in magnitude
    /// for inputs in [−127, 127]), vpmaddwd with ones widens pairs to int32, vpaddd accumulates.
    /// Columns mod 32 finish in scalar; leftover rows use the AVX2 dot. Only called when Avx2.IsSupported.
    /// </summary>
    internal static void Avx2Core(ReadOnlySpan<sbyte> w, ReadOnlySpan<float> wScales, ReadOnlySpan<sbyte> qx, float sx, ReadOnlySpan<float> bias, Span<float> y)
    {
        if (!Avx2.IsSupported) { ScalarCore(w, wScales, qx, sx, bias, y); return; }
        int rows = y.Length, cols = qx.Length;
        ref sbyte wr = ref MemoryMarshal.GetReference(w);
        ref sbyte xr = ref MemoryMarshal.GetReference(qx);
        Vector256<short> ones = Vector256.Create((short)1);
        int r = 0;
        for (; r + 4 <= rows; r += 4)
        {
            ref sbyte w0 = ref Unsafe.Add(ref wr, (nint)r * cols);
            ref sbyte w1 = ref Unsafe.Add(ref w0, cols);
            ref sbyte w2 = ref Unsafe.Add(ref w1, cols);
            ref sbyte w3 = ref Unsafe.Add(ref w2, cols);
            Vector256<int> a0 = Vector256<int>.Zero, a1 = a0, a2 = a0, a3 = a0;
            int c = 0;
            for (; c + 32 <= cols; c += 32)
            {
                Vector256<sbyte> xv = Vector256.LoadUnsafe(ref xr, (nuint)c);
                Vector256<byte> ax = Avx2.Abs(xv);
                a0 += Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(ax, Avx2.Sign(Vector256.LoadUnsafe(ref w0, (nuint)c), xv)), ones);
                a1 += Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(ax, Avx2.Sign(Vector256.LoadUnsafe(ref w1, (nuint)c), xv)), ones);
                a2 += Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(ax, Avx2.Sign(Vector256.LoadUnsafe(ref w2, (nuint)c), xv)), ones);
                a3 += Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(ax, Avx2.Sign(Vector256.LoadUnsafe(ref w3, (nuint)c), xv)), ones);
            }
            int s0 = Vector256.Sum(a0), s1 = Vector256.Sum(a1), s2 = Vector256.Sum(a2), s3 = Vector256.Sum(a3);
            for (; c < cols; c++)
            {
                int xc = Unsafe.Add(ref xr, c);
                s0 += Unsafe.Add(ref w0, c) * xc;
                s1 += Unsafe.Add(ref w1, c) * xc;
                s2 += Unsafe.Add(ref w2, c) * xc;
                s3 += Unsafe.Add(ref w3, c) * xc;
            }
            Store(y, r, s0, sx, wScales, bias);
            Store(y, r + 1, s1, sx, wScales, bias);
            Store(y, r + 2, s2, sx, wScales, bias);
            Store(y, r + 3, s3, sx, wScales, bias);
        }
        RemainingRows(KernelVariant.Avx2, r, w, wScales, qx, sx, bias, y);
    }
}
