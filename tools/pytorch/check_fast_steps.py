#!/usr/bin/python3
"""Checks of the batched step paths used to train and evaluate 1-layer models, and of the per-step targets.

  cd <repo root> && /usr/bin/python3 tools/pytorch/check_fast_steps.py

1. StepEvaluator.logits_at(idx) == StepEvaluator.logits(i) for every i within 1e-5 x max(1, max |logits|)
   (simulated int8: >= 95 % of steps within that, the rest within 2e-2: a last-bit difference can move a value
   across an int8 rounding boundary), for continual, window and fixed landmarks and softmax attention, several
   (n, m) including m not dividing n, ctx starts at every phase of a landmark segment, and gradients of a loss
   on logits_at equal those of the same loss on the per-step logits (within 1e-4 relative).
2. Both equal EdgeModel.stream_logits (the step-by-step simulation of models/README.md §3, continual
   landmarks pushed as segments complete) within 1e-5 on a stream that starts at position 0.
3. kws_streams.step_targets: the target rule of its docstring on hand-made cases (arriving -> silence,
   ending -> ignored, complete -> class, leaving -> ignored then silence, an older complete word while a
   new one arrives -> ignored).
Exits non-zero on the first failure; prints one line per check group and a total.
"""
import os
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from edge_model import EdgeModel, make_config  # noqa: E402
from fast_steps import StepEvaluator  # noqa: E402
from kws_streams import IGNORE, step_targets  # noqa: E402

checks = 0


def ok(cond, what):
    global checks
    if not cond:
        print(f"FAIL: {what}")
        sys.exit(1)
    checks += 1


def model_for(n, m, mode, heads=2, d=16, seed=0):
    cfg = make_config(6, d, heads, n, 1, 24, ["a", "b", "c", "d"], attention="softmax" if mode == "softmax" else
                      "nystrom", landmarks=m, landmark_mode=None if mode == "softmax" else mode, period=n + 3)
    torch.manual_seed(seed)
    model = EdgeModel(cfg, input_norm=True)
    with torch.no_grad():
        model.input_norm.mean.uniform_(-1, 1)
        model.input_norm.std.uniform_(0.5, 2)
    return model


def check_logits_at():
    cases = [(12, 4, "continual"), (12, 5, "continual"), (10, 3, "window"), (9, 4, "fixed"), (8, 0, "softmax"),
             (100, 10, "continual")]
    for n, m, mode in cases:
        model = model_for(n, m, mode)
        phases = range(0, n + 2, 1 if n < 20 else 7)
        for start in phases:
            for int8 in (False, True):
                x = torch.randn(3, 2 * n + 7, 6) * 2
                ev = StepEvaluator(model, x, start, int8=int8)
                idx = list(range(ev.first_index(), x.shape[1]))
                with torch.no_grad():
                    many = ev.logits_at(idx)
                    one = torch.stack([ev.logits(i) for i in idx], 1)
                scale = max(1.0, float(one.abs().max()))
                row = (many - one).abs().amax(-1)                    # [B, S] worst class per step
                err = float(row.max())
                if not int8:
                    ok(many.shape == one.shape and err <= 1e-5 * scale,
                       f"logits_at vs logits: n={n} m={m} {mode} start={start}: |d| {err:.2e} > {1e-5 * scale:.2e}")
                else:
                    # a 1-ulp difference in a Linear's input can move one element across a rounding boundary
                    # of its per-vector int8 step (1/127 of max |x|): rare steps differ by about that much
                    exact = float((row <= 1e-5 * scale).float().mean())
                    ok(many.shape == one.shape and exact >= 0.95 and err <= 2e-2 * scale,
                       f"int8 logits_at vs logits: n={n} m={m} {mode} start={start}: {exact:.3f} of steps within "
                       f"1e-5, max |d| {err:.2e}")
        # gradients through the batched path equal those through the per-step path
        x = torch.randn(2, 2 * n + 3, 6)
        w = torch.randn(2, x.shape[1] - n + 1 + 0, 4)
        grads = []
        for batched in (True, False):
            model.zero_grad()
            ev = StepEvaluator(model, x, 1)
            idx = list(range(ev.first_index(), x.shape[1]))
            out = ev.logits_at(idx) if batched else torch.stack([ev.logits(i) for i in idx], 1)
            (out * w[:, :len(idx)]).sum().backward()
            grads.append(torch.cat([p.grad.flatten() for p in model.parameters() if p.grad is not None]))
        gerr = float((grads[0] - grads[1]).abs().max() / grads[1].abs().max())
        ok(gerr <= 1e-4, f"gradients logits_at vs logits: n={n} m={m} {mode}: relative {gerr:.2e}")
    print(f"ok: logits_at == logits(i) (f32, int8, gradients) for {len(cases)} configs")


def check_stream():
    for n, m, mode in [(12, 4, "continual"), (12, 5, "continual"), (10, 10, "continual"), (16, 4, "window")]:
        model = model_for(n, m, mode, seed=3)
        x = torch.randn(1, 4 * n + 5, 6)
        with torch.no_grad():
            ref = model.stream_logits(x[0])                          # steps n-1 .. T-1
            ev = StepEvaluator(model, x, 0)
            first = ev.first_index()
            got = ev.logits_at(range(first, x.shape[1]))[0]
        tol = 1e-5 * max(1.0, float(ref.abs().max()))
        err = float((got - ref[first - (n - 1):]).abs().max())
        ok(err <= tol, f"logits_at vs stream_logits: n={n} m={m} {mode}: |d| {err:.2e} > {tol:.2e}")
    print("ok: logits_at == EdgeModel.stream_logits (step by step)")


def check_targets():
    sil, n, L, S = 0, 100, 210, 100
    t0 = L - S                                                       # stream index of target 0
    y = step_targets([(120, 150, 5)], L, S, n, sil)
    at = lambda t: int(y[t - t0])  # noqa: E731
    ok(all(at(t) == sil for t in range(110, 149)), "word arriving -> silence")
    ok(all(at(t) == IGNORE for t in range(149, 153)), "word ending -> ignored")
    ok(all(at(t) == 5 for t in range(153, 210)), "word complete inside the window -> its class")
    y = step_targets([(20, 60, 7)], L, S, n, sil)                   # leaves the window at t = 120
    ok(all(at(t) == 7 for t in range(110, 117)), "complete word before leaving -> its class")
    ok(all(at(t) == IGNORE for t in range(117, 123)), "word starting to leave -> ignored")
    ok(all(at(t) == sil for t in range(123, 210)), "word left -> silence")
    y = step_targets([(100, 115, 3), (140, 170, 9)], L, S, n, sil)
    ok(all(at(t) == 3 for t in range(118, 139)), "first word complete -> its class")
    ok(all(at(t) == IGNORE for t in range(140, 173)), "second word arriving after a complete word -> ignored")
    ok(all(at(t) == 9 for t in range(173, 210)), "second word complete -> its class (the newest word)")
    ok(np.all(step_targets([], L, S, n, sil) == sil), "no word -> silence")
    print("ok: step_targets")


if __name__ == "__main__":
    torch.set_num_threads(1)
    check_logits_at()
    check_stream()
    check_targets()
    print(f"all {checks} checks passed")
