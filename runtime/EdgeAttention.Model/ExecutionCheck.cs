using System.Globalization;

namespace EdgeAttention.Model;

/// <summary>
/// The pass/fail rule for "continual execution agrees with recomputation" on one stream (device self-test, tests):
/// feed the logits [classes] of both sessions at every Ready step to <see cref="Add"/>, then read <see cref="Passed"/>.
/// Allocation-free after construction.
/// <para>
/// Float32 models: every step max|c − r| ≤ 2e-4 · max(1, max|r|) (the tolerance of <c>models/README.md §4.3</c>);
/// continual and recomputed attention are the same math in a different float order.
/// </para>
/// <para>
/// Int8 models: the float tolerance cannot hold at every step. Both sessions quantise each Linear input dynamically
/// (one scale per vector, q = round(x·127/max|x|)); the layer-1 projections see identical inputs, but the attention
/// outputs differ by float rounding, so any value that lies within that rounding of a quantisation boundary
/// (x·127/max|x| ≈ k + ½) is rounded to k in one session and k + 1 in the other. One such flip moves that input
/// by a whole step max|x|/127, i.e. by 1/127 of the vector's scale, and after the normalised layers the logits by
/// about the same fraction of their scale (across 37 generated 2–3-layer int8 models, pre/post-norm, every landmark
/// mode, GTZAN-sized included, the worst step was 1.46 · max(1, max|r|)/127). Flips are rare events, so the rule is:
/// <list type="number">
/// <item>every step: max|c − r| ≤ 4 · max(1, max|r|) / 127 (<see cref="Int8StepBound"/>: four quantisation steps at the logit scale);</item>
/// <item>at least <see cref="MinInt8FloatMatchFraction"/> of the steps also meet the float32 tolerance — a continual
/// path that is wrong (off by a frame, stale state, a wrong constant) is wrong at nearly every step, even when the
/// error is small enough for rule 1;</item>
/// <item>the argmax agrees on at least <see cref="MinArgmaxAgreement"/> of the steps.</item>
/// </list>
/// Observed on those models: ≥ 91 % of the steps within the float32 tolerance and 100 % argmax agreement.
/// Any non-finite logit, a step where only one session was Ready (<see cref="AddStatusMismatch"/>) or no step at all fails.
/// </para>
/// </summary>
public sealed class ExecutionCheck
{
    /// <summary>Float32 tolerance relative to max(1, max|logits|) (<c>models/README.md §4.3</c>).</summary>
    public const double Float32RelativeTolerance = 2e-4;

    /// <summary>Int8 per-step bound relative to max(1, max|logits|): four int8 quantisation steps, 4/127.</summary>
    public const double Int8StepBound = 4.0 / 127.0;

    /// <summary>Int8: smallest fraction of steps that must also meet <see cref="Float32RelativeTolerance"/>.</summary>
    public const double MinInt8FloatMatchFraction = 0.5;

    /// <summary>Int8: smallest fraction of steps whose argmax must agree.</summary>
    public const double MinArgmaxAgreement = 0.95;

    private readonly int _classes;
    private bool _broken;

    /// <summary>A check for logits of <paramref name="classes"/> values; <paramref name="int8"/> selects the int8 rule.</summary>
    public ExecutionCheck(int classes, bool int8)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 1);
        _classes = classes;
        IsInt8 = int8;
    }

    /// <summary>True when the int8 rule applies (the model has int8 Linear weights).</summary>
    public bool IsInt8 { get; }

    /// <summary>Steps compared.</summary>
    public int Steps { get; private set; }

    /// <summary>Largest max|c − r| of any step.</summary>
    public double MaxDiff { get; private set; }

    /// <summary>
    /// Largest per-step ratio diff / limit, where the limit is the float32 tolerance (float32 models) or the int8
    /// step bound (int8 models) times max(1, max|r|); rule 1 holds when ≤ 1.
    /// </summary>
    public double WorstRatio { get; private set; }

    /// <summary>Steps whose difference is within the float32 tolerance.</summary>
    public int FloatMatches { get; private set; }

    /// <summary>Steps whose argmax agrees.</summary>
    public int ArgmaxMatches { get; private set; }

    /// <summary>Fraction of steps within the float32 tolerance (0 when no steps).</summary>
    public double FloatMatchFraction => Steps == 0 ? 0 : (double)FloatMatches / Steps;

    /// <summary>Fraction of steps whose argmax agrees (0 when no steps).</summary>
    public double ArgmaxAgreement => Steps == 0 ? 0 : (double)ArgmaxMatches / Steps;

    /// <summary>Compares one Ready step: continual logits <paramref name="continual"/> against recomputed <paramref name="recompute"/>.</summary>
    public void Add(ReadOnlySpan<float> continual, ReadOnlySpan<float> recompute)
    {
        if (continual.Length != _classes || recompute.Length != _classes)
            throw new ArgumentException($"ExecutionCheck: logits must have {_classes} values (got {continual.Length} and {recompute.Length}).");
        double scale = 1, diff = 0;
        int ac = 0, ar = 0;
        for (int i = 0; i < _classes; i++)
        {
            if (!float.IsFinite(continual[i]) || !float.IsFinite(recompute[i])) diff = double.PositiveInfinity;
            else diff = Math.Max(diff, Math.Abs((double)continual[i] - recompute[i]));
            scale = Math.Max(scale, Math.Abs((double)recompute[i]));
            if (continual[i] > continual[ac]) ac = i;
            if (recompute[i] > recompute[ar]) ar = i;
        }
        Steps++;
        MaxDiff = Math.Max(MaxDiff, diff);
        double limit = (IsInt8 ? Int8StepBound : Float32RelativeTolerance) * scale;
        WorstRatio = Math.Max(WorstRatio, diff / limit);
        if (diff <= Float32RelativeTolerance * scale) FloatMatches++;
        if (ac == ar) ArgmaxMatches++;
    }

    /// <summary>Records a step at which the two sessions returned different statuses (always a failure).</summary>
    public void AddStatusMismatch()
    {
        _broken = true;
        WorstRatio = double.PositiveInfinity;
    }

    /// <summary>True when every rule of the model's kind holds and at least one step was compared.</summary>
    public bool Passed =>
        !_broken && Steps > 0 && WorstRatio <= 1.0 &&
        (!IsInt8 || (FloatMatchFraction >= MinInt8FloatMatchFraction && ArgmaxAgreement >= MinArgmaxAgreement));

    /// <summary>One line: steps, max diff, worst ratio and (int8) the match fractions, with the verdict.</summary>
    public string Describe()
    {
        var inv = CultureInfo.InvariantCulture;
        string rule = IsInt8
            ? string.Create(inv, $", int8 rule: within f32 tolerance {FloatMatches}/{Steps} (need {MinInt8FloatMatchFraction:P0}), argmax agrees {ArgmaxMatches}/{Steps} (need {MinArgmaxAgreement:P0})")
            : string.Empty;
        return string.Create(inv, $"{Steps} outputs, max |diff| {MaxDiff:G3}, worst diff/limit {WorstRatio:F4}{rule} -> {(Passed ? "ok" : "MISMATCH")}");
    }
}
