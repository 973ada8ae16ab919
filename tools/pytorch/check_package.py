#!/usr/bin/python3
"""Checks the installable package (pyproject.toml, edge_attention/) the way a user installs it, offline:

  1. /usr/bin/python3 -m venv --system-site-packages <tmp>/venv; <tmp>/venv/bin/pip install --no-build-isolation
     --no-index <copy of tools/pytorch>  (Debian's setuptools/wheel, torch and numpy; no network);
  2. every console script answers --help; the package's version is the .eam format version of
     runtime/EdgeAttention.Format/EamLayout.cs (major) and the C# programs' (Directory.Build.props);
  3. edge-attention-train on the synthetic task (a few steps of models/kws-tiny's config) -> checkpoint;
     edge-attention-export -> model.json + model.safetensors that edge_attention.config/.safetensors read back and
     whose tensors equal the checkpoint's state_dict;
  4. edge-attention-features on models/kws12/demo.wav == models/kws12/demo_frames.npy (the frames the golden
     logits were made from) within float32 rounding, and == the NumPy oracle (--reference);
  5. with the converter (--convert CMD, default: the built edge-attention-convert.dll if present): the exported
     model converted to float32 and int8 .eam, read back by edge_attention.eam: float32 tensors bit-equal to the
     safetensors, int8 tensors within half a quantization step per row; the CRC-32C is checked by the reader;
  6. bad input gives one line and a non-zero exit code (missing WAV, config without a frontend, damaged .eam).

  /usr/bin/python3 tools/pytorch/check_package.py [--convert "dotnet path/to/edge-attention-convert.dll"]
Exit 0 when every check passes; prints one line per check.
"""
import argparse
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SCRIPTS = ["edge-attention-train", "edge-attention-export", "edge-attention-features", "edge-attention-golden",
           "edge-attention-eval", "edge-attention-synth-kws", "edge-attention-eam"]
failures = []


