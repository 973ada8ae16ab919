#!/usr/bin/python3
"""Export an EdgeModel to model.json + model.safetensors (models/README.md §1, §2).

  /usr/bin/python3 tools/pytorch/export.py --checkpoint ckpt.pt --output-dir out/ [--dtype F32|F16|BF16|F64]

A checkpoint is torch.save({"config": <model.json dict>, "input_norm": bool, "state_dict": ...}),
as written by train.py. F32 is the default; F16/BF16/F64 exist to exercise the converter
(the converter widens everything to float32).
"""
import argparse
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from safetensors_io import DTYPES, write_safetensors  # noqa: E402


def state_dict_arrays(model):
    """{name: numpy float64} of the model's state_dict (parameters and persistent buffers)."""
    return {k: v.detach().cpu().double().numpy() for k, v in model.state_dict().items()}


def write_config(path, config):
    with open(path, "w") as f:
        json.dump(config, f, indent=2)
        f.write("\n")


def export_model(model, output_dir, dtype="F32", config=None, metadata=None, extra_tensors=None):
    """Writes output_dir/model.json and output_dir/model.safetensors.
    extra_tensors: {name: array} written too (the converter must report and ignore them).
    Returns {name: float64 array} of the model's weights exactly as stored (after rounding to
    dtype; extras excluded), which is what golden logits must be computed from."""
    if dtype not in DTYPES:
        raise ValueError(f"--dtype must be one of {DTYPES}, got {dtype!r}")
    os.makedirs(output_dir, exist_ok=True)
    config = config or model.config
    write_config(os.path.join(output_dir, "model.json"), config)
    meta = {"format": "pt", "producer": "tools/pytorch/export.py"}
    meta.update(metadata or {})
    tensors = state_dict_arrays(model)
    clash = set(tensors) & set(extra_tensors or {})
    if clash:
        raise ValueError(f"extra tensors clash with model tensors: {sorted(clash)}")
    stored = write_safetensors(os.path.join(output_dir, "model.safetensors"),
                               {**tensors, **(extra_tensors or {})}, dtype, meta)
    return {k: v for k, v in stored.items() if k in tensors}


def main(argv=None):
    import torch
    from edge_model import EdgeModel

    ap = argparse.ArgumentParser(description="export an EdgeModel checkpoint to model.json + model.safetensors")
    ap.add_argument("--checkpoint", required=True)
    ap.add_argument("--output-dir", required=True)
    ap.add_argument("--dtype", default="F32", choices=DTYPES)
    args = ap.parse_args(argv)
    from config_check import ConfigError, validate_config
    ck = torch.load(args.checkpoint, map_location="cpu")
    try:
        validate_config(ck["config"], f"{args.checkpoint} (config)", "export.py")
    except ConfigError as e:
        print(f"error: {e}", file=sys.stderr)
        sys.exit(2)
    model = EdgeModel(ck["config"], input_norm=ck.get("input_norm", False))
    model.load_state_dict(ck["state_dict"])
    stored = export_model(model, args.output_dir, args.dtype)
    print(f"wrote {args.output_dir}/model.json and model.safetensors ({len(stored)} tensors, {args.dtype})")


if __name__ == "__main__":
    main()
