namespace EdgeAttention.Attention;

/// <summary>Which attention function a layer computes (contract §4).</summary>
public enum AttentionKind
{
    /// <summary>Exact scaled dot-product attention over the window (contract §4.1).</summary>
    Softmax,

    /// <summary>Nyström approximation with m landmarks (contract §4.2); m ≥ n means exact softmax.</summary>
    Nystrom,
}

/// <summary>Where the Nyström landmarks come from (contract §4.2).</summary>
public enum LandmarkMode
{
    /// <summary>Segment means of the current window's q and k (recomputed for every window).</summary>
    Window,

    /// <summary>Segment means of the stream's q and k on the fixed segment schedule; change once per segment.</summary>
    Continual,

    /// <summary>Constant landmarks given with the model.</summary>
    Fixed,
}
