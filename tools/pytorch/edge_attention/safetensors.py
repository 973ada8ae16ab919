"""safetensors files without the safetensors package (tools/pytorch/safetensors_io.py).

  read_safetensors(path) -> ({name: float64 array}, metadata)
  write_safetensors(path, {name: array}, dtype="F32"|"F16"|"BF16"|"F64", metadata=None)
"""
from edge_attention import TOOLS_DIR  # noqa: F401  (puts the scripts on sys.path)
from safetensors_io import DTYPES, read_safetensors, write_safetensors  # noqa: E402

__all__ = ["DTYPES", "read_safetensors", "write_safetensors"]
