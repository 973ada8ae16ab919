"""PyTorch twin of the EdgeAttention model (models/README.md §1-§4).

State-dict names are exactly models/README.md §2 names, so `model.state_dict()` converts as is:
  input_norm.mean/std (optional buffers), input_proj.*, pos_embedding.weight (recycling),
  layers.{i}.self_attn.in_proj_weight/in_proj_bias/out_proj.*, [landmarks_q, landmarks_k],
  layers.{i}.linear1/linear2/norm1/norm2.*, final_norm.* (optional), classifier.*.

Softmax layers ARE nn.TransformerEncoderLayer(batch_first=True, dropout=0). Nyström layers are
NystromEncoderLayer below, which mirrors it (same sub-module names) with NystromAttention.

Two ways to run:
  EdgeModel.forward(frames [B, n, F], start)  -> logits [B, C] of the newest token of each window;
      landmarks from the window (window mode); used for training.
  EdgeModel.stream_logits(frames [T, F])       -> logits [T-n+1, C], models/README.md §3 step by step,
      including continual landmarks (layer 1) formed by simulating segment completion.
"""
import collections
import math

import torch
import torch.nn as nn
import torch.nn.functional as Fn

SCHEMA = "edge-attention/model@1"


def make_config(input_features, d_model, heads, window, layers, ff_dim, classes,
                activation="gelu", norm="post", positional="recycling", period=None,
                attention="softmax", landmarks=None, landmark_mode=None, pinv_iterations=6,
                final_norm=True, layer_norm_eps=1e-5, name=None):
    """A model.json dict in models/README.md §1 form."""
    cfg = {"schema": SCHEMA}
    if name:
        cfg["name"] = name
    cfg.update({
        "input_features": input_features, "d_model": d_model, "heads": heads, "window": window,
        "layers": layers, "ff_dim": ff_dim, "activation": activation, "norm": norm,
        "layer_norm_eps": layer_norm_eps,
    })
    if positional == "recycling":
        cfg["positional"] = {"kind": "recycling", "period": period or window}
    else:
        cfg["positional"] = {"kind": "none"}
    if attention == "softmax":
        cfg["attention"] = {"kind": "softmax"}
    else:
        cfg["attention"] = {"kind": "nystrom", "landmarks": landmarks, "landmark_mode": landmark_mode,
                            "pinv_iterations": pinv_iterations}
    cfg["final_norm"] = bool(final_norm)
    cfg["classes"] = list(classes)
    return cfg


