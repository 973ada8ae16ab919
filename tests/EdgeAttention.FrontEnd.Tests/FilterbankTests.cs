using EdgeAttention.FrontEnd;

namespace EdgeAttention.FrontEnd.Tests;

/// <summary>The load-time tables: mel scale, Hann window, triangular filters (hand-checked values), sparse = dense.</summary>
public class FilterbankTests
{
    [Fact]
    public void MelScaleIsHtk()
    {
        Assert.Equal(2595 * Math.Log10(1 + 1000 / 700.0), MelFilterbankTables.HzToMel(1000), 12);
        Assert.Equal(1000.0, MelFilterbankTables.HzToMel(1000), 0); // HTK: 1000 Hz ≈ 1000 mel
        foreach (double f in new[] { 0.0, 20, 440, 7600, 8000, 22050 })
            Assert.Equal(f, MelFilterbankTables.MelToHz(MelFilterbankTables.HzToMel(f)), 9);
    }

    [Fact]
    public void HannIsPeriodic()
    {
        double[] w = MelFilterbankTables.HannWindow(4);
        Assert.Equal([0.0, 0.5, 1.0, 0.5], w.Select(x => Math.Round(x, 15)));
    }

    [Fact]
    public void TrianglesRiseToOneAndFall()
    {
        // sr 8000, N 8: bins at 0, 1000, 2000, 3000, 4000 Hz; 1 band with edges chosen in mel from 0 to 4000 Hz.
        double[] edges = MelFilterbankTables.BandEdges(1, 0, 4000);
        Assert.Equal(0, edges[0], 9);
        Assert.Equal(4000, edges[2], 9);
        double[] fb = MelFilterbankTables.Dense(8000, 8, 1, 0, 4000);
        for (int j = 0; j <= 4; j++)
        {
            double f = j * 1000.0;
            double expected = f <= edges[1] ? f / edges[1] : (4000 - f) / (4000 - edges[1]);
            Assert.Equal(expected, fb[j], 12);
        }
    }

    [Theory]
    [InlineData(16000, 512, 40, 20, 7600)]
    [InlineData(16000, 64, 40, 0, 8000)]
    [InlineData(8000, 256, 23, 300, 3400)]
    public void SparseRunsEqualTheDenseMatrix(int sr, int n, int mels, double fmin, double fmax)
    {
        double[] dense = MelFilterbankTables.Dense(sr, n, mels, fmin, fmax);
        (float[] w, int[] first, int[] off) = MelFilterbankTables.Sparse(sr, n, mels, fmin, fmax);
        int bins = n / 2 + 1;
        for (int b = 0; b < mels; b++)
        {
            for (int j = 0; j < bins; j++)
            {
                int k = j - first[b];
                double s = k >= 0 && k < off[b + 1] - off[b] ? w[off[b] + k] : 0;
                Assert.Equal((float)dense[b * bins + j], s);
            }
        }
    }
}
