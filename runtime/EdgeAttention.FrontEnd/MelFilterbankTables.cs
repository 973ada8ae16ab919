namespace EdgeAttention.FrontEnd;

/// <summary>
/// The load-time tables of the log-mel front end (models/README.md §6), computed in float64 and rounded once:
/// the periodic Hann window and the sparse HTK-mel triangular filterbank in the layout of
/// <see cref="EdgeAttention.Kernels.MelFilterbank"/> (per band: first non-zero bin, offset of its run of weights).
/// </summary>
public static class MelFilterbankTables
{
    /// <summary>HTK mel scale: mel(f) = 2595 · log10(1 + f/700).</summary>
    public static double HzToMel(double hz) => 2595.0 * Math.Log10(1.0 + hz / 700.0);

    /// <summary>Inverse of <see cref="HzToMel"/>: f = 700 · (10^(mel/2595) − 1).</summary>
    public static double MelToHz(double mel) => 700.0 * (Math.Pow(10.0, mel / 2595.0) - 1.0);

    /// <summary>Periodic Hann window w[i] = 0.5 − 0.5 cos(2π i / W), i = 0 … W−1.</summary>
    public static double[] HannWindow(int w)
    {
        var r = new double[w];
        for (int i = 0; i < w; i++) r[i] = 0.5 - 0.5 * Math.Cos(2 * Math.PI * i / w);
        return r;
    }

    /// <summary>
    /// Band edges f₀ &lt; … &lt; f_{M+1} in Hz: M + 2 points equally spaced in mel from mel(fmin) to mel(fmax).
    /// </summary>
    public static double[] BandEdges(int mels, double fmin, double fmax)
    {
        double lo = HzToMel(fmin), hi = HzToMel(fmax);
        var f = new double[mels + 2];
        for (int i = 0; i < f.Length; i++) f[i] = MelToHz(lo + (hi - lo) * i / (mels + 1));
        return f;
    }

    /// <summary>
    /// Dense filterbank fb[b, j] (M × (N/2 + 1), row-major): filter b rises linearly from 0 at f_b to 1 at f_{b+1} and
    /// falls to 0 at f_{b+2}, evaluated at bin frequencies j · sr / N, no area normalisation:
    /// fb[b, j] = max(0, min((f − f_b)/(f_{b+1} − f_b), (f_{b+2} − f)/(f_{b+2} − f_{b+1}))).
    /// </summary>
    public static double[] Dense(int sampleRate, int fft, int mels, double fmin, double fmax)
    {
        double[] edges = BandEdges(mels, fmin, fmax);
        int bins = fft / 2 + 1;
        var fb = new double[mels * bins];
        for (int b = 0; b < mels; b++)
        {
            for (int j = 0; j < bins; j++)
            {
                double f = (double)j * sampleRate / fft;
                double up = (f - edges[b]) / (edges[b + 1] - edges[b]);
                double down = (edges[b + 2] - f) / (edges[b + 2] - edges[b + 1]);
                fb[b * bins + j] = Math.Max(0.0, Math.Min(up, down));
            }
        }

        return fb;
    }

    /// <summary>
    /// The filterbank as sparse runs: for band b the non-zero weights from its first to its last non-zero bin
    /// (a triangle is one contiguous run; a band narrower than a bin spacing may have none).
    /// </summary>
    public static (float[] Weights, int[] FirstBin, int[] Offsets) Sparse(int sampleRate, int fft, int mels, double fmin, double fmax)
    {
        double[] dense = Dense(sampleRate, fft, mels, fmin, fmax);
        int bins = fft / 2 + 1;
        var first = new int[mels];
        var offsets = new int[mels + 1];
        var weights = new List<float>();
        for (int b = 0; b < mels; b++)
        {
            ReadOnlySpan<double> row = dense.AsSpan(b * bins, bins);
            int lo = 0, hi = bins - 1;
            while (lo < bins && row[lo] == 0) lo++;
            while (hi >= lo && row[hi] == 0) hi--;
            first[b] = lo < bins ? lo : 0;
            for (int j = lo; j <= hi; j++) weights.Add((float)row[j]);
            offsets[b + 1] = weights.Count;
        }
        return (weights.ToArray(), first, offsets);
    }
}
