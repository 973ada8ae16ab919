namespace EdgeAttention.Model;

/// <summary>How a <see cref="Session"/> evaluates each step (models/README.md §5 <c>--execution</c>).</summary>
public enum Execution
{
    /// <summary>Layer 1 uses the continual attention updates (Hedegaard et al., ICLR 2023; Carreto Picón et al., 2025).</summary>
    Continual,

    /// <summary>Every window is evaluated from scratch with the same weights: the non-continual baseline.</summary>
    Recompute,
}

/// <summary>Result of one <see cref="Session.Step"/>.</summary>
public enum StepStatus
{
    /// <summary>The frame was accepted but the window is not full yet (t &lt; n − 1): no logits.</summary>
    Warmup,

    /// <summary>The frame was accepted and the logits were written.</summary>
    Ready,

    /// <summary>The frame had NaN/Inf (or the wrong length, or its token is beyond Session.MaxTokenMagnitude): the session state is untouched.</summary>
    Rejected,
}
