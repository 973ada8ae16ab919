using System.Numerics;
using System.Runtime.CompilerServices;

namespace EdgeAttention.Attention;

/// <summary>
/// Inlined float64 vector exp for non-positive arguments (the shifted exponentials of the continual sums are
/// exp(s − c) with s ≤ c, and softmax terms exp(f − max f)); Vector.Exp is a call per vector, this is ~20 vector ops.
/// exp(x) = 2^k · P(r), k = round(x·log₂e), r = x − k·ln2 (Cody–Waite split, |r| ≤ ln2/2),
/// P = Taylor polynomial of degree 9 (truncation |r|¹⁰/10! ≤ 7·10⁻¹² relative; the cached terms are subtracted
/// exactly as added, so this only perturbs weights, far below the contract's 2·10⁻⁴).
/// x &lt; −708 (2^k would be subnormal) gives 0; NaN gives NaN. Tests compare with Math.Exp (≤ 10⁻¹¹ relative).
/// </summary>
internal static class LaneExp
{
    private const double Log2E = 1.4426950408889634;
    private const double Ln2Hi = 6.93147180369123816490e-01, Ln2Lo = 1.90821492927058770002e-10;
    private const double Magic = 6755399441055744.0;   // 1.5·2^52: adding it rounds to an integer in the low mantissa bits

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<double> NonPositive(Vector<double> x)
    {
        var magic = new Vector<double>(Magic);
        Vector<double> t = x * Log2E + magic;
        Vector<double> kd = t - magic;
        Vector<double> r = x - kd * Ln2Hi - kd * Ln2Lo;
        Vector<double> p = new Vector<double>(1.0 / 362880);                          // 1/9!
        p = Vector.MultiplyAddEstimate(p, r, new Vector<double>(1.0 / 40320));
        p = Vector.MultiplyAddEstimate(p, r, new Vector<double>(1.0 / 5040));
        p = Vector.MultiplyAddEstimate(p, r, new Vector<double>(1.0 / 720));
        p = Vector.MultiplyAddEstimate(p, r, new Vector<double>(1.0 / 120));
        p = Vector.MultiplyAddEstimate(p, r, new Vector<double>(1.0 / 24));
        p = Vector.MultiplyAddEstimate(p, r, new Vector<double>(1.0 / 6));
        p = Vector.MultiplyAddEstimate(p, r, new Vector<double>(0.5));
        p = Vector.MultiplyAddEstimate(p, r, Vector<double>.One);
        p = Vector.MultiplyAddEstimate(p, r, Vector<double>.One);
        // 2^k: k sits in the low bits of t; shifting by 52 keeps k mod 2^12, plus the exponent bias.
        Vector<ulong> bits = (Vector.AsVectorUInt64(t) << 52) + new Vector<ulong>(1023UL << 52);
        Vector<double> e = p * Vector.AsVectorDouble(bits);
        e = Vector.ConditionalSelect(Vector.LessThan(x, new Vector<double>(-708.0)), Vector<double>.Zero, e);
        return Vector.ConditionalSelect(Vector.Equals(x, x), e, x);
    }
}