def segment_lengths(n, m):
    """models/README.md §4.2: with r = n mod m the first r segments hold ceil(n/m), the rest floor(n/m)."""
    return [n // m + 1] * (n % m) + [n // m] * (m - n % m)


def segment_pooling(n, m, dtype):
    """[m, n] matrix whose row j averages the tokens of window segment j."""
    s = torch.zeros(m, n, dtype=dtype)
    start = 0
    for j, length in enumerate(segment_lengths(n, m)):
        s[j, start:start + length] = 1.0 / length
        start += length
    return s


def pinv_newton_schulz(a, iterations):
    """Batched [..., m, m]. Z0 = A^T / (||A||_1 ||A||_inf) per matrix (not per batch),
    then Z <- 1/4 Z (13I - AZ (15I - AZ (7I - AZ)))."""
    norm1 = a.abs().sum(dim=-2).amax(dim=-1)    # max column sum, [...]
    norminf = a.abs().sum(dim=-1).amax(dim=-1)  # max row sum
    z = a.transpose(-1, -2) / (norm1 * norminf)[..., None, None]
    eye = torch.eye(a.shape[-1], dtype=a.dtype, device=a.device)
    for _ in range(iterations):
        az = a @ z
        z = 0.25 * z @ (13 * eye - az @ (15 * eye - az @ (7 * eye - az)))
    return z


class InputNorm(nn.Module):
    """x <- (x - mean) / std, buffers `mean`, `std` [F] (models/README.md §2 input_norm.*)."""

    def __init__(self, features):
        super().__init__()
        self.register_buffer("mean", torch.zeros(features))
        self.register_buffer("std", torch.ones(features))

    def forward(self, x):
        return (x - self.mean) / self.std


class NystromAttention(nn.Module):
    """Multi-head Nyström attention (models/README.md §4.2) with nn.MultiheadAttention's parameter names.

    in_proj_weight [3d, d] rows q, k, v; in_proj_bias [3d]; out_proj Linear(d, d);
    landmarks_q, landmarks_k [h, m, d_h] (unscaled projected space) when mode == 'fixed'."""

    def __init__(self, d_model, heads, window, landmarks, mode, pinv_iterations=6):
        super().__init__()
        assert d_model % heads == 0 and mode in ("window", "continual", "fixed")
        self.d, self.h, self.dh = d_model, heads, d_model // heads
        self.n, self.m, self.mode, self.iters = window, landmarks, mode, pinv_iterations
        self.in_proj_weight = nn.Parameter(torch.empty(3 * d_model, d_model))
        self.in_proj_bias = nn.Parameter(torch.zeros(3 * d_model))
        self.out_proj = nn.Linear(d_model, d_model)
        nn.init.xavier_uniform_(self.in_proj_weight)
        nn.init.zeros_(self.out_proj.bias)
        if mode == "fixed":
            self.landmarks_q = nn.Parameter(torch.randn(heads, landmarks, self.dh))
            self.landmarks_k = nn.Parameter(torch.randn(heads, landmarks, self.dh))

    def project(self, x):
        """x [..., d] -> q, k, v [..., d] (unscaled)."""
        return Fn.linear(x, self.in_proj_weight, self.in_proj_bias).chunk(3, dim=-1)

    def split(self, x):
        """[B, n, d] -> [B, h, n, d_h]"""
        b, n, _ = x.shape
        return x.view(b, n, self.h, self.dh).transpose(1, 2)

    def forward(self, x, landmarks=None):
        """x [B, n, d]; landmarks optional (lq, lk) each [B, h, m, d_h] overriding window/fixed ones."""
        b, n, d = x.shape
        q, k, v = (self.split(t) for t in self.project(x))
        scale = 1.0 / math.sqrt(self.dh)
        if self.m >= n:
            out = torch.softmax(q @ k.transpose(-1, -2) * scale, dim=-1) @ v
        else:
            if landmarks is not None:
                lq, lk = landmarks
            elif self.mode == "fixed":
                lq = self.landmarks_q.unsqueeze(0).expand(b, -1, -1, -1)
                lk = self.landmarks_k.unsqueeze(0).expand(b, -1, -1, -1)
            else:  # window mode; continual means window mode unless landmarks are given
                pool = segment_pooling(n, self.m, x.dtype).to(x.device)
                lq, lk = pool @ q, pool @ k
            f = torch.softmax(q @ lk.transpose(-1, -2) * scale, dim=-1)   # [B, h, n, m]
            a = torch.softmax(lq @ lk.transpose(-1, -2) * scale, dim=-1)  # [B, h, m, m]
            bb = torch.softmax(lq @ k.transpose(-1, -2) * scale, dim=-1)  # [B, h, m, n]
            out = (f @ pinv_newton_schulz(a, self.iters)) @ (bb @ v)
        out = out.transpose(1, 2).reshape(b, n, d)
        return self.out_proj(out)


class NystromEncoderLayer(nn.Module):
    """Same structure and names as nn.TransformerEncoderLayer, with NystromAttention."""

    def __init__(self, d_model, heads, ff_dim, window, landmarks, mode, pinv_iterations,
                 activation="gelu", norm_first=False, eps=1e-5):
        super().__init__()
        self.self_attn = NystromAttention(d_model, heads, window, landmarks, mode, pinv_iterations)
        self.linear1 = nn.Linear(d_model, ff_dim)
        self.linear2 = nn.Linear(ff_dim, d_model)
        self.norm1 = nn.LayerNorm(d_model, eps=eps)
        self.norm2 = nn.LayerNorm(d_model, eps=eps)
        self.norm_first = norm_first
        self.activation = Fn.gelu if activation == "gelu" else Fn.relu

    def ff(self, x):
        return self.linear2(self.activation(self.linear1(x)))

    def forward(self, x, landmarks=None):
        if self.norm_first:
            x = x + self.self_attn(self.norm1(x), landmarks)
            return x + self.ff(self.norm2(x))
        x = self.norm1(x + self.self_attn(x, landmarks))
        return self.norm2(x + self.ff(x))


class EdgeModel(nn.Module):
    def __init__(self, config, input_norm=False):
        super().__init__()
        c = config
        self.config = config
        F, d, h = c["input_features"], c["d_model"], c["heads"]
        self.n = c["window"]
        eps = float(c.get("layer_norm_eps", 1e-5))
        self.input_norm = InputNorm(F) if input_norm else None
        self.input_proj = nn.Linear(F, d)
        pos = c.get("positional", {"kind": "none"})
        self.period = pos["period"] if pos["kind"] == "recycling" else 0
        self.pos_embedding = nn.Embedding(self.period, d) if self.period else None
        att = c["attention"]
        self.nystrom = att["kind"] == "nystrom"
        self.landmark_mode = att.get("landmark_mode")
        self.m = att.get("landmarks", 0)
        layers = []
        for _ in range(c["layers"]):
            if self.nystrom:
                layers.append(NystromEncoderLayer(d, h, c["ff_dim"], self.n, self.m, att["landmark_mode"],
                                                  att.get("pinv_iterations", 6), c["activation"],
                                                  c["norm"] == "pre", eps))
            else:
                layers.append(nn.TransformerEncoderLayer(d, h, c["ff_dim"], dropout=0.0,
                                                         activation=c["activation"], layer_norm_eps=eps,
                                                         batch_first=True, norm_first=(c["norm"] == "pre")))
        self.layers = nn.ModuleList(layers)
        self.final_norm = nn.LayerNorm(d, eps=eps) if c["final_norm"] else None
        self.classifier = nn.Linear(d, len(c["classes"]))

    def tokens(self, frames, start=0):
        """frames [B, T, F] at stream positions start.. -> e [B, T, d] (models/README.md §3)."""
        x = self.input_norm(frames) if self.input_norm is not None else frames
        e = self.input_proj(x)
        if self.pos_embedding is not None:
            pos = (torch.arange(frames.shape[1], device=frames.device) + start) % self.period
            e = e + self.pos_embedding(pos)
        return e

    def head(self, y):
        if self.final_norm is not None:
            y = self.final_norm(y)
        return self.classifier(y)

    def encode(self, x, layer1_landmarks=None):
        for i, layer in enumerate(self.layers):
            if self.nystrom:
                x = layer(x, layer1_landmarks if i == 0 else None)
            else:
                x = layer(x)
        return x

    def forward(self, frames, start=0, layer1_landmarks=None):
        """frames [B, n, F] -> logits [B, C] of the newest token (window-mode landmarks by default)."""
        return self.head(self.encode(self.tokens(frames, start), layer1_landmarks)[:, -1])

    def _continual_landmarks(self, e):
        """Layer-1 continual landmarks for every step: simulate the stream, pushing a segment's
        mean q/k when the segment ends and dropping the oldest (models/README.md §4.2).
        Returns {t: (lq, lk)} each [h, m, d_h] for t >= n-1."""
        layer = self.layers[0]
        x = layer.norm1(e) if layer.norm_first else e
        q, k, _ = layer.self_attn.project(x)       # [T, d]
        att = layer.self_attn
        lengths = segment_lengths(self.n, self.m)
        ends = {}
        acc = 0
        for length in lengths:
            acc += length
            ends[acc - 1] = length                  # position in cycle -> segment length
        ring = collections.deque(maxlen=self.m)
        out = {}
        for t in range(e.shape[0]):
            length = ends.get(t % self.n)
            if length is not None:
                ring.append((q[t - length + 1:t + 1].mean(0), k[t - length + 1:t + 1].mean(0)))
            if t >= self.n - 1:
                assert len(ring) == self.m
                lq = torch.stack([a for a, _ in ring]).view(self.m, att.h, att.dh).transpose(0, 1)
                lk = torch.stack([b for _, b in ring]).view(self.m, att.h, att.dh).transpose(0, 1)
                out[t] = (lq, lk)
        return out

    @torch.no_grad()
    def stream_logits(self, frames):
        """frames [T, F] -> logits [T-n+1, C]: each window recomputed (models/README.md §3)."""
        T = frames.shape[0]
        e = self.tokens(frames.unsqueeze(0))[0]     # [T, d]
        continual = self.nystrom and self.landmark_mode == "continual" and self.m < self.n
        lms = self._continual_landmarks(e) if continual else None
        rows = []
        for t in range(self.n - 1, T):
            x = e[t - self.n + 1:t + 1].unsqueeze(0)
            lm = None
            if lms is not None:
                lq, lk = lms[t]
                lm = (lq.unsqueeze(0), lk.unsqueeze(0))
            rows.append(self.head(self.encode(x, lm)[:, -1])[0])
        return torch.stack(rows)


def load_tensors_into(model, tensors):
    """Load {name: numpy float64} (e.g. weights read back after dtype rounding) into model."""
    sd = model.state_dict()
    missing = set(sd) - set(tensors)
    extra = set(tensors) - set(sd)
    if missing or extra:
        raise KeyError(f"state_dict mismatch: missing {sorted(missing)}, extra {sorted(extra)}")
    model.load_state_dict({k: torch.as_tensor(v, dtype=sd[k].dtype) for k, v in tensors.items()})
    return model
