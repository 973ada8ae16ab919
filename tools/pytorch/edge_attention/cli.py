"""Console entry points of the installed package (pyproject.toml [project.scripts]); each runs the main() of the
tools/pytorch script of the same job with the command line it was given:

  edge-attention-train      train.py      train an EdgeModel (your WAV folder, frames.npy + labels.npy, or synthetic)
  edge-attention-export     export.py     checkpoint -> model.json + model.safetensors (what the converter reads)
  edge-attention-golden     golden.py     float64 golden logits of a model on frames.npy (models/README.md §4.3)
  edge-attention-eval       eval_kws.py   keyword-spotter evaluation (clip rule, confusion matrix, int8 simulation)
  edge-attention-synth-kws  synth_kws.py  synthesize a keyword data set (espeak-ng, festival)
  edge-attention-features   edge_attention.features   WAV -> log-mel frames .npy
  edge-attention-eam        edge_attention.eam        list a .eam file's tensors with the Python reader
"""
import sys

from edge_attention import TOOLS_DIR  # noqa: F401  (puts the scripts on sys.path)


def _run(script):
    module = __import__(script)
    code = module.main()
    return code if isinstance(code, int) else 0


def train():
    return _run("train")


def export():
    return _run("export")


def golden():
    return _run("golden")


def eval_kws():
    return _run("eval_kws")


def synth_kws():
    return _run("synth_kws")


def features():
    from edge_attention.features import main
    return main()


def eam():
    from edge_attention.eam import main
    return main()


if __name__ == "__main__":
    sys.exit(f"usage: use the edge-attention-* commands ({__doc__.splitlines()[0]})")
