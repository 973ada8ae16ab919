"""The PyTorch twin of the runtime's model (tools/pytorch/edge_model.py; models/README.md §2-§3).

  EdgeModel(config)            nn.Module; state_dict() names are exactly models/README.md §2
  make_config(...)             a §1 model.json dict
  load_tensors_into(m, dict)   load {name: array} (e.g. read_safetensors or read_eam output) into an EdgeModel
"""
from edge_attention import TOOLS_DIR  # noqa: F401  (puts the scripts on sys.path)
from edge_model import EdgeModel, NystromAttention, NystromEncoderLayer, load_tensors_into, make_config  # noqa: E402

__all__ = ["EdgeModel", "NystromAttention", "NystromEncoderLayer", "load_tensors_into", "make_config"]
