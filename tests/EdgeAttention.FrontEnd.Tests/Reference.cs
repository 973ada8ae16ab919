using EdgeAttention.Format;
using EdgeAttention.FrontEnd;

namespace EdgeAttention.FrontEnd.Tests;

/// <summary>
/// Float64 evaluation of models/README.md §6 written straight from the text: per frame k, samples kH … kH+W−1 / 32768,
/// periodic Hann, zero-pad to N, P[j] = |Σ x[i] e^{−2πi ij/N}|² by a direct DFT, dense triangular HTK filterbank,
/// ln(E + floor). Shares only the (float64) filterbank formula with the runtime, through MelFilterbankTables.Dense,
/// which is itself checked against hand-computed values in FilterbankTests.
/// </summary>
internal static class Reference
{
    public static double[] LogMel(FrontendConfig c, ReadOnlySpan<short> s)
    {
        int w = c.Window, h = c.Hop, n = c.Fft, m = c.Mels, bins = n / 2 + 1;
        long t = c.FrameCount(s.Length);
        double[] fb = MelFilterbankTables.Dense(c.SampleRate, n, m, c.FMin, c.FMax);
        var cos = new double[n];
        var sin = new double[n];
        for (int i = 0; i < n; i++) { cos[i] = Math.Cos(2 * Math.PI * i / n); sin[i] = Math.Sin(2 * Math.PI * i / n); }
        var result = new double[t * m];
        var x = new double[w];
        var p = new double[bins];
        for (long k = 0; k < t; k++)
        {
            for (int i = 0; i < w; i++)
                x[i] = s[(int)(k * h + i)] / 32768.0 * (0.5 - 0.5 * Math.Cos(2 * Math.PI * i / w));
            for (int j = 0; j < bins; j++)
            {
                double re = 0, im = 0;
                for (int i = 0; i < w; i++)
                {
                    int a = (int)((long)i * j % n);
                    re += x[i] * cos[a];
                    im -= x[i] * sin[a];
                }
                p[j] = re * re + im * im;
            }
            for (int b = 0; b < m; b++)
            {
                double e = 0;
                for (int j = 0; j < bins; j++) e += fb[b * bins + j] * p[j];
                result[k * m + b] = Math.Log(e + c.LogFloor);
            }
        }
        return result;
    }
}

/// <summary>Deterministic test signals (int16).</summary>
internal static class Signals
{
    public static short[] Noise(int seed, int count, double amplitude)
    {
        var r = new Random(seed);
        var s = new short[count];
        for (int i = 0; i < count; i++) s[i] = Clip(amplitude * (2 * r.NextDouble() - 1) * 32767);
        return s;
    }

    public static short[] Tone(double hz, int rate, int count, double amplitude)
    {
        var s = new short[count];
        for (int i = 0; i < count; i++) s[i] = Clip(amplitude * 32767 * Math.Sin(2 * Math.PI * hz * i / rate));
        return s;
    }

    /// <summary>Voiced-speech-like: 20 harmonics of a gliding 120–220 Hz pitch, 1/k roll-off, 4 Hz syllable envelope, light noise.</summary>
    public static short[] SpeechLike(int seed, int rate, int count)
    {
        var r = new Random(seed);
        var s = new short[count];
        double phase = 0;
        for (int i = 0; i < count; i++)
        {
            double time = (double)i / rate;
            double f0 = 170 + 50 * Math.Sin(2 * Math.PI * 0.7 * time);
            phase += 2 * Math.PI * f0 / rate;
            double v = 0;
            for (int k = 1; k <= 20; k++) v += Math.Sin(k * phase) / k;
            double env = 0.5 + 0.5 * Math.Sin(2 * Math.PI * 4 * time);
            s[i] = Clip(32767 * (0.25 * env * v + 0.003 * (2 * r.NextDouble() - 1)));
        }
        return s;
    }

    public static short[] Chirp(int rate, int count, double amplitude)
    {
        var s = new short[count];
        double phase = 0;
        for (int i = 0; i < count; i++)
        {
            double f = 50 + (rate / 2.0 - 100) * i / count;
            phase += 2 * Math.PI * f / rate;
            s[i] = Clip(amplitude * 32767 * Math.Sin(phase));
        }
        return s;
    }

    private static short Clip(double v) => (short)Math.Clamp(Math.Round(v), short.MinValue, short.MaxValue);
}
