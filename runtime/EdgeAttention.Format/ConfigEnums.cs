namespace EdgeAttention.Format;

// Enumerations of model.json (models/README.md §1): the one set of config values, used by every layer above Format
// (the attention layer takes AttentionKind and LandmarkMode in its options).

/// <summary>Feed-forward activation: "gelu" (exact erf form) or "relu".</summary>
public enum ActivationKind { Gelu, Relu }

/// <summary>Layer-norm placement: "post" (PyTorch norm_first=False) or "pre".</summary>
public enum NormPlacement { Post, Pre }

/// <summary>Positional term: "none" or "recycling" (pos[t mod P], models/README.md §3).</summary>
public enum PositionalKind { None, Recycling }

/// <summary>Which attention function a layer computes (models/README.md §4): "softmax" or "nystrom".</summary>
public enum AttentionKind
{
    /// <summary>Exact scaled dot-product attention over the window (§4.1).</summary>
    Softmax,

    /// <summary>Nyström approximation with m landmarks (§4.2); m ≥ n means exact softmax.</summary>
    Nystrom,
}

/// <summary>Where the Nyström landmarks come from (models/README.md §4.2): "window", "continual" or "fixed".</summary>
public enum LandmarkMode
{
    /// <summary>Segment means of the current window's q and k (recomputed for every window).</summary>
    Window,

    /// <summary>Segment means of the stream's q and k on the fixed segment schedule; change once per segment.</summary>
    Continual,

    /// <summary>Constant landmarks given with the model.</summary>
    Fixed,
}
