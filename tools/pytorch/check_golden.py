#!/usr/bin/python3
"""Independent checks of golden.py, the PyTorch twin and the committed fixtures.

  cd <repo root> && /usr/bin/python3 tools/pytorch/check_golden.py

Exits non-zero on the first failure; prints one line per check group and a total.
"""
import json
import math
import os
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import edge_model  # noqa: E402
import golden  # noqa: E402
from safetensors_io import bf16_bits_to_f32, f32_to_bf16_bits, read_safetensors, write_safetensors  # noqa: E402

REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
checks = 0


def ok(cond, what):
    global checks
    if not cond:
        print(f"FAIL: {what}")
        sys.exit(1)
    checks += 1


def check_segments():
    """models/README.md §4.2 schedule properties, for every n <= 24, m < n, t in [n-1, 5n)."""
    for n in range(2, 25):
        for m in range(1, n):
            lens = golden.segment_lengths(n, m)
            ok(sum(lens) == n and max(lens) - min(lens) <= 1 and lens == sorted(lens, reverse=True),
               f"segment_lengths({n},{m})")
            ok(lens == edge_model.segment_lengths(n, m), "twin segment_lengths")
            for t in range(n - 1, 5 * n):
                segs = golden.continual_segments(t, n, m)
                u = segs[-1][1]
                ok(t - u < max(lens), f"u lags t by less than one segment n={n} m={m} t={t}")
                ok(sorted(e - s + 1 for s, e in segs) == sorted(lens), "completed segments are a rotation of the sizes")
                if (t + 1) % n == 0:
                    ok(u == t and [e - s + 1 for s, e in segs] == lens, "aligned step == window segmentation")
    print("segments: ok")


def check_pinv():
    # Hand-worked Z0 and first iterate for A = [[.75,.25],[.5,.5]]: ||A||_1 = 1.25, ||A||_inf = 1.
    a = [[0.75, 0.25], [0.5, 0.5]]
    z0 = [[a[j][i] / 1.25 for j in range(2)] for i in range(2)]

    def mm(x, y):
        return [[sum(x[i][k] * y[k][j] for k in range(2)) for j in range(2)] for i in range(2)]

    def lin(c, x):  # cI - x
        return [[(c if i == j else 0.0) - x[i][j] for j in range(2)] for i in range(2)]
    az = mm(a, z0)
    z1 = mm(z0, lin(13, mm(az, lin(15, mm(az, lin(7, az))))))
    z1 = [[0.25 * v for v in row] for row in z1]
    ok(np.allclose(golden.pinv_newton_schulz(np.array(a), 1), np.array(z1), rtol=0, atol=1e-15), "hand-worked iterate")
    rng = np.random.default_rng(3)
    for m in (2, 4, 8):
        for _ in range(20):
            s = rng.normal(size=(m, m)) * 1.5
            A = golden.softmax_rows(s)
            if np.linalg.cond(A) > 50:
                continue
            ok(np.allclose(golden.pinv_newton_schulz(A, 40), np.linalg.inv(A), atol=1e-9), f"pinv converges m={m}")
    # Z0 scale is per matrix: a batch neighbour must not change the result (twin, batched).
    A = torch.as_tensor(golden.softmax_rows(rng.normal(size=(4, 4))))
    B = 100.0 * torch.as_tensor(rng.normal(size=(4, 4)))
    batched = edge_model.pinv_newton_schulz(torch.stack([A, B]), 6)[0].numpy()
    ok(np.allclose(batched, golden.pinv_newton_schulz(A.numpy(), 6), atol=1e-13, rtol=0), "per-matrix Z0 in batch")
    print("pinv: ok")


