#!/usr/bin/python3
"""Run every tests/fixtures/invalid case through the real programs and check each is rejected
with a non-zero exit code and a ONE-line error containing one of the manifest's substrings.

  /usr/bin/python3 tools/pytorch/check_invalid.py --convert <edge-attention-convert> --host <edge-attention>

(e.g. the apphosts under $EA_ARTIFACTS/bin/EdgeAttention.Convert/release/ and
$EA_ARTIFACTS/bin/EdgeAttention.Host/release/). Exits non-zero if any case is not rejected properly.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT = os.path.abspath(os.path.join(HERE, "..", "..", "tests", "fixtures", "invalid"))


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--convert", required=True)
    ap.add_argument("--host", required=True)
    ap.add_argument("--fixtures", default=DEFAULT)
    args = ap.parse_args(argv)
    with open(os.path.join(args.fixtures, "manifest.json")) as f:
        manifest = json.load(f)
    bad = 0
    with tempfile.TemporaryDirectory(prefix="ea-invalid-") as tmp:
        out_eam = os.path.join(tmp, "out.eam")
        good_eam = os.path.join(tmp, "good.eam")
        out_npy = os.path.join(tmp, "out.npy")
        for name, v in manifest.items():
            d = os.path.join(args.fixtures, name)
            conv = [args.convert, "--config", os.path.join(d, "model.json"),
                    "--weights", os.path.join(d, "model.safetensors")]
            if v["stage"] == "convert":
                r = subprocess.run(conv + ["--output", out_eam], capture_output=True, text=True, timeout=120)
                left = os.path.exists(out_eam)
            else:
                subprocess.run(conv + ["--output", good_eam], capture_output=True, text=True, timeout=120, check=True)
                r = subprocess.run([args.host, "run", "--model", good_eam, "--input", os.path.join(d, "frames.npy"),
                                    "--output", out_npy], capture_output=True, text=True, timeout=120)
                left = os.path.exists(out_npy)
            msg = r.stderr.strip() or r.stdout.strip()
            hit = any(e.lower() in msg.lower() for e in v["expect_any"])
            good = r.returncode != 0 and hit and len(msg.splitlines()) == 1 and not left
            bad += not good
            print(f"{'ok  ' if good else 'FAIL'} {name} (exit {r.returncode}{', output left behind' if left else ''}): {msg}")
    print(f"{len(manifest) - bad}/{len(manifest)} invalid inputs rejected properly")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
