namespace EdgeAttention.Attention;

/// <summary>
/// Continual attention for one layer, all heads (used for layer 1, whose inputs never change retroactively).
/// Every step takes the newest token's projected q, k, v rows and returns the newest output (single-output)
/// or the outputs of all n window positions (retroactive). All state is allocated in the constructor;
/// <see cref="Step"/> never allocates. Not thread-safe.
///
/// Algorithm by options: Softmax, or Nyström with m ≥ n → continual softmax (Hedegaard et al. 2023);
/// Nyström Fixed / Continual → continual Nyström (Carreto Picón et al. 2024) with shifted, cancellation-guarded
/// float64 running sums; Nyström Window → ring buffers + recompute of the window (landmarks move every step).
/// </summary>
public sealed class ContinualAttention
{
    private readonly ContinualEngine _engine;
    private readonly int _d, _outLength;

    /// <summary>Validates the options and allocates all state.</summary>
    public ContinualAttention(AttentionOptions o, bool retroactive)
    {
        ArgumentNullException.ThrowIfNull(o);
        o.Validate();
        Options = o;
        Retroactive = retroactive;
        _d = o.ModelDim;
        _outLength = retroactive ? o.Window * _d : _d;
        if (!o.UsesNystrom) _engine = new ContinualSoftmaxEngine(o, retroactive);
        else if (o.Mode == LandmarkMode.Window) _engine = new RecomputeEngine(o, retroactive);
        else _engine = new ContinualNystromEngine(o, retroactive);
    }

    /// <summary>The options this instance was built for.</summary>
    public AttentionOptions Options { get; }

    /// <summary>True when <see cref="Step"/> writes all n window outputs.</summary>
    public bool Retroactive { get; }

    /// <summary>Floats <see cref="Step"/> writes: d, or n·d when retroactive.</summary>
    public int OutputLength => _outLength;

    /// <summary>
    /// q, k, v: [d] projected rows of the newest token (unscaled; 1/√d_h is applied inside).
    /// Single-output: output [d] = the newest token's attention output (heads concatenated).
    /// Retroactive: output [n·d] = outputs of all window positions, oldest → newest.
    /// Returns false (output untouched) while fewer than n tokens have been seen.
    /// </summary>
    public bool Step(ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v, Span<float> output)
    {
        if (q.Length != _d || k.Length != _d || v.Length != _d)
            throw new ArgumentException($"ContinualAttention.Step: q, k, v must be [Heads*HeadDim] = {_d} floats each, got {q.Length}, {k.Length}, {v.Length}.");
        if (output.Length != _outLength)
            throw new ArgumentException($"ContinualAttention.Step: output must be {(Retroactive ? "[Window*d]" : "[d]")} = {_outLength} floats, got {output.Length}.");
        return _engine.Step(q, k, v, output);
    }

    /// <summary>
    /// Cache hints for the next <see cref="Step"/> (no effect on results; a no-op where the CPU has no prefetch
    /// instruction .NET exposes): call it some work before the step — e.g. before projecting the token — so the
    /// scattered state the step reads (the leaving ring slot of every head) is loading meanwhile.
    /// </summary>
    public void Prefetch() => _engine.Prefetch();

    /// <summary>Forgets the stream (back to warm-up); keeps the allocations.</summary>
    public void Reset() => _engine.Reset();

    /// <summary>Tokens given to <see cref="Step"/> since construction or <see cref="Reset"/>.</summary>
    public long TokensSeen => _engine.TokensSeen;

    /// <summary>Steady-state multiply-adds of one step (all heads), counted from the algorithm's loops.</summary>
    public long MultiplyAddsPerStep => _engine.MultiplyAddsPerStep;

    /// <summary>Rows rebuilt from the ring buffers because a leaving key dominated their sum (diagnostic).</summary>
    public long CancellationRebuilds => _engine.CancellationRebuilds;
}
