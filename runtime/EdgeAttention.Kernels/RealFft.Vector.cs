using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace EdgeAttention.Kernels;

public static partial class RealFft
{
    // The FFT stages are float64 (see the type summary): the two variants are one generic method over the float64
    // lanes of the portable widths (ISimd64: W128 = Vector128<double>, 2 lanes; W256 = Vector256<double>, 4 lanes),
    // specialised per struct argument like the ISimd kernels.

    internal static void Vector128Stages(ReadOnlySpan<double> stageTwiddles, Span<double> re, Span<double> im) => VectorStages<W128, Vector128<double>>(stageTwiddles, re, im);

    internal static void Vector256Stages(ReadOnlySpan<double> stageTwiddles, Span<double> re, Span<double> im) => VectorStages<W256, Vector256<double>>(stageTwiddles, re, im);

    /// <summary>
    /// The stages of <see cref="ScalarStages"/> with Count butterflies per step for every stage whose half-size h ≥ Count
    /// (j runs over contiguous table entries and contiguous a, a+h); the first stages (h &lt; Count) run the scalar code.
    /// Same operations in the same order as the scalar reference (no fused multiply-add), lane by lane.
    /// </summary>
    private static void VectorStages<TL, TV>(ReadOnlySpan<double> stageTwiddles, Span<double> re, Span<double> im) where TL : struct, ISimd64<TV> where TV : struct
    {
        int m = re.Length, w = TL.Count64;
        int half = stageTwiddles.Length / 2;
        ScalarStages(stageTwiddles, re, im, 1, Math.Min(w, m));
        if (w >= m) return;
        ref double rr = ref MemoryMarshal.GetReference(re);
        ref double ir = ref MemoryMarshal.GetReference(im);
        ref double wr = ref MemoryMarshal.GetReference(stageTwiddles);
        ref double wi = ref MemoryMarshal.GetReference(stageTwiddles[half..]);
        for (int h = w; h < m; h *= 2)
        {
            for (int s = 0; s < m; s += 2 * h)
            {
                for (int j = 0; j < h; j += w)
                {
                    nuint a = (nuint)(s + j), b = a + (nuint)h, t = (nuint)(h - 1 + j);
                    TV cr = TL.Load(ref wr, t), ci = TL.Load(ref wi, t);
                    TV brv = TL.Load(ref rr, b), biv = TL.Load(ref ir, b);
                    TV tr = TL.Subtract(TL.Multiply(cr, brv), TL.Multiply(ci, biv));
                    TV ti = TL.Add(TL.Multiply(cr, biv), TL.Multiply(ci, brv));
                    TV arv = TL.Load(ref rr, a), aiv = TL.Load(ref ir, a);
                    TL.Store(TL.Subtract(arv, tr), ref rr, b);
                    TL.Store(TL.Subtract(aiv, ti), ref ir, b);
                    TL.Store(TL.Add(arv, tr), ref rr, a);
                    TL.Store(TL.Add(aiv, ti), ref ir, a);
                }
            }
        }
    }
}
