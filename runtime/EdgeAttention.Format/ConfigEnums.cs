namespace EdgeAttention.Format;

// Enumerations of model.json (contract §1). The names match EdgeAttention.Attention's enums on purpose;
// the model maps between the two with aliases.

/// <summary>Feed-forward activation: "gelu" (exact erf form) or "relu".</summary>
public enum ActivationKind { Gelu, Relu }

/// <summary>Layer-norm placement: "post" (PyTorch norm_first=False) or "pre".</summary>
public enum NormPlacement { Post, Pre }

/// <summary>Positional term: "none" or "recycling" (pos[t mod P], contract §3).</summary>
public enum PositionalKind { None, Recycling }

/// <summary>Per-head attention: "softmax" or "nystrom" (contract §4).</summary>
public enum AttentionKind { Softmax, Nystrom }

/// <summary>Nyström landmarks: "window", "continual" or "fixed" (contract §4.2).</summary>
public enum LandmarkMode { Window, Continual, Fixed }
