namespace EdgeAttention.Attention;

/// <summary>
/// Shape and kind of one attention layer (all heads). Construct with an object initialiser, then call
/// <see cref="Validate"/> (the attention classes call it themselves).
/// </summary>
public sealed class AttentionOptions
{
    /// <summary>Window n: tokens attended to at every step (models/README.md §3).</summary>
    public int Window { get; init; }

    /// <summary>Heads h.</summary>
    public int Heads { get; init; }

    /// <summary>Head width d_h; rows are [Heads * HeadDim] with head i at columns i*HeadDim ….</summary>
    public int HeadDim { get; init; }

    /// <summary>Softmax or Nyström.</summary>
    public AttentionKind Kind { get; init; }

    /// <summary>Nyström landmarks m per head (ignored for softmax). m ≥ n gives exact softmax.</summary>
    public int Landmarks { get; init; }

    /// <summary>Landmark source for Nyström.</summary>
    public LandmarkMode Mode { get; init; }

    /// <summary>Newton–Schulz iterations for pinv(A) (models/README.md §4.2), ≥ 1.</summary>
    public int PinvIterations { get; init; } = 6;

    /// <summary>Fixed landmarks Q̃, [Heads, Landmarks, HeadDim], projected unscaled space (Mode = Fixed).</summary>
    public float[]? FixedLandmarksQ { get; init; }

    /// <summary>Fixed landmarks K̃, [Heads, Landmarks, HeadDim], projected unscaled space (Mode = Fixed).</summary>
    public float[]? FixedLandmarksK { get; init; }

    /// <summary>
    /// Drift bound for continual running sums that outlive the window (fixed-landmark Nyström rows): a row is
    /// rebuilt exactly from the ring buffers when it is this many steps old. Amortised cost per head and step:
    /// m·(n·d_h + n exp) / RefreshInterval. Default 4096; ≥ 1.
    /// </summary>
    public int RefreshInterval { get; init; } = 4096;

    /// <summary>d = Heads · HeadDim, the width of one q/k/v row.</summary>
    public int ModelDim => Heads * HeadDim;

    /// <summary>True when the layer really computes Nyström (Kind = Nystrom and m &lt; n); otherwise exact softmax.</summary>
    public bool UsesNystrom => Kind == AttentionKind.Nystrom && (Landmarks < Window || (ForceNystromFormula && Landmarks == Window));

    /// <summary>
    /// Test hook: with m == n, evaluate the Nyström formula instead of the exact softmax models/README.md §4.2 prescribes
    /// (to check that Nyström with m = n landmarks approaches softmax up to the pinv residual).
    /// </summary>
    internal bool ForceNystromFormula { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> with a one-line message naming the bad field and the fix.</summary>
    public void Validate()
    {
        if (Window < 1) throw new ArgumentException($"AttentionOptions.Window is {Window}; it must be >= 1 (tokens per window).");
        if (Heads < 1) throw new ArgumentException($"AttentionOptions.Heads is {Heads}; it must be >= 1.");
        if (HeadDim < 1) throw new ArgumentException($"AttentionOptions.HeadDim is {HeadDim}; it must be >= 1 (d_model / heads).");
        if ((long)Window * Heads * HeadDim > int.MaxValue / 4)
            throw new ArgumentException($"AttentionOptions: Window*Heads*HeadDim = {(long)Window * Heads * HeadDim} is too large for one layer; use a smaller window or model.");
        if (!Enum.IsDefined(Kind)) throw new ArgumentException($"AttentionOptions.Kind {(int)Kind} is not a known attention kind; use Softmax or Nystrom.");
        if (Kind == AttentionKind.Softmax) return;
        if (Landmarks < 1) throw new ArgumentException($"AttentionOptions.Landmarks is {Landmarks}; Nyström needs >= 1 landmark per head.");
        if (!Enum.IsDefined(Mode)) throw new ArgumentException($"AttentionOptions.Mode {(int)Mode} is not a known landmark mode; use Window, Continual or Fixed.");
        if (PinvIterations < 1) throw new ArgumentException($"AttentionOptions.PinvIterations is {PinvIterations}; it must be >= 1.");
        if (RefreshInterval < 1) throw new ArgumentException($"AttentionOptions.RefreshInterval is {RefreshInterval}; it must be >= 1.");
        if (Mode == LandmarkMode.Fixed && UsesNystrom)
        {
            int expected = Heads * Landmarks * HeadDim;
            CheckFixed(FixedLandmarksQ, nameof(FixedLandmarksQ), expected);
            CheckFixed(FixedLandmarksK, nameof(FixedLandmarksK), expected);
        }
    }

    private void CheckFixed(float[]? t, string name, int expected)
    {
        if (t is null) throw new ArgumentException($"AttentionOptions.{name} is missing; Mode = Fixed needs [Heads={Heads}, Landmarks={Landmarks}, HeadDim={HeadDim}] floats.");
        if (t.Length != expected) throw new ArgumentException($"AttentionOptions.{name} has {t.Length} floats; expected Heads*Landmarks*HeadDim = {expected}.");
        int i = Kernels.Finite.IndexOfNonFinite(t);
        if (i >= 0) throw new ArgumentException($"AttentionOptions.{name}[{i}] is {t[i]}; landmarks must be finite.");
    }
}