def check_attention():
    rng = np.random.default_rng(5)
    st = golden.Stats()
    for n, dh in ((5, 4), (8, 8)):
        Q, K, V = (rng.normal(size=(n, dh)) for _ in range(3))
        soft = golden.head_attention(Q, K, V, None, None, True, 6, st)
        # Nystrom with every token as its own landmark and a converged pinv == softmax.
        nys = golden.head_attention(Q, K, V, Q, K, False, 60, st)
        ok(np.allclose(nys, soft, atol=1e-8), f"nystrom(landmarks = all tokens) == softmax n={n}")
        # constant V -> constant output (rows of F, A, B sum to 1; exact inverse).
        lq, lk = golden.window_segment_means(Q, n, 3), golden.window_segment_means(K, n, 3)
        cv = np.tile(rng.normal(size=(1, dh)), (n, 1))
        out = golden.head_attention(Q, K, cv, lq, lk, False, 60, st)
        ok(np.allclose(out, cv, atol=1e-8), "constant V -> constant output")
        # twin's NystromAttention head math == golden's on the same inputs (window landmarks).
        pool = edge_model.segment_pooling(n, 3, torch.float64).numpy()
        ok(np.allclose(pool @ Q, lq, atol=1e-15), "pooling matrix == segment means")
    print("attention: ok")


def check_safetensors(tmp):
    x = np.array([1.0, 1.00390625, 1.005859375, -3.14159, 65504.0, 1e-8, 0.0], dtype=np.float32)
    tb = torch.as_tensor(x).to(torch.bfloat16).view(torch.int16).numpy().view(np.uint16)
    ok(np.array_equal(f32_to_bf16_bits(x), tb), "bf16 rounding == torch")
    ok(np.array_equal(bf16_bits_to_f32(tb), torch.as_tensor(x).to(torch.bfloat16).float().numpy()), "bf16 decode")
    for dt in ("F32", "F16", "BF16", "F64"):
        p = os.path.join(tmp, f"t_{dt}.safetensors")
        stored = write_safetensors(p, {"a.b": x.reshape(7, 1), "c": np.arange(6.0).reshape(2, 3)}, dt, {"k": "v"})
        back, meta = read_safetensors(p)
        ok(meta == {"k": "v"} and all(np.array_equal(back[k], stored[k]) for k in stored), f"roundtrip {dt}")
        with open(p, "rb") as f:
            n = int.from_bytes(f.read(8), "little")
        ok(n % 8 == 0, "header padded to 8 bytes")
    print("safetensors: ok")


def check_fixture_dirs():
    dirs = []
    gold = os.path.join(REPO, "tests", "fixtures", "golden")
    if os.path.isdir(gold):
        dirs += [os.path.join(gold, d) for d in sorted(os.listdir(gold)) if os.path.isdir(os.path.join(gold, d))]
    kws = os.path.join(REPO, "models", "kws-tiny")
    if os.path.isdir(kws):
        dirs.append(kws)
    for d in dirs:
        with open(os.path.join(d, "model.json")) as f:
            cfg = json.load(f)
        w, _ = read_safetensors(os.path.join(d, "model.safetensors"))
        frames = np.load(os.path.join(d, "frames.npy"))
        want = np.load(os.path.join(d, "logits.npy"))
        ok(frames.dtype == np.float32 and frames.ndim == 2 and frames.shape[1] == cfg["input_features"],
           f"{d}: frames float32 [T, F]")
        ok(want.dtype == np.float64 and want.shape == (frames.shape[0] - cfg["window"] + 1, len(cfg["classes"])),
           f"{d}: logits float64 [T-n+1, C]")
        got, _ = golden.golden_logits(cfg, w, frames)
        ok(np.max(np.abs(got - want)) <= 1e-12 * max(1.0, np.max(np.abs(want))), f"{d}: golden reproduces logits.npy")
        model = edge_model.EdgeModel(cfg, input_norm="input_norm.mean" in w)
        extra = set(w) - set(model.state_dict())
        ok(set(model.state_dict()) <= set(w), f"{d}: every twin state_dict name is in the file")
        ok(not extra or os.path.basename(d) == "extra_tensors", f"{d}: unexpected extra tensors {sorted(extra)}")
    print(f"fixtures: ok ({len(dirs)} folders)")


def main():
    import tempfile
    torch.set_num_threads(1)
    check_segments()
    check_pinv()
    check_attention()
    with tempfile.TemporaryDirectory() as tmp:
        check_safetensors(tmp)
    check_fixture_dirs()
    print(f"all {checks} checks passed")


if __name__ == "__main__":
    main()
