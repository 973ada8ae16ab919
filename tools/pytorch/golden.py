#!/usr/bin/python3
"""Golden logits for a stream, computed by brute force straight from models/README.md.

Source: models/README.md §3 (one step of the stream) and §4 (attention).
Everything is evaluated in float64 (or float32 with --dtype f32, used only to measure how
sensitive a fixture is to float32 rounding). No PyTorch: plain NumPy, so it is independent
of the PyTorch twin in edge_model.py, which is checked against it.

At every step t >= n-1 every layer is recomputed over the window of stream positions
t-n+1 .. t; the positional vector of a token is pos[t' mod P] for its own position t'.
Continual landmarks (layer 1 only) are the means of the layer-1 q/k over the m most
recently completed stream segments (§4.2), so the q/k of positions that have left the
window are needed: they are computed from the whole stream up front.

CLI:
  /usr/bin/python3 tools/pytorch/golden.py --config model.json --weights model.safetensors \
      --frames frames.npy --output logits.npy
"""
import argparse
import math
import sys

import numpy as np

_ERF = np.frompyfunc(math.erf, 1, 1)


class Stats:
    """Largest |q.k|/sqrt(d_h) seen in any score matrix (window, landmark or mixed)."""

    def __init__(self):
        self.max_abs_score = 0.0

    def see(self, scores):
        v = float(np.max(np.abs(scores)))
        if v > self.max_abs_score:
            self.max_abs_score = v


def layer_norm(x, gamma, beta, eps):
    """LayerNorm over the last axis with biased variance (PyTorch nn.LayerNorm)."""
    mu = x.mean(axis=-1, keepdims=True)
    var = ((x - mu) ** 2).mean(axis=-1, keepdims=True)
    return (x - mu) / np.sqrt(var + eps) * gamma + beta


def gelu(x):
    """Exact GELU, erf form: 0.5 x (1 + erf(x / sqrt 2))."""
    e = _ERF(x / math.sqrt(2.0)).astype(np.float64).astype(x.dtype)
    return 0.5 * x * (1.0 + e)


def relu(x):
    return np.maximum(x, 0)


def softmax_rows(s):
    """Row softmax; the max shift cancels exactly (models/README.md §4.3)."""
    z = s - s.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def pinv_newton_schulz(a, iterations):
    """models/README.md §4.2: Z0 = A^T / (||A||_1 ||A||_inf) of this one matrix, then
    Z <- 1/4 Z (13I - AZ (15I - AZ (7I - AZ))) `iterations` times. a: [m, m]."""
    m = a.shape[0]
    norm1 = np.abs(a).sum(axis=0).max()    # max column sum
    norminf = np.abs(a).sum(axis=1).max()  # max row sum
    z = a.T / (norm1 * norminf)
    eye = np.eye(m, dtype=a.dtype)
    for _ in range(iterations):
        az = a @ z
        z = 0.25 * z @ (13 * eye - az @ (15 * eye - az @ (7 * eye - az)))
    return z


def segment_lengths(n, m):
    """Window-mode segment sizes: first n mod m segments hold ceil(n/m), the rest floor(n/m)."""
    r = n % m
    q = n // m
    return [q + 1] * r + [q] * (m - r)


def window_segment_means(rows, n, m):
    """rows [n, dh] oldest -> newest; returns [m, dh] segment means (window mode)."""
    out = np.empty((m, rows.shape[1]), dtype=rows.dtype)
    start = 0
    for j, length in enumerate(segment_lengths(n, m)):
        out[j] = rows[start:start + length].mean(axis=0)
        start += length
    assert start == n
    return out


