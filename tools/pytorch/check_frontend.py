#!/usr/bin/python3
"""Checks of the §6 log-mel front end (frontend.py) and of tests/fixtures/frontend.

  cd <repo root> && /usr/bin/python3 tools/pytorch/check_frontend.py

- the filterbank: shape, triangle peaks of 1 at the centre points, zero outside (f_b, f_{b+2}),
  linear between (checked against the §6 formula evaluated point by point, not vectorised);
- the periodic Hann window and the frame count T = floor((S - W) / H) + 1 (0 when S < W);
- one frame by a literal DFT sum (float64, no FFT) == logmel_reference;
- torch LogMel in float64 == logmel_reference within 1e-9; in float32 within the §6 1e-3;
- every committed fixture: the WAV reads back, features reproduce bit for bit.
Exit 0 when all pass, 1 with the failing check otherwise.
"""
import json
import math
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from frontend import (DEFAULT_FRONTEND, frame_count, hann_periodic, logmel_reference,  # noqa: E402
                      mel_filterbank, read_wav)

FIXTURES = os.path.join("tests", "fixtures", "frontend")
failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


def filterbank_pointwise(fe, b, j):
    """fb[b, j] straight from the §6 text, scalar math."""
    mel = lambda f: 2595.0 * math.log10(1.0 + f / 700.0)  # noqa: E731
    lo, hi, M = mel(fe["fmin"]), mel(fe["fmax"]), fe["mels"]
    pts = [700.0 * (10 ** ((lo + (hi - lo) * i / (M + 1)) / 2595.0) - 1.0) for i in range(M + 2)]
    f = j * fe["sample_rate"] / fe["fft"]
    a, c, e = pts[b], pts[b + 1], pts[b + 2]
    if f <= a or f >= e:
        return 0.0
    return (f - a) / (c - a) if f <= c else (e - f) / (e - c)


def main():
    fe = DEFAULT_FRONTEND
    fb = mel_filterbank(fe)
    check(fb.shape == (40, 257), "filterbank shape [40, 257]")
    worst = max(abs(fb[b, j] - filterbank_pointwise(fe, b, j)) for b in range(40) for j in range(257))
    check(worst < 1e-12, f"filterbank == pointwise §6 formula (max diff {worst:.1e})")
    check(np.all(fb >= 0) and np.all(fb <= 1), "filterbank values in [0, 1]")
    check(np.all(fb[:, 0] == 0), "no filter touches DC when fmin = 20 Hz")
    w = hann_periodic(400)
    check(w[0] == 0 and abs(w[200] - 1) < 1e-15 and abs(w[100] - 0.5) < 1e-15 and abs(w[1] - w[399]) < 1e-15,
          "periodic Hann: w[0]=0, w[W/2]=1, w[W/4]=0.5, symmetric about W/2")
    for s, t in [(0, 0), (399, 0), (400, 1), (559, 1), (560, 2), (16000, 98), (12345, 75)]:
        check(frame_count(s, fe) == t, f"frame_count({s}) == {t}")

    rng = np.random.default_rng(5)
    x = rng.uniform(-0.5, 0.5, 1000)
    ref = logmel_reference(x, fe)
    k = 3
    seg = x[k * 160:k * 160 + 400] * w
    jj = np.arange(257)[:, None]
    ii = np.arange(400)[None, :]
    X = (seg[None, :] * np.exp(-2j * np.pi * jj * ii / 512)).sum(1)       # literal DFT, zero-padded to 512
    lit = np.log(fb @ (np.abs(X) ** 2) + 1e-6)
    check(np.max(np.abs(lit - ref[k])) < 1e-10, "frame 3 by a literal DFT sum == logmel_reference")

    try:
        import torch
        from frontend import LogMel
        have_torch = True
    except ImportError:
        have_torch = False
        print("skip torch checks (no torch)")
    if have_torch:
        for dt, tol in [(torch.float64, 1e-9), (torch.float32, 1e-3)]:
            lm = LogMel(fe, dt)
            y = lm(torch.as_tensor(x, dtype=dt)).double().numpy()
            err = float(np.max(np.abs(y - ref)))
            check(y.shape == ref.shape and err < tol, f"torch LogMel {dt} vs reference: {err:.2e} < {tol}")
        yb = LogMel(fe, torch.float64)(torch.as_tensor(np.stack([x, x[::-1].copy()])))
        check(float((yb[0] - torch.as_tensor(ref)).abs().max()) < 1e-9, "torch LogMel batched [2, S]")

    with open(os.path.join(FIXTURES, "manifest.json")) as f:
        manifest = json.load(f)
    for case in manifest["cases"]:
        a, sr = read_wav(os.path.join(FIXTURES, case["wav"]))
        cfe = case["frontend"]
        feats = np.load(os.path.join(FIXTURES, case["features"]))
        again = logmel_reference(a.astype(np.float64) / 32768.0, cfe)
        check(sr == cfe["sample_rate"] and len(a) == case["samples"] and feats.dtype == np.float64
              and feats.shape == (case["frames"], cfe["mels"]) and np.array_equal(feats, again),
              f"fixture {case['name']}: {len(a)} samples -> {feats.shape} reproduces")
        if have_torch and feats.shape[0]:
            y = LogMel(cfe, torch.float32)(torch.as_tensor(a.astype(np.float64) / 32768.0, dtype=torch.float32))
            err = float(np.max(np.abs(y.double().numpy() - feats)))
            # informational: a float32 FFT's rounding noise (~1e-7 of the loudest band) is a large log error
            # in bands 1e-14 below the peak (chirp); manifest.json records the figure per case
            print(f"info fixture {case['name']}: torch float32 max |error| {err:.1e}"
                  f"{'  (> tolerance ' + str(manifest['tolerance']) + ')' if err > manifest['tolerance'] else ''}")
    sil = np.load(os.path.join(FIXTURES, "silence.npy"))
    check(np.all(sil == math.log(1e-6)), "silence fixture == ln(log_floor) everywhere")
    fbf = np.load(os.path.join(FIXTURES, "mel_filterbank.npy"))
    check(np.array_equal(fbf, fb), "mel_filterbank.npy == mel_filterbank(default)")
    if failures:
        print(f"{len(failures)} check(s) failed")
        return 1
    print("all front-end checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
