#!/usr/bin/python3
"""Generate tests/fixtures/invalid/<case>/: inputs the converter or the device binary must
reject with a one-line error naming the problem (models/README.md §1, §2, §5).

  cd <repo root> && /usr/bin/python3 tools/pytorch/make_invalid_fixtures.py

Each case folder holds model.json + model.safetensors (and frames.npy for run-stage cases);
manifest.json lists {case: {"stage": "convert"|"run", "problem": ..., "expect_any": [...]}}:
the error message should contain at least one of the `expect_any` substrings (case-insensitive).
Run-stage cases use a valid model; convert it first, then run with the case's frames.npy.
"""
import argparse
import copy
import json
import os
import shutil
import struct
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from edge_model import EdgeModel, make_config  # noqa: E402
from export import state_dict_arrays, write_config  # noqa: E402
from safetensors_io import write_safetensors  # noqa: E402


def base():
    cfg = make_config(name="invalid-base", input_features=6, d_model=8, heads=2, window=8, layers=1, ff_dim=16,
                      classes=["a", "b", "c"], period=8, attention="nystrom", landmarks=4,
                      landmark_mode="continual")
    torch.manual_seed(99)
    model = EdgeModel(cfg)
    return cfg, state_dict_arrays(model)


def write_raw_safetensors(path, header, data):
    text = json.dumps(header).encode()
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        f.write(data)


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join("tests", "fixtures", "invalid"))
    args = ap.parse_args(argv)
    if os.path.isdir(args.out):
        shutil.rmtree(args.out)
    os.makedirs(args.out)
    cfg0, t0 = base()
    manifest = {}
    frames_ok = np.random.default_rng(1).normal(size=(20, 6)).astype(np.float32)

    def case(name, stage, problem, expect_any, cfg=None, tensors=None, frames=None, raw=None):
        d = os.path.join(args.out, name)
        os.makedirs(d)
        write_config(os.path.join(d, "model.json"), cfg if cfg is not None else cfg0)
        st = os.path.join(d, "model.safetensors")
        if raw is not None:
            raw(st)
        else:
            write_safetensors(st, tensors if tensors is not None else t0, "F32")
        if frames is not None:
            frames(os.path.join(d, "frames.npy"))
        manifest[name] = {"stage": stage, "problem": problem, "expect_any": expect_any}

    def cfg_with(**changes):
        c = copy.deepcopy(cfg0)
        for k, v in changes.items():
            if v is None:
                c.pop(k, None)
            else:
                c[k] = v
        return c

    def tensors_with(drop=(), **changes):
        t = {k: v for k, v in t0.items() if k not in drop}
        for k, v in changes.items():
            t[k.replace("__", ".")] = v
        return t

    # ---- converter stage: config ----
    case("config_bad_schema", "convert", "schema is not edge-attention/model@1", ["schema"],
         cfg=cfg_with(schema="edge-attention/model@2"))
    case("config_unknown_field", "convert", "unknown top-level field 'dropout'", ["dropout"],
         cfg=cfg_with(dropout=0.1))
    case("config_missing_window", "convert", "required field 'window' missing", ["window"],
         cfg=cfg_with(window=None))
    case("config_heads_not_divisor", "convert", "d_model 8 not divisible by heads 3", ["heads", "d_model"],
         cfg=cfg_with(heads=3))
    case("config_bad_activation", "convert", "activation 'swish' not gelu/relu", ["activation"],
         cfg=cfg_with(activation="swish"))
    case("config_bad_norm", "convert", "norm 'middle' not post/pre", ["norm"], cfg=cfg_with(norm="middle"))
    case("config_eps_zero", "convert", "layer_norm_eps must be > 0", ["layer_norm_eps"],
         cfg=cfg_with(layer_norm_eps=0.0))
    case("config_window_zero", "convert", "window must be >= 1", ["window"], cfg=cfg_with(window=0))
    c = cfg_with()
    del c["attention"]["landmarks"]
    case("config_nystrom_missing_landmarks", "convert", "nystrom needs attention.landmarks", ["landmarks"], cfg=c)
    c = cfg_with()
    c["attention"]["landmark_mode"] = "kmeans"
    case("config_bad_landmark_mode", "convert", "landmark_mode 'kmeans' not window/continual/fixed",
         ["landmark_mode"], cfg=c)
    c = cfg_with()
    c["attention"]["pinv_iterations"] = 0
    case("config_pinv_iterations_zero", "convert", "pinv_iterations must be >= 1", ["pinv_iterations"], cfg=c)
    c = cfg_with()
    c["positional"]["period"] = 7
    case("config_period_mismatch", "convert", "positional.period 7 but pos_embedding.weight has 8 rows",
         ["period", "pos_embedding"], cfg=c)
    case("config_classes_mismatch", "convert", "4 classes but classifier.weight has 3 rows",
         ["classes", "classifier"], cfg=cfg_with(classes=["a", "b", "c", "d"]))
    case("config_not_json", "convert", "model.json is not JSON", ["json", "model.json"],
         cfg={}, raw=None)
    with open(os.path.join(args.out, "config_not_json", "model.json"), "w") as f:
        f.write("{ \"schema\": \"edge-attention/model@1\", \n")
    c = cfg_with()
    c["attention"]["landmark_mode"] = "fixed"
    case("fixed_missing_landmark_tensors", "convert", "landmark_mode fixed needs layers.0.self_attn.landmarks_q/k",
         ["landmarks_q", "landmarks_k"], cfg=c)

    # ---- converter stage: tensors / safetensors ----
    case("tensor_missing", "convert", "layers.0.linear1.bias missing", ["layers.0.linear1.bias"],
         tensors=tensors_with(drop=("layers.0.linear1.bias",)))
    case("tensor_wrong_shape", "convert", "input_proj.weight is [8, 7], expected [8, 6]", ["input_proj.weight"],
         tensors=tensors_with(input_proj__weight=np.zeros((8, 7))))
    case("pos_embedding_missing", "convert", "recycling positions but no pos_embedding.weight",
         ["pos_embedding.weight"], tensors=tensors_with(drop=("pos_embedding.weight",)))

    def truncated(path):
        write_safetensors(path, t0, "F32")
        with open(path, "rb") as f:
            data = f.read()
        with open(path, "wb") as f:
            f.write(data[:len(data) - 100])
    case("safetensors_truncated", "convert", "file shorter than the data offsets in its header",
         ["safetensors", "offset", "truncat", "short"], raw=truncated)

    def header_too_long(path):
        with open(path, "wb") as f:
            f.write(struct.pack("<Q", 1 << 40))
            f.write(b"{}")
    case("safetensors_header_length_huge", "convert", "header length 2^40 exceeds the file (must not allocate it)",
         ["header", "safetensors"], raw=header_too_long)

    def bad_dtype(path):
        hdr = {}
        data = b""
        for k, v in sorted(t0.items()):
            raw = np.asarray(v, dtype="<f4").tobytes()
            dt = "F32"
            if k == "classifier.bias":
                raw = np.asarray(v, dtype="<i4").tobytes()
                dt = "I32"
            hdr[k] = {"dtype": dt, "shape": list(np.shape(v)), "data_offsets": [len(data), len(data) + len(raw)]}
            data += raw
        write_raw_safetensors(path, hdr, data)
    case("safetensors_unsupported_dtype", "convert", "classifier.bias has dtype I32", ["I32", "classifier.bias"],
         raw=bad_dtype)

    def offsets_mismatch(path):
        hdr = {}
        data = b""
        for k, v in sorted(t0.items()):
            raw = np.asarray(v, dtype="<f4").tobytes()
            end = len(data) + len(raw) - (4 if k == "input_proj.bias" else 0)
            hdr[k] = {"dtype": "F32", "shape": list(np.shape(v)), "data_offsets": [len(data), end]}
            data += raw
        write_raw_safetensors(path, hdr, data)
    case("safetensors_offsets_shape_mismatch", "convert", "input_proj.bias byte range does not match shape [8] x F32",
         ["input_proj.bias"], raw=offsets_mismatch)

    # ---- run stage: frames (valid model) ----
    def npy(arr):
        return lambda p: np.save(p, arr)
    case("frames_wrong_features", "run", "frames have 7 features, model expects 6",
         ["feature", "frames", "7", "6"], frames=npy(frames_ok[:, :5].repeat(2, axis=1)[:, :7]))
    case("frames_3d", "run", "frames.npy is 3-D, expected [T, F]", ["shape", "frames", "2-D", "dimension"],
         frames=npy(frames_ok.reshape(2, 10, 6)))
    case("frames_int32", "run", "frames.npy dtype <i4, expected <f4 or <f8", ["dtype", "frames", "i4"],
         frames=npy(np.zeros((20, 6), dtype=np.int32)))
    case("frames_fortran_order", "run", "frames.npy is Fortran order, expected C order", ["fortran", "order"],
         frames=npy(np.asfortranarray(frames_ok)))

    def not_npy(p):
        with open(p, "wb") as f:
            f.write(b"this is not a numpy file\n")
    case("frames_not_npy", "run", "frames.npy has no NUMPY magic", ["npy", "magic", "numpy"], frames=not_npy)

    with open(os.path.join(args.out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")
    lines = ["# Invalid-input fixtures (generated; do not edit by hand)", "",
             "Regenerate: `/usr/bin/python3 tools/pytorch/make_invalid_fixtures.py`", "",
             "Each must be rejected with a non-zero exit and a one-line error; the message should contain",
             "one of `expect_any` (case-insensitive). `convert` cases: run edge-attention-convert on the",
             "folder's model.json + model.safetensors. `run` cases: the model is valid; convert it, then",
             "run with the folder's frames.npy. Machine-readable list: manifest.json.", "",
             "| case | stage | problem | expect_any |", "|---|---|---|---|"]
    for k, v in manifest.items():
        lines.append(f"| `{k}` | {v['stage']} | {v['problem']} | {', '.join(v['expect_any'])} |")
    with open(os.path.join(args.out, "README.md"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print(f"wrote {len(manifest)} cases to {args.out}")


if __name__ == "__main__":
    main()