def continual_segments(t, n, m):
    """The m most recently completed stream segments at step t (models/README.md §4.2, continual).

    The stream is cut into segments that repeat every n positions with the window-mode
    sizes, starting at t = 0. Returns [(start, end)] inclusive, oldest first; they cover
    u-n+1 .. u where u <= t is the end of the newest completed segment."""
    lengths = segment_lengths(n, m)
    segs = []
    for cycle in range(t // n + 1):
        start = cycle * n
        for length in lengths:
            end = start + length - 1
            if end <= t:
                segs.append((start, end))
            start += length
    segs = segs[-m:]
    assert len(segs) == m, "continual landmarks need t >= n-1"
    u = segs[-1][1]
    assert segs[0][0] == u - n + 1 and u <= t
    for (s0, e0), (s1, _) in zip(segs, segs[1:]):
        assert s1 == e0 + 1
    return segs


def head_attention(q, k, v, lq, lk, use_softmax, pinv_iterations, stats):
    """One head over the window. q, k, v: [n, dh] unscaled; lq, lk: [m, dh] landmarks."""
    dh = q.shape[1]
    scale = 1.0 / math.sqrt(dh)
    if use_softmax:
        s = q @ k.T * scale
        stats.see(s)
        return softmax_rows(s) @ v
    s_f = q @ lk.T * scale     # [n, m]
    s_a = lq @ lk.T * scale    # [m, m]
    s_b = lq @ k.T * scale     # [m, n]
    for s in (s_f, s_a, s_b):
        stats.see(s)
    f = softmax_rows(s_f)
    a = softmax_rows(s_a)
    b = softmax_rows(s_b)
    return (f @ pinv_newton_schulz(a, pinv_iterations)) @ (b @ v)


class Golden:
    """Brute-force evaluation of a model (config dict + tensors dict) on a stream."""

    def __init__(self, config, tensors, dtype=np.float64):
        self.cfg = config
        self.dtype = dtype
        self.w = {name: np.asarray(value, dtype=np.float64).astype(dtype) for name, value in tensors.items()}
        self.F = config["input_features"]
        self.d = config["d_model"]
        self.h = config["heads"]
        self.dh = self.d // self.h
        self.n = config["window"]
        self.L = config["layers"]
        self.eps = float(config.get("layer_norm_eps", 1e-5))
        self.act = gelu if config["activation"] == "gelu" else relu
        self.pre = config["norm"] == "pre"
        pos = config.get("positional", {"kind": "none"})
        self.P = pos["period"] if pos["kind"] == "recycling" else 0
        att = config["attention"]
        self.kind = att["kind"]
        self.m = att.get("landmarks", 0)
        self.mode = att.get("landmark_mode", "window")
        self.iters = att.get("pinv_iterations", 6)
        self.final_norm = bool(config["final_norm"])
        self.stats = Stats()
        assert self.d % self.h == 0

    # ---- pieces of §3 ----
    def tokens(self, frames):
        """e_t = input_proj(norm(x_t)) + pos[t mod P] for every stream position. [T, d]"""
        w = self.w
        x = np.asarray(frames, dtype=np.float64).astype(self.dtype)
        if "input_norm.mean" in w:
            x = (x - w["input_norm.mean"]) / w["input_norm.std"]
        e = x @ w["input_proj.weight"].T + w["input_proj.bias"]
        if self.P:
            t = np.arange(x.shape[0]) % self.P
            e = e + w["pos_embedding.weight"][t]
        return e

    def qkv(self, i, x):
        """[q k v] = in_proj(x) (x already LN1'd for pre-norm); each [rows, d]."""
        p = f"layers.{i}.self_attn."
        z = x @ self.w[p + "in_proj_weight"].T + self.w[p + "in_proj_bias"]
        d = self.d
        return z[:, :d], z[:, d:2 * d], z[:, 2 * d:]

    def mha(self, i, x, stream_qk, t):
        """Multi-head attention of layer i over the window rows x [n, d]. stream_qk: layer-1
        (q, k) for all stream positions (continual landmarks), t: current step."""
        n, h, dh, m = self.n, self.h, self.dh, self.m
        q, k, v = self.qkv(i, x)
        use_softmax = self.kind == "softmax" or m >= n
        out = np.empty_like(q)
        segs = None
        if not use_softmax and self.mode == "continual" and i == 0:
            segs = continual_segments(t, n, m)
        for head in range(h):
            cols = slice(head * dh, (head + 1) * dh)
            lq = lk = None
            if not use_softmax:
                if self.mode == "fixed":
                    lq = self.w[f"layers.{i}.self_attn.landmarks_q"][head]
                    lk = self.w[f"layers.{i}.self_attn.landmarks_k"][head]
                elif segs is not None:
                    sq, sk = stream_qk
                    lq = np.stack([sq[a:b + 1, cols].mean(axis=0) for a, b in segs])
                    lk = np.stack([sk[a:b + 1, cols].mean(axis=0) for a, b in segs])
                else:  # window mode, or continual at layers > 1
                    lq = window_segment_means(q[:, cols], n, m)
                    lk = window_segment_means(k[:, cols], n, m)
            out[:, cols] = head_attention(q[:, cols], k[:, cols], v[:, cols], lq, lk,
                                          use_softmax, self.iters, self.stats)
        p = f"layers.{i}.self_attn.out_proj."
        return out @ self.w[p + "weight"].T + self.w[p + "bias"]

    def ff(self, i, x):
        w = self.w
        a = self.act(x @ w[f"layers.{i}.linear1.weight"].T + w[f"layers.{i}.linear1.bias"])
        return a @ w[f"layers.{i}.linear2.weight"].T + w[f"layers.{i}.linear2.bias"]

    def ln(self, name, x):
        return layer_norm(x, self.w[name + ".weight"], self.w[name + ".bias"], self.eps)

    def layer(self, i, x, stream_qk, t, newest_only):
        """post: h = LN1(x + MHA(x)); y = LN2(h + FF(h)).  pre: h = x + MHA(LN1(x)); y = h + FF(LN2(h))."""
        if self.pre:
            h = x + self.mha(i, self.ln(f"layers.{i}.norm1", x), stream_qk, t)
            if newest_only:
                h = h[-1:]
            return h + self.ff(i, self.ln(f"layers.{i}.norm2", h))
        h = self.ln(f"layers.{i}.norm1", x + self.mha(i, x, stream_qk, t))
        if newest_only:
            h = h[-1:]
        return self.ln(f"layers.{i}.norm2", h + self.ff(i, h))

    def layer1_stream_qk(self, e):
        """Layer-1 q and k of every stream position (pre-norm: projections of LN1(e))."""
        x = self.ln("layers.0.norm1", e) if self.pre else e
        q, k, _ = self.qkv(0, x)
        return q, k

    def step_logits(self, e, stream_qk, t):
        """Logits at step t >= n-1. e: tokens of the whole stream [T, d]."""
        x = e[t - self.n + 1:t + 1]
        for i in range(self.L):
            x = self.layer(i, x, stream_qk, t, newest_only=(i == self.L - 1))
        y = x[-1]
        if self.final_norm:
            y = self.ln("final_norm", y)
        return y @ self.w["classifier.weight"].T + self.w["classifier.bias"]

    def run(self, frames):
        """Logits for steps t = n-1 .. T-1: [T-n+1, C]."""
        T = np.asarray(frames).shape[0]
        e = self.tokens(frames)
        stream_qk = self.layer1_stream_qk(e)
        rows = [self.step_logits(e, stream_qk, t) for t in range(self.n - 1, T)]
        C = self.w["classifier.weight"].shape[0]
        return np.array(rows, dtype=self.dtype).reshape(len(rows), C)


def golden_logits(config, tensors, frames, dtype=np.float64):
    """Convenience: (logits [T-n+1, C], max |q.k|/sqrt(d_h) reached)."""
    g = Golden(config, tensors, dtype)
    logits = g.run(frames)
    return logits, g.stats.max_abs_score


def main(argv=None):
    import os
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from config_check import ConfigError, load_config
    from safetensors_io import read_safetensors

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--config", required=True)
    ap.add_argument("--weights", required=True)
    ap.add_argument("--frames", required=True)
    ap.add_argument("--output", required=True, help="logits .npy (float64 [T-n+1, C])")
    ap.add_argument("--dtype", choices=["f64", "f32"], default="f64")
    args = ap.parse_args(argv)
    try:
        config = load_config(args.config, "golden.py")
    except ConfigError as e:
        print(f"error: {e}", file=sys.stderr)
        sys.exit(2)
    tensors, _ = read_safetensors(args.weights)
    frames = np.load(args.frames)
    logits, max_score = golden_logits(config, tensors, frames,
                                      np.float64 if args.dtype == "f64" else np.float32)
    np.save(args.output, logits)
    print(f"wrote {args.output}: {logits.shape}, max |q.k|/sqrt(d_h) = {max_score:.3f}")


if __name__ == "__main__":
    main()
