using System.Runtime.InteropServices;

namespace EdgeAttention.Kernels;

public static partial class RealFft
{
    /// <summary>
    /// The stages of <see cref="ScalarStages"/> with Count butterflies per step for every stage whose half-size h ≥ Count
    /// (j runs over contiguous table entries and contiguous a, a+h); the first stages (h &lt; Count) run the scalar code.
    /// Vector128 variant: (TW, TV) = (<see cref="W128"/>, Vector128&lt;float&gt;); Vector256: (<see cref="W256"/>, Vector256&lt;float&gt;).
    /// </summary>
    internal static void PortableStages<TW, TV>(ReadOnlySpan<float> stageTwiddles, Span<float> re, Span<float> im) where TW : struct, ISimd<TV> where TV : struct
    {
        int m = re.Length, w = TW.Count;
        int half = stageTwiddles.Length / 2;
        int firstVector = 1;
        while (firstVector < w) firstVector *= 2;
        // Small stages (h < Count) are scalar: their butterflies are not contiguous runs of Count.
        ScalarStages(stageTwiddles, re, im, 1, Math.Min(firstVector, m));
        if (firstVector >= m) return;
        ref float rr = ref MemoryMarshal.GetReference(re);
        ref float ir = ref MemoryMarshal.GetReference(im);
        ref float wr = ref MemoryMarshal.GetReference(stageTwiddles);
        ref float wi = ref MemoryMarshal.GetReference(stageTwiddles[half..]);
        for (int h = firstVector; h < m; h *= 2)
            for (int s = 0; s < m; s += 2 * h)
                for (int j = 0; j < h; j += w)
                {
                    nuint a = (nuint)(s + j), b = a + (nuint)h, t = (nuint)(h - 1 + j);
                    TV cr = TW.Load(ref wr, t), ci = TW.Load(ref wi, t);
                    TV brv = TW.Load(ref rr, b), biv = TW.Load(ref ir, b);
                    TV tr = TW.Subtract(TW.Multiply(cr, brv), TW.Multiply(ci, biv));
                    TV ti = TW.Add(TW.Multiply(cr, biv), TW.Multiply(ci, brv));
                    TV arv = TW.Load(ref rr, a), aiv = TW.Load(ref ir, a);
                    TW.Store(TW.Subtract(arv, tr), ref rr, b);
                    TW.Store(TW.Subtract(aiv, ti), ref ir, b);
                    TW.Store(TW.Add(arv, tr), ref rr, a);
                    TW.Store(TW.Add(aiv, ti), ref ir, a);
                }
    }
}
