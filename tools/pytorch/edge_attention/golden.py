"""The float64 NumPy golden evaluator (tools/pytorch/golden.py; models/README.md §3-§4), independent of PyTorch.

  golden_logits(config, tensors, frames[T, F]) -> float64 logits [T - n + 1, classes]
"""
from edge_attention import TOOLS_DIR  # noqa: F401  (puts the scripts on sys.path)
from golden import golden_logits  # noqa: E402

__all__ = ["golden_logits"]
