using EdgeAttention.Format;

namespace EdgeAttention.Model;

/// <summary>
/// The memory a <see cref="Session"/> of a config allocates, computed from the config alone (nothing is allocated),
/// so a device program can report it and refuse a model that does not fit before loading it. Weights are not
/// included: they stay in the model file's native block (<see cref="ModelFile.FileBytes"/>), shared by all sessions.
/// </summary>
public static class SessionMemory
{
    /// <summary>
    /// Bytes a session of <paramref name="config"/> allocates in its constructor: <see cref="ArenaBytes"/> +
    /// <see cref="AttentionBytes"/> (within a few percent of <see cref="Session.LoadAllocatedBytes"/>; the rest are
    /// small load-time objects, and for int8 weights the row sums of every Linear, 4 bytes per weight row). Throws <see cref="ModelFormatException"/> for an invalid config or an arena above 4 GB.
    /// </summary>
    public static long Estimate(ModelConfig config, Execution execution) => ArenaBytes(config, execution) + AttentionBytes(config, execution);

    /// <summary>
    /// Bytes a whole stream of <paramref name="config"/> takes beyond the model file: <see cref="Estimate"/> plus
    /// <see cref="FrontEndBytes"/> (0 without a front end). The figure a device program checks against its memory
    /// limit before loading, and the one `info`/`inspect` report.
    /// </summary>
    public static long Total(ModelConfig config, Execution execution) => Estimate(config, execution) + FrontEndBytes(config);

