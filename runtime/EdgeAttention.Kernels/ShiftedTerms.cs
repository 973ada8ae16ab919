using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace EdgeAttention.Kernels;

/// <summary>What <see cref="ShiftedTerms.Slide(ReadOnlySpan{double}, Span{double}, Span{double}, Span{double}, Span{double}, Span{double}, Span{double}, Span{double}, Span{double}, double)"/> saw over all rows.</summary>
[Flags]
public enum SlideOutcome
{
    /// <summary>No row's shift moved, no row fell below the rebuild ratio.</summary>
    None = 0,
    /// <summary>Some row's reference shift moved (its factor is not 1).</summary>
    ShiftMoved = 1,
    /// <summary>Some row's sum fell below ratio·peak (or is not a positive number): rebuild it exactly.</summary>
    Cancellation = 2,
}

/// <summary>
/// The scalar part of sliding m running softmax sums kept in shifted exponent space (online softmax) by one token,
/// all rows at once, row j being one lane: with s_j the arriving key's score and c_j the row's shift,
///   leaving_j = termCache_j · exp(shiftCache_j − c_j) (the leaving key's term as it sits in the sums now);
///   s_j &gt; c_j: factor_j = exp(c_j − s_j), arriving_j = 1, c_j ← s_j;  else factor_j = 1, arriving_j = exp(s_j − c_j);
///   leaving_j ·= factor_j;  φ_j ← φ_j·factor_j + arriving_j;  peak_j ← max(peak_j·factor_j, φ_j);  φ_j ← φ_j − leaving_j;
///   termCache_j ← arriving_j, shiftCache_j ← c_j (the arriving key's cache entry).
/// The caller then updates the value sums with <see cref="Rank2Update"/> (acc_j ← factor_j·acc_j + arriving_j·v − leaving_j·v_old).
/// Every span has m elements (termCache/shiftCache: the leaving slot's entries, overwritten by the arriving key's).
/// </summary>
public static partial class ShiftedTerms
{
    /// <summary>Slides all m rows (dispatched variant); see the class summary. rebuildRatio: cancellation threshold.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static SlideOutcome Slide(ReadOnlySpan<double> s, Span<double> shift, Span<double> phi, Span<double> peak, Span<double> termCache, Span<double> shiftCache,
        Span<double> leaving, Span<double> factor, Span<double> arriving, double rebuildRatio)
    {
        Check(s.Length, shift.Length, phi.Length, peak.Length, termCache.Length, shiftCache.Length, leaving.Length, factor.Length, arriving.Length);
        return Run(KernelDispatch.Float32, s, shift, phi, peak, termCache, shiftCache, leaving, factor, arriving, rebuildRatio);
    }

    /// <summary>ShiftedTerms.Slide with an explicit variant.</summary>
    public static SlideOutcome Slide(KernelVariant variant, ReadOnlySpan<double> s, Span<double> shift, Span<double> phi, Span<double> peak, Span<double> termCache,
        Span<double> shiftCache, Span<double> leaving, Span<double> factor, Span<double> arriving, double rebuildRatio)
    {
        KernelDispatch.RequireFloat32(variant, "ShiftedTerms.Slide");
        Check(s.Length, shift.Length, phi.Length, peak.Length, termCache.Length, shiftCache.Length, leaving.Length, factor.Length, arriving.Length);
        return Run(variant, s, shift, phi, peak, termCache, shiftCache, leaving, factor, arriving, rebuildRatio);
    }

    /// <summary>Every span has s.Length elements: one combined comparison on the fast path (this runs per head and step).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Check(int m, int shift, int phi, int peak, int termCache, int shiftCache, int leaving, int factor, int arriving)
    {
        if (((shift ^ m) | (phi ^ m) | (peak ^ m) | (termCache ^ m) | (shiftCache ^ m) | (leaving ^ m) | (factor ^ m) | (arriving ^ m)) != 0)
            ThrowLengths(m, [shift, phi, peak, termCache, shiftCache, leaving, factor, arriving]);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowLengths(int m, ReadOnlySpan<int> others)
    {
        foreach (int o in others) KernelChecks.SameLength(o, m, "ShiftedTerms.Slide", "a row span", "s");
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static SlideOutcome Run(KernelVariant variant, ReadOnlySpan<double> s, Span<double> shift, Span<double> phi, Span<double> peak, Span<double> termCache,
        Span<double> shiftCache, Span<double> leaving, Span<double> factor, Span<double> arriving, double ratio) => variant switch
        {
            KernelVariant.Vector256 => PortableCore<W256, Vector256<double>>(s, shift, phi, peak, termCache, shiftCache, leaving, factor, arriving, ratio),
            KernelVariant.Vector128 => PortableCore<W128, Vector128<double>>(s, shift, phi, peak, termCache, shiftCache, leaving, factor, arriving, ratio),
            _ => ScalarCore(s, shift, phi, peak, termCache, shiftCache, leaving, factor, arriving, ratio, 0, SlideOutcome.None),
        };
}
