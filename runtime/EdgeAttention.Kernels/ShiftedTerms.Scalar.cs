namespace EdgeAttention.Kernels;

public static partial class ShiftedTerms
{
    /// <summary>Reference: the class summary's formulas row by row from row <paramref name="from"/> (Math.Exp), or-ing into outcome.</summary>
    internal static SlideOutcome ScalarCore(ReadOnlySpan<double> s, Span<double> shift, Span<double> phi, Span<double> peak, Span<double> termCache,
        Span<double> shiftCache, Span<double> leaving, Span<double> factor, Span<double> arriving, double ratio, int from, SlideOutcome outcome)
    {
        for (int j = from; j < s.Length; j++)
        {
            double sj = s[j], c = shift[j], e0 = termCache[j];
            if (shiftCache[j] != c) e0 *= Math.Exp(shiftCache[j] - c);
            double f = 1.0, eNew;
            if (sj > c) { f = Math.Exp(c - sj); eNew = 1.0; outcome |= SlideOutcome.ShiftMoved; shift[j] = sj; }
            else
            {
                eNew = Math.Exp(sj - c);
            }

            e0 *= f;
            double p = phi[j] * f + eNew, pk = Math.Max(peak[j] * f, p);
            p -= e0;
            if (!(p >= ratio * pk)) outcome |= SlideOutcome.Cancellation;
            phi[j] = p; peak[j] = pk;
            leaving[j] = e0; factor[j] = f; arriving[j] = eNew;
            termCache[j] = eNew; shiftCache[j] = shift[j];
        }
        return outcome;
    }
}
