using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace EdgeAttention.Kernels;

public static partial class ShiftedTerms
{
    /// <summary>
    /// Count64 rows per step as lanes (<see cref="Exp64.Lanes{TW, TD}"/> for the exponentials; the leaving term's
    /// rescale only when some lane's shift moved since it was cached), the last m mod Count64 rows by the reference.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static SlideOutcome PortableCore<TW, TD>(ReadOnlySpan<double> s, Span<double> shift, Span<double> phi, Span<double> peak, Span<double> termCache,
        Span<double> shiftCache, Span<double> leaving, Span<double> factor, Span<double> arriving, double ratio) where TW : struct, ISimd64<TD> where TD : struct
    {
        int m = s.Length, w = TW.Count64, mv = m - m % w;
        ref double sr = ref MemoryMarshal.GetReference(s);
        ref double cr = ref MemoryMarshal.GetReference(shift);
        ref double phir = ref MemoryMarshal.GetReference(phi);
        ref double peakr = ref MemoryMarshal.GetReference(peak);
        ref double ke = ref MemoryMarshal.GetReference(termCache);
        ref double kc = ref MemoryMarshal.GetReference(shiftCache);
        ref double lr = ref MemoryMarshal.GetReference(leaving);
        ref double fr = ref MemoryMarshal.GetReference(factor);
        ref double ar = ref MemoryMarshal.GetReference(arriving);
        bool anyShift = false, anyBad = false;
        TD one = TW.One64, vratio = TW.Create(ratio);
        for (int j0 = 0; j0 < mv; j0 += w)
        {
            nuint o = (nuint)j0;
            TD sv = TW.Load(ref sr, o), c = TW.Load(ref cr, o);
            TD e0 = TW.Load(ref ke, o), c0 = TW.Load(ref kc, o);
            if (!TW.EqualsAll(c0, c)) e0 = TW.ConditionalSelect(TW.Equals(c0, c), e0, TW.Multiply(e0, Exp64.Lanes<TW, TD>(TW.Subtract(c0, c))));
            TD up = TW.GreaterThan(sv, c);
            TD ex = Exp64.Lanes<TW, TD>(TW.Negate(TW.Abs(TW.Subtract(sv, c))));
            TD f = TW.ConditionalSelect(up, ex, one), eNew = TW.ConditionalSelect(up, one, ex);
            if (TW.AnyTrue(up)) anyShift = true;
            TD cNew = TW.ConditionalSelect(up, sv, c);
            e0 = TW.Multiply(e0, f);
            TD p = TW.Add(TW.Multiply(TW.Load(ref phir, o), f), eNew);
            TD pk = TW.Max(TW.Multiply(TW.Load(ref peakr, o), f), p);
            p = TW.Subtract(p, e0);
            if (!TW.GreaterThanOrEqualAll(p, TW.Multiply(vratio, pk))) anyBad = true;
            TW.Store(p, ref phir, o); TW.Store(pk, ref peakr, o); TW.Store(cNew, ref cr, o);
            TW.Store(e0, ref lr, o); TW.Store(f, ref fr, o); TW.Store(eNew, ref ar, o);
            TW.Store(eNew, ref ke, o); TW.Store(cNew, ref kc, o);
        }
        SlideOutcome outcome = (anyShift ? SlideOutcome.ShiftMoved : SlideOutcome.None) | (anyBad ? SlideOutcome.Cancellation : SlideOutcome.None);
        if (mv == m) return outcome;   // no rows left: skip the call (ten spans passed on the stack, once per head and step)
        return ScalarCore(s, shift, phi, peak, termCache, shiftCache, leaving, factor, arriving, ratio, mv, outcome);
    }
}
