using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace EdgeAttention.Kernels;

public static partial class Exp64
{
    private const double Log2E = 1.4426950408889634;
    private const double Ln2Hi = 6.93147180369123816490e-01, Ln2Lo = 1.90821492927058770002e-10;
    private const double Magic = 6755399441055744.0;   // 1.5·2^52: adding it rounds to an integer in the low mantissa bits

    /// <summary>y[i] = exp(x[i]), Count64 lanes per step with <see cref="Lanes{TW, TD}"/>, Math.Exp tail. x may be y.</summary>
    internal static void PortableCore<TW, TD>(ReadOnlySpan<double> x, Span<double> y) where TW : struct, ISimd64<TD> where TD : struct
    {
        int n = x.Length, w = TW.Count64, i = 0;
        ref double xr = ref MemoryMarshal.GetReference(x);
        ref double yr = ref MemoryMarshal.GetReference(y);
        for (; i + w <= n; i += w) TW.Store(Lanes<TW, TD>(TW.Load(ref xr, (nuint)i)), ref yr, (nuint)i);
        for (; i < n; i++) y[i] = Math.Exp(x[i]);
    }

    /// <summary>
    /// Inlined float64 vector exp for arguments ≤ 0 (a library vector Exp is a call per vector; this is ~20 vector ops):
    /// exp(x) = 2^k · P(r), k = round(x·log₂e), r = x − k·ln2 (Cody–Waite split, |r| ≤ ln2/2),
    /// P = Taylor polynomial of degree 9 (truncation |r|¹⁰/10! ≤ 7·10⁻¹² relative; tests bound the error vs Math.Exp by
    /// 10⁻¹¹). x &lt; −708 (2^k would be subnormal) gives 0; NaN gives NaN.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TD Lanes<TW, TD>(TD x) where TW : struct, ISimd64<TD> where TD : struct
    {
        TD magic = TW.Create(Magic);
        TD t = TW.Add(TW.Multiply(x, TW.Create(Log2E)), magic);
        TD kd = TW.Subtract(t, magic);
        TD r = TW.Subtract(TW.Subtract(x, TW.Multiply(kd, TW.Create(Ln2Hi))), TW.Multiply(kd, TW.Create(Ln2Lo)));
        TD p = TW.Create(1.0 / 362880);                                            // 1/9!
        p = TW.MultiplyAddEstimate(p, r, TW.Create(1.0 / 40320));
        p = TW.MultiplyAddEstimate(p, r, TW.Create(1.0 / 5040));
        p = TW.MultiplyAddEstimate(p, r, TW.Create(1.0 / 720));
        p = TW.MultiplyAddEstimate(p, r, TW.Create(1.0 / 120));
        p = TW.MultiplyAddEstimate(p, r, TW.Create(1.0 / 24));
        p = TW.MultiplyAddEstimate(p, r, TW.Create(1.0 / 6));
        p = TW.MultiplyAddEstimate(p, r, TW.Create(0.5));
        p = TW.MultiplyAddEstimate(p, r, TW.One64);
        p = TW.MultiplyAddEstimate(p, r, TW.One64);
        TD e = TW.Multiply(p, TW.Pow2FromRounded(t));
        e = TW.ConditionalSelect(TW.LessThan(x, TW.Create(-708.0)), TW.Zero64, e);
        return TW.ConditionalSelect(TW.Equals(x, x), e, x);
    }
}
