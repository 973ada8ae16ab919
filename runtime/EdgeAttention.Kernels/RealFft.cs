namespace EdgeAttention.Kernels;

/// <summary>
/// Power spectrum of a real frame, in float64: P[j] = |X[j]|², j = 0 … N/2, X = DFT of the N real samples x
/// (X[j] = Σₙ x[n] e^{−2πi jn/N}), N a power of two. The N reals are packed as N/2 complex values
/// z[k] = x[2k] + i x[2k+1], transformed by an iterative radix-2 complex FFT of length M = N/2 (split real/imaginary
/// arrays, bit-reversed input order) and unpacked with
/// X[j] = (Z[j] + conj Z[M−j])/2 + e^{−2πi j/N} (Z[j] − conj Z[M−j])/(2i)   (Z[M] ≡ Z[0]).
/// <para>
/// Precision: the frame, the tables and all FFT arithmetic are float64 and only P is rounded to float32. A float32
/// FFT leaks rounding noise of about 1e−7 of the frame's energy into every bin, which moves the log-mel features of
/// weak bands next to a strong tone by more than the front end's 1e−3 budget (models/README.md §6); in float64 that
/// noise is ~1e−16. The cost stays small (N/2 log₂(N/2) / 2 butterflies, 2 or 4 lanes per vector step).
/// </para>
/// <para>
/// Tables (built once with <see cref="BuildTables"/>): <c>twiddles</c> has
/// <see cref="TwiddleLength"/> = 2N doubles: stage twiddles re/im e^{−πi j/h} for every butterfly half-size
/// h = 1, 2, 4 … M/2 (j = 0 … h−1, stage h at offset h−1; re block then im block, M−1 each), then the unpack
/// twiddles cos/sin(2π j/N), j = 0 … M (M+1 each). <c>bitReverse</c> has M entries (the bit-reversal permutation
/// of log2 M bits). The kernel itself holds no state: the caller owns the tables and the two work spans.
/// </para>
/// </summary>
public static partial class RealFft
{
    /// <summary>Largest supported N (2²⁰).</summary>
    public const int MaxLength = 1 << 20;

    /// <summary>Doubles in the twiddle table for length N (2N).</summary>
    public static int TwiddleLength(int n) => 2 * n;

    /// <summary>Entries in the bit-reversal table for length N (N/2).</summary>
    public static int BitReverseLength(int n) => n / 2;

    /// <summary>True if N is a supported FFT length (a power of two, 1 … <see cref="MaxLength"/>).</summary>
    public static bool IsValidLength(int n) => n >= 1 && n <= MaxLength && (n & (n - 1)) == 0;

    /// <summary>Fills the twiddle and bit-reversal tables for length N (see the type summary for the layout).</summary>
    public static void BuildTables(int n, Span<double> twiddles, Span<int> bitReverse)
    {
        CheckLength(n);
        KernelChecks.Elements(twiddles.Length, TwiddleLength(n), "RealFft.BuildTables", "twiddles", "[2N]");
        KernelChecks.Elements(bitReverse.Length, BitReverseLength(n), "RealFft.BuildTables", "bitReverse", "[N/2]");
        int m = n / 2;
        for (int h = 1; h < m; h *= 2)
        {
            for (int j = 0; j < h; j++)
            {
                double a = -Math.PI * j / h;
                twiddles[h - 1 + j] = Math.Cos(a);
                twiddles[m - 1 + h - 1 + j] = Math.Sin(a);
            }
        }

        int post = m > 0 ? 2 * (m - 1) : 0;
        for (int j = 0; j <= m && m > 0; j++)
        {
            double a = 2 * Math.PI * j / n;
            twiddles[post + j] = Math.Cos(a);
            twiddles[post + m + 1 + j] = Math.Sin(a);
        }
        int bits = 0;
        while ((1 << bits) < m) bits++;
        for (int k = 0; k < m; k++)
        {
            int r = 0;
            for (int b = 0; b < bits; b++) r |= ((k >> b) & 1) << (bits - 1 - b);
            bitReverse[k] = r;
        }
    }

    /// <summary>
    /// power[j] = |X[j]|², j = 0 … N/2, for the N real samples in <paramref name="frame"/> (dispatched variant).
    /// re and im are work spans of N/2 doubles each (overwritten); power has N/2 + 1 floats.
    /// </summary>
    public static void PowerSpectrum(ReadOnlySpan<double> frame, ReadOnlySpan<double> twiddles, ReadOnlySpan<int> bitReverse,
                                     Span<double> re, Span<double> im, Span<float> power)
    {
        Check(frame, twiddles, bitReverse, re, im, power);
        Run(KernelDispatch.Float32, frame, twiddles, bitReverse, re, im, power);
    }

