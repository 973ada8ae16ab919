"""model.json validation (tools/pytorch/config_check.py): models/README.md §1 and the §6 frontend block, with the
converter's one-line messages naming the field.

  load_config(path) -> dict          read, parse and validate; ConfigError on any problem
  validate_config(dict) -> dict
"""
from edge_attention import TOOLS_DIR  # noqa: F401  (puts the scripts on sys.path)
from config_check import ConfigError, load_config, validate_config, validate_frontend  # noqa: E402

__all__ = ["ConfigError", "load_config", "validate_config", "validate_frontend"]
