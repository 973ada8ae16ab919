#!/usr/bin/python3
"""Tests of config_check.py (the Python tools' model.json validator) and of the tools' exit code 2.

  cd <repo root> && /usr/bin/python3 tools/pytorch/check_config.py

Each broken config must raise ConfigError whose one-line message names the field (the converter's
words: "field '<name>' ... ; fix the config and re-run <tool>"); valid configs (models/kws-tiny,
models/kws12, every golden fixture) must pass; train.py and golden.py given a typo must print one
line starting with "error:" naming the field and exit 2 (no traceback).
"""
import copy
import glob
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from config_check import ConfigError, load_config, validate_config  # noqa: E402

BASE = {
    "schema": "edge-attention/model@1", "name": "t", "input_features": 40, "d_model": 64, "heads": 4,
    "window": 100, "layers": 1, "ff_dim": 128, "activation": "gelu", "norm": "post", "layer_norm_eps": 1e-5,
    "positional": {"kind": "recycling", "period": 100},
    "attention": {"kind": "nystrom", "landmarks": 10, "landmark_mode": "continual", "pinv_iterations": 6},
    "final_norm": True, "classes": ["silence", "yes"],
    "frontend": {"kind": "log-mel", "sample_rate": 16000, "window": 400, "hop": 160, "fft": 512, "mels": 40,
                 "fmin": 20, "fmax": 7600, "log_floor": 1e-6},
}


def mutate(path, value):
    """Copy of BASE with path (dotted) set to value, or removed when value is DELETE."""
    c = copy.deepcopy(BASE)
    keys = path.split(".")
    obj = c
    for k in keys[:-1]:
        obj = obj[k]
    if value is DELETE:
        del obj[keys[-1]]
    else:
        obj[keys[-1]] = value
    return c


DELETE = object()
CASES = [  # (path, value, field named in the message)
    ("d_modle", 64, "d_modle"), ("heads", 5, "heads"), ("heads", 0, "heads"), ("d_model", "64", "d_model"),
    ("window", 1.5, "window"), ("layers", True, "layers"), ("window", DELETE, "window"),
    ("activation", "swish", "activation"), ("norm", "middle", "norm"), ("layer_norm_eps", 0, "layer_norm_eps"),
    ("schema", "edge-attention/model@2", "schema"), ("positional.kind", "sinusoidal", "positional.kind"),
    ("positional.period", DELETE, "positional.period"), ("positional.peroid", 3, "positional.peroid"),
    ("attention.kind", "linear", "attention.kind"), ("attention.landmarks", 0, "attention.landmarks"),
    ("attention.landmark_mode", "moving", "attention.landmark_mode"), ("attention.landmarks", DELETE, "attention.landmarks"),
    ("attention.pinv_iterations", 0, "attention.pinv_iterations"), ("final_norm", "yes", "final_norm"),
    ("classes", [], "classes"), ("classes", "yes", "classes"), ("classes", ["a", 3], "classes[1]"),
    ("positional", "none", "positional"), ("input_features", 13, "input_features"),
    ("frontend.kind", "mfcc", "frontend.kind"), ("frontend.fft", 500, "frontend.fft"),
    ("frontend.hop", 401, "frontend.hop"), ("frontend.window", 1024, "frontend.window"),
    ("frontend.fmax", 9000, "frontend.fmax"), ("frontend.fmin", 8000, "frontend.fmax"),
    ("frontend.sample_rate", DELETE, "frontend.sample_rate"), ("frontend.log_floor", 0, "frontend.log_floor"),
    ("frontend.mel", 40, "frontend.mel"), ("frontend.fmin", -1, "frontend.fmin"),
]

failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


def main():
    validate_config(copy.deepcopy(BASE))
    for path, value, field in CASES:
        try:
            validate_config(mutate(path, value), "model.json", "train.py")
            check(False, f"{path} = {value!r} rejected")
        except ConfigError as e:
            msg = str(e)
            check(f"field '{field}'" in msg and "\n" not in msg and msg.endswith("re-run train.py"),
                  f"{path} = {'<deleted>' if value is DELETE else repr(value)}: {msg}")
    valid = glob.glob("models/*/model.json") + glob.glob("tests/fixtures/golden/*/model.json")
    for p in valid:
        try:
            load_config(p)
            check(True, f"{p} valid")
        except ConfigError as e:
            check(False, f"{p} valid: {e}")
    with tempfile.TemporaryDirectory() as d:
        for text, what in [("{\"schema\": ", "not valid JSON"), ('{"heads": 1, "heads": 2}', "'heads' appears more than once"),
                           ("[1, 2]", "top level must be a JSON object")]:
            p = os.path.join(d, "bad.json")
            with open(p, "w") as f:
                f.write(text)
            try:
                load_config(p)
                check(False, f"{text!r} rejected")
            except ConfigError as e:
                check(what in str(e), f"{text!r}: {e}")
        typo = os.path.join(d, "model.json")
        with open(typo, "w") as f:
            json.dump(mutate("d_modle", 64), f)
        for cmd in ([sys.executable, os.path.join(HERE, "train.py"), "--config", typo, "--output", os.path.join(d, "x.pt")],
                    [sys.executable, os.path.join(HERE, "golden.py"), "--config", typo, "--weights", "x", "--frames", "x",
                     "--output", os.path.join(d, "x.npy")]):
            r = subprocess.run(cmd, capture_output=True, text=True)
            lines = r.stderr.strip().splitlines()
            check(r.returncode == 2 and len(lines) == 1 and lines[0].startswith("error:") and "'d_modle'" in lines[0]
                  and not os.path.exists(os.path.join(d, "x.pt")),
                  f"{os.path.basename(cmd[1])} with a typo: exit {r.returncode}, stderr {r.stderr.strip()!r}")
        data = os.path.join(d, "data")
        os.makedirs(os.path.join(data, "yes"))
        with open(typo, "w") as f:
            json.dump(mutate("classes", ["silence", "yes", "maybe"]), f)
        import numpy as np
        from frontend import write_wav
        write_wav(os.path.join(data, "yes", "a_nohash_0.wav"), np.zeros(16000, np.int16), 16000)
        r = subprocess.run([sys.executable, os.path.join(HERE, "train.py"), "--config", typo, "--data", data,
                            "--output", os.path.join(d, "x.pt"), "--cache", os.path.join(d, "cache")],
                           capture_output=True, text=True)
        check(r.returncode == 2 and "field 'classes'" in r.stderr and "'maybe'" in r.stderr,
              f"train.py class without data: exit {r.returncode}, {r.stderr.strip()!r}")
        frames = os.path.join(d, "frames.npy")
        labels = os.path.join(d, "labels.npy")
        np.save(frames, np.zeros((300, 6), np.float32))
        np.save(labels, np.zeros(300, np.int64))
        with open(typo, "w") as f:
            json.dump({k: v for k, v in mutate("classes", ["a", "b"]).items() if k != "frontend"}, f)
        r = subprocess.run([sys.executable, os.path.join(HERE, "train.py"), "--config", typo, "--frames", frames,
                            "--labels", labels, "--output", os.path.join(d, "x.pt")], capture_output=True, text=True)
        check(r.returncode == 2 and "field 'input_features'" in r.stderr and "6 features" in r.stderr,
              f"train.py frames with 6 features vs input_features 40: exit {r.returncode}, {r.stderr.strip()!r}")
    if failures:
        print(f"{len(failures)} check(s) failed")
        return 1
    print("all config checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