    /// <summary>
    /// The audio front end's tables and work buffers (window, FFT twiddles, mel filterbank, sample ring; a few
    /// [N]-sized arrays for FFT size N) when the config has a frontend, else 0. Measured by building one front end
    /// (its size is bounded by the frontend config limits, tens of kB) so it always matches the constructor.
    /// </summary>
    public static long FrontEndBytes(ModelConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config.Frontend is not { } f) return 0;
        long before = GC.GetAllocatedBytesForCurrentThread();
        _ = new FrontEnd.LogMelFrontEnd(f);
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    /// <summary>The session arena (activations, rings, scratch; layout in ArenaPlan), as a managed float array.</summary>
    public static long ArenaBytes(ModelConfig config, Execution execution)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        return ArrayBytes(ArenaPlan.Create(config, execution).TotalFloats, 4);
    }

    /// <summary>
    /// The state of the attention objects of every layer (EdgeAttention.Attention allocates it once, at load): layer 1
    /// under continual execution is a <c>ContinualAttention</c> (retroactive when L &gt; 1), every other layer a
    /// <c>WindowAttention</c>; plus the fixed-landmark copies [h, m, d_h] per layer. Mirrors the constructors of
    /// those classes (a test compares it with the bytes a real session allocates).
    /// </summary>
    public static long AttentionBytes(ModelConfig config, Execution execution)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        long total = 0;
        for (int i = 0; i < config.Layers; i++)
        {
            LandmarkMode mode = AttentionFactory.Mode(config, i);
            if (mode == LandmarkMode.Fixed) total += 2 * ArrayBytes((long)config.Heads * config.Landmarks * config.HeadDim, 4);
            total += i == 0 && execution == Execution.Continual
                ? ContinualBytes(config, mode, retroactive: config.Layers > 1)
                : WindowBytes(config);
        }
        return total;
    }

    /// <summary>True when the layer computes the Nyström formula (m &lt; n; m ≥ n is exact softmax).</summary>
    private static bool UsesNystrom(ModelConfig c) => c.Attention == AttentionKind.Nystrom && c.Landmarks < c.Window;

    /// <summary>WindowAttention: per-head rows q, k, v, o [n, d_h] and a score row [n]; Nyström scratch and the inverse.</summary>
    private static long WindowBytes(ModelConfig c)
    {
        long n = c.Window, h = c.Heads, dh = c.HeadDim, m = c.Landmarks;
        long bytes = 4 * ArrayBytes(n * dh, 4) + ArrayBytes(n, 4);
        if (UsesNystrom(c))
        {
            bytes += 2 * ArrayBytes(h * m * dh, 4) + 2 * ArrayBytes(m * dh, 4) + ArrayBytes(m * m, 4) + ArrayBytes(m * m, 8)
                + 2 * ArrayBytes(m * n, 4) + ArrayBytes(m, 4) + ArrayBytes(m * dh, 8) + ArrayBytes(m, 8) + ArrayBytes(dh, 8)
                + InverseBytes(m);
        }

        return bytes;
    }

    /// <summary>ContinualAttention's engine: continual softmax, window-landmark recompute or continual Nyström.</summary>
    private static long ContinualBytes(ModelConfig c, LandmarkMode mode, bool retroactive)
    {
        long n = c.Window, h = c.Heads, dh = c.HeadDim, d = c.DModel, m = c.Landmarks;
        long ring = h * n * dh;
        if (!UsesNystrom(c))
        {
            // Rings k, v [h, n, d_h], score row [n], scaled q [d_h]; retroactive: q ring, two score rows, v row,
            // per-row shift/phi/peak [h, n] and the output accumulators [h, n, d_h] in float64.
            long bytes = 2 * ArrayBytes(ring, 4) + ArrayBytes(n, 4) + ArrayBytes(dh, 4);
            if (retroactive)
                bytes += ArrayBytes(ring, 4) + 2 * ArrayBytes(n, 4) + ArrayBytes(dh, 4) + 3 * ArrayBytes(h * n, 8) + ArrayBytes(ring, 8);
            return bytes;
        }
        if (mode == LandmarkMode.Window)
            return 6 * ArrayBytes(n * d, 4) + WindowBytes(c);   // q, k, v rings and window copies, then a WindowAttention
        // Continual Nyström (fixed or continual landmarks): rings, landmark system, term caches, running sums.
        long total = ArrayBytes(ring, 4) + ArrayBytes(ring, 8)                                  // k ring, v ring (float64) [n, d]
            + (retroactive ? ArrayBytes(ring, 4) : 0)                                          // q ring
            + 5 * ArrayBytes(h * m * dh, 4) + ArrayBytes(h * m * m, 4) + ArrayBytes(h * m * m, 8) // landmarks (and transposed), A, G
            + ArrayBytes(h * n * m, 4) + 2 * ArrayBytes(h * n * m, 8)                          // key scores, term cache
            + (retroactive ? ArrayBytes(h * n * m, 4) + ArrayBytes(h * n * m, 8) : 0)         // query scores, P rows
            + 3 * ArrayBytes(h * m, 8) + ArrayBytes(h * m * dh, 8) + ArrayBytes(h * m, 8)      // shift/phi/peak, acc, built
            + ArrayBytes(h, 8)                                                                 // refresh due per head
            + ArrayBytes(h * m, 4) + 5 * ArrayBytes(h * m, 8) + ArrayBytes(h, 8) + 2 * ArrayBytes(d, 8) // all-heads step scratch
            + ArrayBytes(h * m, 1)                                                             // rebuild flags
            + ArrayBytes(n * dh, 4) + ArrayBytes(n * m, 4) + ArrayBytes(n, 4) + ArrayBytes(m, 4)  // rare-path scratch
            + ArrayBytes(n, 8) + ArrayBytes(m, 8) + ArrayBytes(dh, 8) + ArrayBytes(m * dh, 8)
            + InverseBytes(m)
            + ArrayBytes(n, 4) + ArrayBytes(n, 1)                                              // segment of each offset
            + (mode == LandmarkMode.Continual ? 2 * ArrayBytes(d, 8) : 0);                     // running sums
        return total;
    }

    /// <summary>Newton–Schulz pseudo-inverse scratch: six [m, m] float64 matrices.</summary>
    private static long InverseBytes(long m) => 6 * ArrayBytes(m * m, 8);

    /// <summary>A managed array of <paramref name="length"/> elements: 24-byte header, data rounded up to 8 bytes; empty arrays are shared (0).</summary>
    private static long ArrayBytes(long length, int elementBytes) =>
        length == 0 ? 0 : 24 + (length * elementBytes + 7) / 8 * 8;
}
