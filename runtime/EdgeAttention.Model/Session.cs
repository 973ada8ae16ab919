using System.Runtime.InteropServices;
using EdgeAttention.Attention;
using EdgeAttention.Format;
using EdgeAttention.Kernels;

namespace EdgeAttention.Model;

/// <summary>
/// One stream through a model (models/README.md §3). The weights are used in place in the model file's native block
/// (no copy): the session takes a lease on the <see cref="ModelFile"/> in its constructor and releases it in
/// <see cref="Dispose"/>, so the file may be disposed first — its block is freed when the last session using it is
/// disposed. All working memory is one arena allocated here (layout in <see cref="ArenaPlan"/>), plus the attention
/// objects' state, also allocated here; <see cref="Step"/> allocates nothing. Not thread-safe: one session per stream.
/// A session never disposed keeps the block until the process ends (there is no finalizer, as for ModelFile).
/// </summary>
public sealed partial class Session : IDisposable
{
    private readonly ModelFileLease _lease;         // keeps the file's block, which _w points into, allocated
    private readonly ModelWeights _w;
    private readonly ArenaPlan _plan;
    private float[] _arena;
    private readonly ContinualAttention? _layer1;   // continual execution: layer 1 (retroactive when L > 1)
    private readonly WindowAttention?[] _window;    // per layer; null where the layer is continual
    private readonly int _d, _n, _f, _classes, _layers, _ff;
    private readonly bool _pre, _gelu, _landmarks, _newestQueryOnly;
    private readonly float _eps;
    private long _steps;
    private int _disposed;

    /// <summary>
    /// Checks the weights of <paramref name="model"/> against its config and uses them in place (the session leases
    /// the file's block: the file may be disposed afterwards), plans and allocates the arena. Throws
    /// <see cref="ObjectDisposedException"/> when <paramref name="model"/> is already disposed.
    /// </summary>
    public Session(ModelFile model, Execution execution = Execution.Continual)
    {
        ArgumentNullException.ThrowIfNull(model);
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        if (execution is not (Execution.Continual or Execution.Recompute))
            throw new ArgumentOutOfRangeException(nameof(execution), execution, "use Execution.Continual or Execution.Recompute.");
        _lease = model.Lease();
        try
        {
            _w = ModelWeights.Load(model);
            (_plan, _arena, _layer1, _window) = Build(model.Config, execution, _w);
        }
        catch
        {
            _lease.Dispose();
            throw;
        }
        ModelConfig c = model.Config;
        Config = c;
        Execution = execution;
        _d = c.DModel; _n = c.Window; _f = c.InputFeatures; _classes = c.Classes.Count; _layers = c.Layers; _ff = c.FfDim;
        _pre = c.Norm == NormPlacement.Pre;
        _gelu = c.Activation == ActivationKind.Gelu;
        _eps = c.LayerNormEps;
        _landmarks = execution == Execution.Recompute && ArenaPlan.UsesContinualLandmarks(c);
        _newestQueryOnly = AttentionFactory.NewestQueryOnly(c);
        LoadAllocatedBytes = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
    }

    /// <summary>The arena and the attention objects (layer 1 continual under continual execution, else window).</summary>
    private static (ArenaPlan, float[], ContinualAttention?, WindowAttention?[]) Build(ModelConfig c, Execution execution, ModelWeights w)
    {
        ArenaPlan plan = ArenaPlan.Create(c, execution);
        var arena = new float[plan.TotalFloats];
        ContinualAttention? layer1 = null;
        var window = new WindowAttention?[c.Layers];
        for (int i = 0; i < c.Layers; i++)
        {
            AttentionOptions o = AttentionFactory.Options(c, i, w.Layers[i].LandmarksQ, w.Layers[i].LandmarksK);
            if (i == 0 && execution == Execution.Continual) layer1 = new ContinualAttention(o, retroactive: c.Layers > 1);
            else window[i] = new WindowAttention(o);
        }
        return (plan, arena, layer1, window);
    }

    public ModelConfig Config { get; }
    public Execution Execution { get; }
    public int InputFeatures => _f;
    public int Classes => _classes;

    /// <summary>Bytes of the session arena (activations, rings, scratch; excludes weights and attention state).</summary>
    public long ArenaBytes => _plan.Bytes;

    /// <summary>
    /// Managed bytes the constructor allocated: the arena, the attention state and small load-time objects (the
    /// layer objects, fixed landmarks copied for the attention options) — the session's whole managed footprint
    /// (nothing is allocated afterwards). Weights are not included: they stay in the model file's native block
    /// (<see cref="ModelFile.FileBytes"/>), shared by every session of that file.
    /// </summary>
    public long LoadAllocatedBytes { get; }

    /// <summary>Frames accepted so far (= the stream position of the next frame).</summary>
    public long Steps => _steps;

    /// <summary>True when at least one Linear of the model runs in int8.</summary>
    public bool IsInt8 => _w.AnyInt8;

