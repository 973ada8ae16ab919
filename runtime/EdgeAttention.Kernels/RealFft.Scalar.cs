namespace EdgeAttention.Kernels;

public static partial class RealFft
{
    /// <summary>
    /// Reference radix-2 decimation-in-time stages over bit-reversed z = re + i·im (length M), from butterfly half-size
    /// <paramref name="firstHalf"/> while h &lt; <paramref name="stopHalf"/> (M for all stages): for each block of 2h and j &lt; h, with w = e^{−πi j/h} (stage table at h−1),
    /// t = w·z[a+h]; z[a+h] = z[a] − t; z[a] = z[a] + t  (a = block start + j).
    /// </summary>
    internal static void ScalarStages(ReadOnlySpan<double> stageTwiddles, Span<double> re, Span<double> im, int firstHalf, int stopHalf)
    {
        int m = re.Length;
        int half = stageTwiddles.Length / 2;
        ReadOnlySpan<double> wr = stageTwiddles[..half], wi = stageTwiddles[half..];
        for (int h = firstHalf; h < stopHalf; h *= 2)
        {
            for (int s = 0; s < m; s += 2 * h)
            {
                for (int j = 0; j < h; j++)
                {
                    int a = s + j, b = a + h;
                    double cr = wr[h - 1 + j], ci = wi[h - 1 + j];
                    double tr = cr * re[b] - ci * im[b];
                    double ti = cr * im[b] + ci * re[b];
                    re[b] = re[a] - tr; im[b] = im[a] - ti;
                    re[a] += tr; im[a] += ti;
                }
            }
        }
    }
}
