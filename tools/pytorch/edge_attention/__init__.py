"""edge_attention: the Python side of EdgeAttention (PyTorch twin, front end, file readers/writers, tools).

Installed with `pip install --no-build-isolation ./tools/pytorch` (see tools/pytorch/README.md), or used from the
repository with tools/pytorch on sys.path. The modules are thin views of the tools/pytorch scripts, which stay
runnable on their own (`/usr/bin/python3 tools/pytorch/train.py ...`):

  edge_attention.model        EdgeModel (the PyTorch twin, models/README.md §2-§3), make_config, load_tensors_into
  edge_attention.frontend     §6 log-mel: LogMel (torch), logmel_reference (NumPy float64), WAV read/write
  edge_attention.safetensors  read_safetensors / write_safetensors (F32, F16, BF16, F64)
  edge_attention.eam          read_eam: the runtime's .eam model file (runtime/EdgeAttention.Format/FORMAT.md)
  edge_attention.config       load_config / validate_config: model.json (§1, §6) with field-named messages
  edge_attention.golden       golden_logits: the float64 NumPy reference evaluator (§3-§4)

Command-line programs (pyproject.toml [project.scripts]): edge-attention-train, -export, -features, -golden, -eval,
-synth-kws, -check-config.

The scripts import each other by their file names (`from frontend import ...`), so this package puts the folder
that holds them on sys.path once: tools/pytorch in the repository, edge_attention/_tools when installed. Those
file-named modules are not installed as top-level modules of their own.
"""
import os
import sys

#: The .eam format version this package reads (runtime/EdgeAttention.Format/EamLayout.cs, EamLayout.Version).
EAM_FORMAT_VERSION = 1
#: Same version as the C# programs (Directory.Build.props): major = the .eam format version.
__version__ = f"{EAM_FORMAT_VERSION}.0.0"


def _tools_dir():
    here = os.path.dirname(os.path.abspath(__file__))
    for candidate in (os.path.join(here, "_tools"), os.path.dirname(here)):
        if os.path.isfile(os.path.join(candidate, "edge_model.py")):
            return candidate
    raise ImportError(f"edge_attention: the tools/pytorch scripts are not beside {here}; reinstall the package "
                      "(pip install --no-build-isolation ./tools/pytorch)")


#: The folder holding train.py, export.py, frontend.py, ... (the tools/pytorch scripts).
TOOLS_DIR = _tools_dir()
if TOOLS_DIR not in sys.path:
    sys.path.insert(0, TOOLS_DIR)