    /// <summary>Arena bytes a session of <paramref name="config"/> would allocate (same plan as the constructor).</summary>
    public static long EstimateArenaBytes(ModelConfig config, Execution execution)
    {
        ArgumentNullException.ThrowIfNull(config);
        return ArenaPlan.Create(config, execution).Bytes;
    }

    /// <summary>
    /// Feeds frame x_t (F floats). Returns <see cref="StepStatus.Ready"/> with C logits written to
    /// <paramref name="logits"/> when t ≥ n − 1, <see cref="StepStatus.Warmup"/> before (logits untouched),
    /// <see cref="StepStatus.Rejected"/> when the frame has the wrong length, a NaN/Inf, or its token e_t has an
    /// element beyond ±<see cref="MaxTokenMagnitude"/> (nothing changes; the frame does not count as a stream
    /// position). A Ready step's logits are always finite: should they not be (finite weights and a bounded token
    /// make it impossible), the session is reset and the step returns Rejected.
    /// </summary>
    public StepStatus Step(ReadOnlySpan<float> frame, Span<float> logits)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (logits.Length < _classes)
            throw new ArgumentException($"logits span has {logits.Length} floats, the model has {_classes} classes.", nameof(logits));
        if (frame.Length != _f || !AllFinite(frame)) return StepStatus.Rejected;

        long t = _steps;
        _layer1?.Prefetch();   // the attention's scattered state loads while the token is projected
        Span<float> token = Span(_plan.Token);
        MakeToken(frame, t, token);
        if (!WithinTokenBound(token)) return StepStatus.Rejected;
        token.CopyTo(RingRow(t));
        _steps = t + 1;

        StepStatus status = Execution == Execution.Continual ? StepContinual(t, logits) : StepRecompute(t, logits);
        if (status == StepStatus.Ready && !AllFinite(logits.Slice(0, _classes)))
        {
            Reset();
            logits.Slice(0, _classes).Clear();
            return StepStatus.Rejected;
        }
        return status;
    }

    /// <summary>
    /// Largest |e_t| element a token may have (a normalised, projected feature frame is O(1)–O(10²)). Keeps every
    /// product downstream finite: q·k ≤ d_h·(√d·B)² ≈ 10²²·d_h·d stays far below float32's 3.4·10³⁸, and LayerNorm's
    /// Σx² ≤ d·B². A huge finite input value (e.g. 3·10³⁸) is rejected here instead of turning a window of logits
    /// into Inf/NaN.
    /// </summary>
    public const float MaxTokenMagnitude = 1e8f;

    /// <summary>True when every element is finite and |x| ≤ <see cref="MaxTokenMagnitude"/> (NaN fails the comparison).</summary>
    private static bool WithinTokenBound(ReadOnlySpan<float> x) => Kernels.Finite.AllWithin(x, MaxTokenMagnitude);

    /// <summary>Forgets the stream: the next frame is position 0 again.</summary>
    public void Reset()
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        _layer1?.Reset();
        Array.Clear(_arena);
        _steps = 0;
    }

    /// <summary>Ends the session and releases its lease on the model file (freeing the block if the file is disposed and no other session uses it). Idempotent.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _arena = [];
        _lease.Dispose();
    }

    /// <summary>The in-place weight regions (tests check they lie in the leased file's block).</summary>
    internal IEnumerable<(string What, nint Address, long Bytes)> WeightRegions() => _w.Regions();

    // ---- input ---------------------------------------------------------------------------------------

    /// <summary>e_t = input_proj((x_t − mean) / std) + pos[t mod P] (models/README.md §3).</summary>
    private void MakeToken(ReadOnlySpan<float> frame, long t, Span<float> token)
    {
        ReadOnlySpan<float> x = frame;
        if (_w.InputMean.IsPresent)
        {
            ReadOnlySpan<float> mean = _w.InputMean.Span, std = _w.InputStd.Span;
            Span<float> xn = Span(_plan.Frame);
            for (int i = 0; i < xn.Length; i++) xn[i] = (frame[i] - mean[i]) / std[i];
            x = xn;
        }
        _w.InputProj.Apply(x, token, Int8Scratch);
        if (_w.Positional.IsPresent)
        {
            ReadOnlySpan<float> pos = _w.Positional.Span;
            int period = pos.Length / _d;
            int row = (int)(t % period);
            Axpy.Compute(1f, pos.Slice(row * _d, _d), token);
        }
    }

    // ---- helpers -------------------------------------------------------------------------------------

    private Span<float> Span(Region r) => _arena.AsSpan(r.Offset, r.Length);

    private Span<float> Row(Region r, int row) => _arena.AsSpan(r.Offset + row * _d, _d);

    private Span<float> RingRow(long position) => Row(_plan.Ring, (int)(position % _plan.RingRows));

    private Span<sbyte> Int8Scratch => MemoryMarshal.Cast<float, sbyte>(Span(_plan.Int8));

    private static bool AllFinite(ReadOnlySpan<float> x) => Kernels.Finite.All(x);
}