def check(ok, what):
    print(f"{'ok  ' if ok else 'FAIL'} {what}")
    if not ok:
        failures.append(what)


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default_dll = os.path.join(ROOT, "tools/EdgeAttention.Convert/bin/Release/net10.0/edge-attention-convert.dll")
    ap.add_argument("--convert", default=f"dotnet {default_dll}" if os.path.isfile(default_dll) else None,
                    help="command of the converter (default: the Release build's dll when present)")
    a = ap.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="ea-package-") as tmp:
        src = os.path.join(tmp, "src")         # a copy, so the build leaves nothing in the repository
        shutil.copytree(HERE, src, ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__"))
        venv = os.path.join(tmp, "venv")
        subprocess.run(["/usr/bin/python3", "-m", "venv", "--system-site-packages", venv], check=True)
        bin_ = os.path.join(venv, "bin")
        r = run([os.path.join(bin_, "pip"), "install", "--no-build-isolation", "--no-index", "-q", src])
        check(r.returncode == 0, f"pip install --no-build-isolation --no-index (offline) into a --system-site-packages venv{'' if r.returncode == 0 else ': ' + r.stderr[-800:]}")
        if r.returncode != 0:
            return 1
        for s in SCRIPTS:
            r = run([os.path.join(bin_, s), "--help"], cwd=tmp)
            check(r.returncode == 0 and "usage:" in r.stdout, f"{s} --help")
        py = os.path.join(bin_, "python")
        r = run([py, "-c", "import edge_attention as e, edge_attention.model, edge_attention.frontend, "
                 "edge_attention.safetensors, edge_attention.eam, edge_attention.config, edge_attention.golden; "
                 "print(e.__version__, e.EAM_FORMAT_VERSION, e.TOOLS_DIR)"], cwd=tmp)
        version, fmt, tools_dir = (r.stdout.split() + ["?", "?", "?"])[:3]
        layout = open(os.path.join(ROOT, "runtime/EdgeAttention.Format/EamLayout.cs")).read()
        want_fmt = re.search(r"const uint Version = (\d+);", layout).group(1)
        props = open(os.path.join(ROOT, "Directory.Build.props")).read()
        release = re.search(r"<EdgeAttentionRelease>([0-9.]+)</EdgeAttentionRelease>", props).group(1)
        check(r.returncode == 0 and fmt == want_fmt and version == f"{want_fmt}.{release}" and tools_dir.startswith(venv),
              f"import edge_attention from the venv: version {version} (C# programs {want_fmt}.{release}), "
              f".eam format {fmt} (EamLayout.cs {want_fmt}), scripts in {tools_dir}")

        # 3. train a few steps, export, read back
        work = os.path.join(tmp, "work")
        os.makedirs(work)
        ckpt = os.path.join(work, "ckpt.pt")
        r = run([os.path.join(bin_, "edge-attention-train"), "--config", os.path.join(ROOT, "models/kws-tiny/model.json"),
                 "--output", ckpt, "--steps", "4", "--eval-every", "4", "--val-batches", "1", "--log-every", "2"], cwd=work)
        check(r.returncode == 0 and os.path.isfile(ckpt), f"edge-attention-train --steps 4 (synthetic task) -> checkpoint{'' if r.returncode == 0 else ': ' + (r.stderr or r.stdout)[-600:]}")
        out = os.path.join(work, "my-model")
        r = run([os.path.join(bin_, "edge-attention-export"), "--checkpoint", ckpt, "--output-dir", out], cwd=work)
        check(r.returncode == 0, f"edge-attention-export -> {os.path.basename(out)}/{'' if r.returncode == 0 else ': ' + r.stderr[-600:]}")
        r = run([py, "-c", f"""
import sys, torch, numpy as np
from edge_attention.config import load_config
from edge_attention.safetensors import read_safetensors
cfg = load_config({os.path.join(out, 'model.json')!r})
t, _ = read_safetensors({os.path.join(out, 'model.safetensors')!r})
sd = torch.load({ckpt!r}, map_location='cpu')['state_dict']
bad = [k for k in sd if k not in t or not np.array_equal(np.float32(sd[k].double().numpy()), np.float32(t[k]))]
print(len(t), len(bad))
sys.exit(1 if bad or len(t) != len(sd) else 0)
"""], cwd=work)
        check(r.returncode == 0, f"exported model.json validates and model.safetensors holds the checkpoint's tensors ({r.stdout.strip() or r.stderr[-400:]})")

        # 4. features of the demo WAV
        frames = os.path.join(work, "demo_frames.npy")
        wav = os.path.join(ROOT, "models/kws12/demo.wav")
        cfg = os.path.join(ROOT, "models/kws12/model.json")
        r = run([os.path.join(bin_, "edge-attention-features"), "--config", cfg, "--input", wav, "--output", frames], cwd=work)
        ok = r.returncode == 0 and os.path.isfile(frames)
        if ok:
            got = np.load(frames)
            want = np.load(os.path.join(ROOT, "models/kws12/demo_frames.npy"))
            err = float(np.max(np.abs(got.astype(np.float64) - want))) if got.shape == want.shape else float("inf")
            ok = got.dtype == np.float32 and err <= 1e-4 * max(1.0, float(np.max(np.abs(want))))
            detail = f"shape {got.shape} vs {want.shape}, max |diff| {err:.2e}"
        else:
            detail = r.stderr.strip()[-400:]
        check(ok, f"edge-attention-features demo.wav == models/kws12/demo_frames.npy ({detail})")
        ref = os.path.join(work, "demo_frames_ref.npy")
        r = run([os.path.join(bin_, "edge-attention-features"), "--config", cfg, "--input", wav, "--output", ref, "--reference"], cwd=work)
        ok = r.returncode == 0 and np.array_equal(np.load(ref).shape, np.load(frames).shape) and \
            float(np.max(np.abs(np.load(ref).astype(np.float64) - np.load(frames)))) < 1e-4
        check(ok, "edge-attention-features --reference (NumPy oracle) == torch front end")

        # 5. converter -> .eam -> Python reader
        if a.convert:
            conv = shlex.split(a.convert)
            for quant in ("float32", "int8"):
                eam = os.path.join(work, f"my-{quant}.eam")
                cmd = conv + ["--config", os.path.join(out, "model.json"), "--weights", os.path.join(out, "model.safetensors"), "--output", eam]
                if quant == "int8":
                    cmd += ["--quantize", "int8"]
                r = run(cmd, cwd=work)
                if r.returncode != 0:
                    check(False, f"convert {quant}: {r.stderr.strip()[-400:]}")
                    continue
                r = run([py, "-c", f"""
import sys, numpy as np
from edge_attention.eam import read_eam
from edge_attention.safetensors import read_safetensors
m = read_eam({eam!r})
t, _ = read_safetensors({os.path.join(out, 'model.safetensors')!r})
worst = 0.0
for k, v in t.items():
    w = np.float32(v)
    if k in m.int8:
        step = m.int8[k][:, None] / 2 * (1 + 1e-6)
        worst = max(worst, float(np.max(np.abs(m.tensors[k] - w) / np.maximum(step, 1e-30))))
        assert np.all(np.abs(m.tensors[k] - w) <= step + 1e-12), k
    else:
        assert np.array_equal(m.tensors[k], w), k
assert set(m.tensors) == set(t), sorted(set(m.tensors) ^ set(t))
print(f"{{len(m.tensors)}} tensors, {{len(m.int8)}} int8, worst int8 error {{worst:.2f}} of half a step")
"""], cwd=work)
                check(r.returncode == 0, f"edge_attention.eam reads the converter's {quant} .eam: {(r.stdout or r.stderr).strip()[-400:]}")
            damaged = os.path.join(work, "damaged.eam")
            data = bytearray(open(os.path.join(work, "my-float32.eam"), "rb").read())
            data[len(data) // 2] ^= 0x40
            open(damaged, "wb").write(data)
            r = run([os.path.join(bin_, "edge-attention-eam"), damaged], cwd=work)
            check(r.returncode == 1 and r.stderr.count("\n") == 1 and "CRC-32C mismatch" in r.stderr,
                  f"damaged .eam: exit {r.returncode}, {r.stderr.strip()}")
        else:
            print("skip convert -> .eam -> edge_attention.eam (no converter: build tools/EdgeAttention.Convert -c Release or pass --convert)")

        # 6. bad input
        r = run([os.path.join(bin_, "edge-attention-features"), "--config", cfg, "--input", "missing.wav", "--output", "x.npy"], cwd=work)
        check(r.returncode == 1 and r.stderr.count("\n") == 1 and "missing.wav not found" in r.stderr,
              f"missing WAV: exit {r.returncode}, {r.stderr.strip()}")
        r = run([os.path.join(bin_, "edge-attention-features"), "--config", os.path.join(ROOT, "models/kws-tiny/model.json"),
                 "--input", wav, "--output", "x.npy"], cwd=work)
        check(r.returncode == 2 and r.stderr.count("\n") == 1 and "no 'frontend' block" in r.stderr and not os.path.exists(os.path.join(work, "x.npy")),
              f"config without a frontend: exit {r.returncode}, {r.stderr.strip()}")

    print(f"package: {'PASS' if not failures else 'FAIL (' + str(len(failures)) + ')'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
