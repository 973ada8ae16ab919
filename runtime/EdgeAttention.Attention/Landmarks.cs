namespace EdgeAttention.Attention;

/// <summary>
/// The landmark segment rule of models/README.md §4.2: a window of n positions is cut into m segments; with
/// r = n mod m the first r segments hold ⌈n/m⌉ consecutive positions and the other m − r hold ⌊n/m⌋.
/// Continual landmarks use the same segments repeating every n stream positions from t = 0.
/// </summary>
public static class Landmarks
{
    /// <summary>Positions in segment <paramref name="segment"/> (0-based) of a window of n cut into m segments.</summary>
    public static int SegmentLength(int n, int m, int segment)
    {
        Check(n, m);
        if ((uint)segment >= (uint)m) throw new ArgumentOutOfRangeException(nameof(segment), $"Landmarks: segment {segment} is outside 0..{m - 1}.");
        return n / m + (segment < n % m ? 1 : 0);
    }

    /// <summary>Offset of the first position of <paramref name="segment"/> (0 ≤ segment ≤ m; segment m gives n).</summary>
    public static int SegmentStart(int n, int m, int segment)
    {
        Check(n, m);
        if ((uint)segment > (uint)m) throw new ArgumentOutOfRangeException(nameof(segment), $"Landmarks: segment {segment} is outside 0..{m}.");
        return segment * (n / m) + Math.Min(segment, n % m);
    }

    /// <summary>
    /// u for step t (t ≥ n − 1): the last position of the newest segment completed at or before t; the
    /// continual landmarks at step t cover positions u − n + 1 … u.
    /// </summary>
    public static long LastCompletedPosition(long t, int n, int m)
    {
        Check(n, m);
        if (t < n - 1) throw new ArgumentOutOfRangeException(nameof(t), $"Landmarks: step {t} is before the first full window (t >= {n - 1}).");
        long cycle = t / n;
        int offset = (int)(t % n);
        int best = -1;
        for (int s = 0; s < m; s++)
        {
            int end = SegmentStart(n, m, s + 1) - 1;
            if (end <= offset) best = end; else break;
        }
        return best >= 0 ? cycle * n + best : cycle * n - 1;
    }

    /// <summary>
    /// Segment means per head: rows [n, heads*headDim] oldest → newest, means [heads, m, headDim].
    /// means[h, s, c] = (1/|S_s|) Σ_{p ∈ S_s} rows[p, h*headDim + c].
    /// </summary>
    public static void SegmentMeans(ReadOnlySpan<float> rows, int n, int m, int heads, int headDim, Span<float> means)
    {
        Check(n, m);
        if (m > n) throw new ArgumentException($"Landmarks.SegmentMeans: m = {m} > n = {n}; segment means need m <= n (m >= n is exact softmax).");
        int d = heads * headDim;
        if (heads < 1 || headDim < 1 || rows.Length != n * d || means.Length != heads * m * headDim)
            throw new ArgumentException($"Landmarks.SegmentMeans: expected rows [{n}*{d}] and means [{heads}*{m}*{headDim}], got {rows.Length} and {means.Length}.");
        means.Clear();
        for (int s = 0; s < m; s++)
        {
            int start = SegmentStart(n, m, s), end = SegmentStart(n, m, s + 1);
            float inv = 1f / (end - start);
            for (int h = 0; h < heads; h++)
            {
                Span<float> mean = means.Slice((h * m + s) * headDim, headDim);
                for (int p = start; p < end; p++)
                {
                    ReadOnlySpan<float> row = rows.Slice(p * d + h * headDim, headDim);
                    for (int c = 0; c < headDim; c++) mean[c] += row[c];
                }
                for (int c = 0; c < headDim; c++) mean[c] *= inv;
            }
        }
    }

    private static void Check(int n, int m)
    {
        if (n < 1) throw new ArgumentOutOfRangeException(nameof(n), $"Landmarks: window n = {n}; it must be >= 1.");
        if (m < 1) throw new ArgumentOutOfRangeException(nameof(m), $"Landmarks: landmarks m = {m}; it must be >= 1.");
    }
}
