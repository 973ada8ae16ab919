"""edge-attention-features: a WAV clip -> the model's log-mel frames as float32 .npy [T, mels] (models/README.md §6),
the same frames `edge-attention features` writes on the board (within float32 rounding).

  edge-attention-features --config model.json --input clip.wav --output frames.npy [--reference]
  edge-attention-features --model model.eam   --input clip.wav --output frames.npy

The front end is the config's `frontend` block (model.json, or the config stored in a .eam file). Default: the torch
LogMel in float64; --reference uses the frame-by-frame NumPy oracle (slower, same values to ~1e-12).
Errors: one line, exit 2 for a bad config or usage, 1 for a bad input file.
"""
import argparse
import os
import sys

import numpy as np

from edge_attention import TOOLS_DIR  # noqa: F401  (puts the scripts on sys.path)
from config_check import ConfigError, load_config, validate_frontend  # noqa: E402
from frontend import LogMel, logmel_reference, read_wav  # noqa: E402


def features(fe, samples_int16, reference=False):
    """int16 samples [S] -> float32 frames [T, mels] of front end `fe` (a validated frontend block)."""
    x = samples_int16.astype(np.float64) / 32768.0
    if reference:
        out = logmel_reference(x, fe)
    else:
        import torch
        out = LogMel(fe, dtype=torch.float64)(torch.from_numpy(x)).numpy()
    return np.ascontiguousarray(out, dtype=np.float32)


def _frontend_of(args):
    if args.model:
        from edge_attention.eam import EamError, read_eam
        try:
            cfg = read_eam(args.model).config
        except EamError as e:
            raise ConfigError(str(e)) from e
        source = args.model
    else:
        cfg = load_config(args.config, tool="edge-attention-features")
        source = args.config
    fe = cfg.get("frontend")
    if fe is None:
        raise ConfigError(f"{source}: the model has no 'frontend' block (models/README.md §6); "
                          "features need an audio model such as models/kws12")
    return validate_frontend(fe, source, "edge-attention-features")


def main(argv=None):
    ap = argparse.ArgumentParser(prog="edge-attention-features",
                                 description="compute a model's log-mel frames of a WAV clip and write them as float32 .npy [T, mels]")
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--config", help="model.json with a frontend block (models/README.md §6)")
    src.add_argument("--model", help="or a .eam file (its stored config)")
    ap.add_argument("--input", required=True, help="PCM 16-bit WAV at the front end's sample rate (stereo is mixed down)")
    ap.add_argument("--output", required=True, help="frames.npy to write (float32 [T, mels])")
    ap.add_argument("--reference", action="store_true", help="use the NumPy float64 oracle instead of torch")
    a = ap.parse_args(argv)
    try:
        fe = _frontend_of(a)
    except ConfigError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    for path, what in ((a.config, "config"), (a.model, "model"), (a.input, "input")):
        if path and os.path.abspath(path) == os.path.abspath(a.output):
            print(f"error: --output {a.output} is the {what} file; write the frames to another path", file=sys.stderr)
            return 2
    if not os.path.isfile(a.input):
        print(f"error: WAV file {a.input} not found; pass --input <path to a PCM16 WAV>", file=sys.stderr)
        return 1
    try:
        samples, sr = read_wav(a.input)
    except ValueError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    if sr != fe["sample_rate"]:
        print(f"error: {a.input}: sample rate {sr} Hz but the front end wants {fe['sample_rate']} Hz; "
              f"resample first (sox {a.input} -r {fe['sample_rate']} -c 1 -b 16 out.wav)", file=sys.stderr)
        return 1
    frames = features(fe, samples, a.reference)
    tmp = a.output + ".tmp"
    try:
        with open(tmp, "wb") as f:
            np.save(f, frames)
        os.replace(tmp, a.output)
    except OSError as e:
        if os.path.exists(tmp):
            os.remove(tmp)
        print(f"error: cannot write {a.output}: {e.strerror or e}", file=sys.stderr)
        return 1
    print(f"wrote {a.output}: frames [{frames.shape[0]}, {frames.shape[1]}] ({len(samples)} samples at {sr} Hz)",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