    /// <summary><see cref="PowerSpectrum(ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{int}, Span{double}, Span{double}, Span{float})"/> with an explicit variant.</summary>
    public static void PowerSpectrum(KernelVariant variant, ReadOnlySpan<double> frame, ReadOnlySpan<double> twiddles, ReadOnlySpan<int> bitReverse,
                                     Span<double> re, Span<double> im, Span<float> power)
    {
        KernelDispatch.RequireFloat32(variant, "RealFft");
        Check(frame, twiddles, bitReverse, re, im, power);
        Run(variant, frame, twiddles, bitReverse, re, im, power);
    }

    private static void Check(ReadOnlySpan<double> frame, ReadOnlySpan<double> twiddles, ReadOnlySpan<int> bitReverse,
                              Span<double> re, Span<double> im, Span<float> power)
    {
        int n = frame.Length;
        CheckLength(n);
        KernelChecks.Elements(twiddles.Length, TwiddleLength(n), "RealFft", "twiddles", "[2N]");
        KernelChecks.Elements(bitReverse.Length, BitReverseLength(n), "RealFft", "bitReverse", "[N/2]");
        KernelChecks.Elements(re.Length, n / 2, "RealFft", "re", "[N/2]");
        KernelChecks.Elements(im.Length, n / 2, "RealFft", "im", "[N/2]");
        KernelChecks.Elements(power.Length, n / 2 + 1, "RealFft", "power", "[N/2 + 1]");
    }

    private static void CheckLength(int n)
    {
        if (!IsValidLength(n))
            throw new ArgumentException($"RealFft: length N = {n} is not a power of two between 1 and {MaxLength}; pass a frame of such a length (zero-padded).");
    }

    private static void Run(KernelVariant variant, ReadOnlySpan<double> frame, ReadOnlySpan<double> twiddles, ReadOnlySpan<int> bitReverse,
                            Span<double> re, Span<double> im, Span<float> power)
    {
        int n = frame.Length;
        if (n == 1) { power[0] = (float)(frame[0] * frame[0]); return; }
        Pack(frame, bitReverse, re, im);
        int m = n / 2;
        switch (variant)
        {
            case KernelVariant.Vector256: Vector256Stages(twiddles[..(2 * (m - 1))], re, im); break;
            case KernelVariant.Vector128: Vector128Stages(twiddles[..(2 * (m - 1))], re, im); break;
            default: ScalarStages(twiddles[..(2 * (m - 1))], re, im, 1, m); break;
        }
        Unpack(twiddles[(2 * (m - 1))..], re, im, power);
    }

    /// <summary>z[k] = x[2 rev(k)] + i x[2 rev(k) + 1] (bit-reversed order, so the stages run in place).</summary>
    private static void Pack(ReadOnlySpan<double> x, ReadOnlySpan<int> bitReverse, Span<double> re, Span<double> im)
    {
        for (int k = 0; k < re.Length; k++)
        {
            int s = 2 * bitReverse[k];
            re[k] = x[s];
            im[k] = x[s + 1];
        }
    }

    /// <summary>
    /// P[j] = |X[j]|² from Z (length M) with A = Z[j], B = Z[M−j]:
    /// Xe = ((Ar + Br)/2, (Ai − Bi)/2), Xo = ((Ai + Bi)/2, −(Ar − Br)/2), X = Xe + (c − i s)·Xo, c, s = cos, sin(2πj/N).
    /// X[0] = Re Z[0] + Im Z[0], X[M] = Re Z[0] − Im Z[0].
    /// </summary>
    private static void Unpack(ReadOnlySpan<double> post, ReadOnlySpan<double> re, ReadOnlySpan<double> im, Span<float> power)
    {
        int m = re.Length;
        ReadOnlySpan<double> cos = post[..(m + 1)], sin = post[(m + 1)..];
        double x0 = re[0] + im[0], xm = re[0] - im[0];
        power[0] = (float)(x0 * x0);
        power[m] = (float)(xm * xm);
        for (int j = 1; j < m; j++)
        {
            double ar = re[j], ai = im[j], br = re[m - j], bi = im[m - j];
            double er = 0.5 * (ar + br), ei = 0.5 * (ai - bi);
            double or = 0.5 * (ai + bi), oi = -0.5 * (ar - br);
            double c = cos[j], s = sin[j];
            double xr = er + (c * or + s * oi);
            double xi = ei + (c * oi - s * or);
            power[j] = (float)(xr * xr + xi * xi);
        }
    }
}
