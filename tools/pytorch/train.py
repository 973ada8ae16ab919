#!/usr/bin/python3
"""Train an EdgeModel briefly on a synthetic keyword-spotting task and save a checkpoint.

  /usr/bin/python3 tools/pytorch/train.py --config model.json --output ckpt.pt [--steps 400] [--seed 1]

The synthetic task (no data set needed): frames of F "filterbank" features; background is
noise; a keyword is a 16..28-frame burst whose energy band sweeps up through the low features
("yes", class 1) or down through the high features ("no", class 2). A window is labelled with the keyword it fully
contains, else "silence" (class 0). Training uses window-mode landmarks (continual landmarks
equal window ones whenever (t+1) % n == 0, contract §4.2) at random stream offsets so the
recycling positions are all seen.
"""
import argparse
import json
import math
import os
import sys

import numpy as np
import torch
import torch.nn.functional as Fn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from edge_model import EdgeModel  # noqa: E402


def background(T, F, rng):
    """[T, F] noise with a slow per-feature drift."""
    drift = np.cumsum(rng.normal(0, 0.02, size=(T, F)), axis=0)
    return (0.3 * rng.normal(size=(T, F)) + drift - drift.mean(0)).astype(np.float32)


def keyword(cls, length, F, rng):
    """[length, F] burst: a Gaussian energy band sweeping up through the low features (cls 1,
    "yes") or down through the high features (cls 2, "no")."""
    lo, hi = (0.15 * F, 0.45 * F) if cls == 1 else (0.85 * F, 0.55 * F)
    centres = np.linspace(lo, hi, length) + rng.normal(0, 0.5)
    f = np.arange(F)[None, :]
    width = 0.06 * F
    amp = rng.uniform(2.5, 3.5)
    return (amp * np.exp(-0.5 * ((f - centres[:, None]) / width) ** 2)).astype(np.float32)


def sample_window(n, F, rng):
    """One training window [n, F] and its label: cropped from a longer background (same drift
    statistics as a stream); a keyword may be cut by either window edge, and only a keyword
    fully inside the window gives its class (the rule of expected_labels)."""
    x = background(4 * n, F, rng)[-n:].copy()
    cls = int(rng.integers(0, 3))
    if cls:
        length = int(rng.integers(16, 29))
        start = int(rng.integers(-length + 1, n))
        burst = keyword(cls, length, F, rng)
        a, b = max(start, 0), min(start + length, n)
        x[a:b] += burst[a - start:b - start]
        if start < 0 or start + length > n:
            cls = 0
    return x, cls


def synthetic_stream(T, F, events, seed):
    """[T, F] stream with keywords at (start, cls, length) events; returns frames and the
    per-step expected label (class of a keyword fully inside the window ending at t, n given later)."""
    rng = np.random.default_rng(seed)
    x = background(T, F, rng)
    for start, cls, length in events:
        x[start:start + length] += keyword(cls, length, F, rng)
    return x


def expected_labels(T, n, events):
    """Label per step t = n-1 .. T-1: keyword fully inside positions t-n+1 .. t, else 0."""
    out = []
    for t in range(n - 1, T):
        lab = 0
        for start, cls, length in events:
            if start >= t - n + 1 and start + length - 1 <= t:
                lab = cls
        out.append(lab)
    return np.array(out)


def train(config, steps=400, batch=32, seed=1, lr=3e-3, log=print):
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    model = EdgeModel(config, input_norm=False)
    n, F = config["window"], config["input_features"]
    period = model.period or 1
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: 0.5 * (1 + math.cos(math.pi * s / steps)))
    model.train()
    for step in range(steps):
        xs, ys = zip(*(sample_window(n, F, rng) for _ in range(batch)))
        x = torch.as_tensor(np.stack(xs))
        y = torch.as_tensor(ys)
        start = int(rng.integers(0, period))
        loss = Fn.cross_entropy(model(x, start), y)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        if step % 50 == 0 or step == steps - 1:
            log(f"step {step:4d} loss {loss.item():.4f}")
    model.eval()
    return model


def main(argv=None):
    ap = argparse.ArgumentParser(description="train an EdgeModel on the synthetic keyword task")
    ap.add_argument("--config", required=True)
    ap.add_argument("--output", required=True, help="checkpoint .pt for export.py")
    ap.add_argument("--steps", type=int, default=400)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    torch.set_num_threads(1)
    with open(args.config) as f:
        config = json.load(f)
    model = train(config, args.steps, seed=args.seed)
    torch.save({"config": config, "input_norm": False, "state_dict": model.state_dict()}, args.output)
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
