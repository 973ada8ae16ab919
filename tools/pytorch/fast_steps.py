"""Batched step logits of a 1-layer EdgeModel, exactly as the stream computes them (models/README.md §3-§4).

For training and evaluation at scale: the projections q, k, v of a whole stream are computed once,
then each step t evaluates only the newest token's row of the layer (the last layer produces only
the newest output, §3), with the landmarks the runtime would use at t:
  continual: means of the m most recently completed stream segments (covering u-n+1 .. u, u <= t),
             the segments repeating every n positions from stream position 0 (§4.2);
  window:    segment means of the current window;  fixed: the landmark tensors;  m >= n: softmax.

  steps = StepEvaluator(model, frames [B, L, F], start)   # frames at stream positions start .. start+L-1
  steps.logits(i)                                         # [B, C] at ctx index i (position start + i)
  steps.logits_at(idx)                                    # [B, S, C] at ctx indices idx, one batched pass

Requires layers == 1 (deeper models: EdgeModel.stream_logits). `first_index(n, m, start)` is the
first ctx index whose continual landmarks lie inside the ctx; `context_start(t, n, m)` is the stream
position where a ctx must begin so that step t has all its landmarks (t - n + 1 - delta).
"""
import math

import torch
import torch.nn.functional as Fn

from edge_model import pinv_newton_schulz, segment_lengths


def _segment_cycle(n, m):
    """(start, end) of each segment inside one cycle of n positions (end inclusive)."""
    out, a = [], 0
    for length in segment_lengths(n, m):
        out.append((a, a + length - 1))
        a += length
    return out


def landmark_span(p, n, m):
    """Absolute segments [(a, b)] (inclusive) whose means are the continual landmarks at position p,
    and u = the last position of the newest completed segment (u <= p)."""
    cyc = _segment_cycle(n, m)
    base, c = divmod(p, n)
    u = None
    for a, b in reversed(cyc):
        if b <= c:
            u = base * n + b
            break
    if u is None:
        u = base * n - 1                     # last segment of the previous cycle
    segs = []
    q = u
    while len(segs) < m:
        bc, cc = divmod(q, n)
        for a, b in cyc:
            if a <= cc <= b:
                segs.append((bc * n + a, q))
                q = bc * n + a - 1
                break
    return segs, u


def context_start(t, n, m):
    """First stream position a ctx must hold so that step t has all its continual landmarks."""
    segs, u = landmark_span(t, n, m)
    return min(min(a for a, _ in segs), t - n + 1)


def fake_int8_rows(w):
    """Per-output-channel symmetric int8 (the converter's --quantize int8): s[r] = max|W[r,:]|/127,
    W <- round(W/s) * s (round half to even)."""
    s = w.abs().amax(dim=-1, keepdim=True) / 127.0
    s = torch.where(s > 0, s, torch.ones_like(s))
    return torch.round(w / s).clamp(-127, 127) * s


def fake_int8_vectors(x):
    """Dynamic per-vector activation quantization (the runtime's int8 Linear): s = max|x|/127 over the
    last dim, x <- round(x/s) * s."""
    s = x.abs().amax(dim=-1, keepdim=True) / 127.0
    s = torch.where(s > 0, s, torch.ones_like(s))
    return torch.round(x / s).clamp(-127, 127) * s


class StepEvaluator:
    """int8=True simulates the runtime's int8 model: every Linear weight per-output-channel int8 and its
    input vector quantized per vector (norms, biases, embeddings, landmarks, attention math stay float)."""

    def __init__(self, model, frames, start=0, int8=False):
        if len(model.layers) != 1:
            raise ValueError("StepEvaluator handles layers == 1; use EdgeModel.stream_logits for deeper models")
        self.model, self.start = model, start
        self.n = model.n
        layer = model.layers[0]
        self.layer = layer
        c = model.config
        self.pre = c["norm"] == "pre"
        self.act = Fn.gelu if c["activation"] == "gelu" else Fn.relu
        att = layer.self_attn
        d, h = c["d_model"], c["heads"]
        self.h, self.dh = h, d // h
        self.scale = 1.0 / math.sqrt(self.dh)
        self.int8 = int8
        x = model.input_norm(frames) if model.input_norm is not None else frames
        e = self.lin(x, model.input_proj.weight, model.input_proj.bias)
        if model.pos_embedding is not None:
            pos = (torch.arange(frames.shape[1], device=frames.device) + start) % model.period
            e = e + model.pos_embedding(pos)
        self.e = e                                                    # [B, L, d]
        x = layer.norm1(self.e) if self.pre else self.e
        qkv = self.lin(x, att.in_proj_weight, att.in_proj_bias)
        B, L, _ = qkv.shape
        q, k, v = qkv.chunk(3, dim=-1)
        self.qf, self.kf = q, k                                       # [B, L, d] (landmark means)
        self.q, self.k, self.v = (t.view(B, L, h, self.dh).transpose(1, 2) for t in (q, k, v))  # [B, h, L, dh]
        self.nystrom = model.nystrom and model.m < self.n
        self.mode = model.landmark_mode
        self.m = model.m
        if self.nystrom and self.mode in ("continual", "window"):
            self.cq = torch.cat([q.new_zeros(B, 1, d), q.cumsum(1)], 1)   # prefix sums [B, L+1, d]
            self.ck = torch.cat([k.new_zeros(B, 1, d), k.cumsum(1)], 1)

    def lin(self, x, w, b):
        if self.int8:
            return Fn.linear(fake_int8_vectors(x), fake_int8_rows(w), b)
        return Fn.linear(x, w, b)

    def _means(self, segs):
        """segs: ctx-index segments [(a, b)] -> lq, lk [B, h, m, dh]."""
        lq = torch.stack([(self.cq[:, b + 1] - self.cq[:, a]) / (b - a + 1) for a, b in segs], 1)
        lk = torch.stack([(self.ck[:, b + 1] - self.ck[:, a]) / (b - a + 1) for a, b in segs], 1)
        B = lq.shape[0]
        return (lq.view(B, self.m, self.h, self.dh).transpose(1, 2),
                lk.view(B, self.m, self.h, self.dh).transpose(1, 2))

    def first_index(self):
        i = self.n - 1
        while self.nystrom and self.mode == "continual":
            segs, _ = landmark_span(self.start + i, self.n, self.m)
            if min(a for a, _ in segs) >= self.start:
                break
            i += 1
        return i

    def logits(self, i):
        """[B, C] logits at ctx index i (stream position start + i); needs i >= n - 1."""
        n, layer = self.n, self.layer
        if i < n - 1:
            raise ValueError(f"step {i}: the window is not full yet (needs index >= {n - 1})")
        lo = i - n + 1
        qi = self.q[:, :, i:i + 1]                                   # [B, h, 1, dh]
        kw, vw = self.k[:, :, lo:i + 1], self.v[:, :, lo:i + 1]      # [B, h, n, dh]
        if not self.nystrom:
            o = torch.softmax(qi @ kw.transpose(-1, -2) * self.scale, -1) @ vw
        else:
            if self.mode == "continual":
                segs, _ = landmark_span(self.start + i, n, self.m)
                segs = [(a - self.start, b - self.start) for a, b in segs]
                if segs[-1][0] < 0:
                    raise ValueError(f"step {i}: continual landmarks start before the ctx")
                lq, lk = self._means(segs)
            elif self.mode == "window":
                segs, a = [], lo
                for length in segment_lengths(n, self.m):
                    segs.append((a, a + length - 1))
                    a += length
                lq, lk = self._means(segs)
            else:
                att = layer.self_attn
                B = qi.shape[0]
                lq = att.landmarks_q.unsqueeze(0).expand(B, -1, -1, -1)
                lk = att.landmarks_k.unsqueeze(0).expand(B, -1, -1, -1)
            f = torch.softmax(qi @ lk.transpose(-1, -2) * self.scale, -1)      # [B, h, 1, m]
            a = torch.softmax(lq @ lk.transpose(-1, -2) * self.scale, -1)      # [B, h, m, m]
            bb = torch.softmax(lq @ kw.transpose(-1, -2) * self.scale, -1)     # [B, h, m, n]
            o = (f @ pinv_newton_schulz(a, layer.self_attn.iters)) @ (bb @ vw)
        B = o.shape[0]
        return self._tail(layer, o.transpose(1, 2).reshape(B, -1), self.e[:, i])  # [B, C]

    def _tail(self, layer, o, x):
        """Heads' outputs o [..., d] (concatenated) and the step's embedded tokens x [..., d] -> logits [..., C]:
        out_proj, residual + feed-forward with the layer's norms (pre or post), final norm, classifier."""
        op = layer.self_attn.out_proj
        o = self.lin(o, op.weight, op.bias)
        ff = lambda z: self.lin(self.act(self.lin(z, layer.linear1.weight, layer.linear1.bias)),  # noqa: E731
                                layer.linear2.weight, layer.linear2.bias)
        if self.pre:
            hcur = x + o
            y = hcur + ff(layer.norm2(hcur))
        else:
            hcur = layer.norm1(x + o)
            y = layer.norm2(hcur + ff(hcur))
        model = self.model
        if model.final_norm is not None:
            y = model.final_norm(y)
        return self.lin(y, model.classifier.weight, model.classifier.bias)

    def _segments(self, i):
        """ctx-index segments [(a, b)] whose means are the landmarks of the step at ctx index i."""
        n, m = self.n, self.m
        if self.mode == "continual":
            segs, _ = landmark_span(self.start + i, n, m)
            segs = [(a - self.start, b - self.start) for a, b in segs]
            if segs[-1][0] < 0:
                raise ValueError(f"step {i}: continual landmarks start before the ctx")
            return tuple(segs)
        segs, a = [], i - n + 1
        for length in segment_lengths(n, m):
            segs.append((a, a + length - 1))
            a += length
        return tuple(segs)

    def _landmark_sets(self, keys):
        """keys: G landmark sets (tuples of ctx-index segments) -> lq, lk [B, h, G, m, dh], gathered from the
        prefix sums in one indexing operation per tensor."""
        A = torch.as_tensor([[a for a, _ in g] for g in keys])       # [G, m] first ctx index of each segment
        Bnd = torch.as_tensor([[b for _, b in g] for g in keys])     # [G, m] last
        cnt = (Bnd - A + 1).to(self.cq.dtype)[None, :, :, None]
        B, G, m = self.cq.shape[0], len(keys), self.m
        lq = (self.cq[:, Bnd + 1] - self.cq[:, A]) / cnt               # [B, G, m, d]
        lk = (self.ck[:, Bnd + 1] - self.ck[:, A]) / cnt
        return (lq.view(B, G, m, self.h, self.dh).permute(0, 3, 1, 2, 4),
                lk.view(B, G, m, self.h, self.dh).permute(0, 3, 1, 2, 4))

    def logits_at(self, idx):
        """[B, S, C] logits at the ctx indices idx (each >= n - 1): logits(i) for every i in idx, in one batched
        pass (for training on many steps of a stream). Steps that share their landmarks (continual landmarks
        change only when a segment completes) form a block: the landmark scores over the block's band of keys
        (first step - n + 1 .. last step) and the pseudo-inverse are computed once per block, and each step's
        window is selected by masking the band (-inf outside the window: its softmax weights are exactly 0)."""
        idx = [int(i) for i in idx]
        n, layer = self.n, self.layer
        if min(idx) < n - 1:
            raise ValueError(f"step {min(idx)}: the window is not full yet (needs index >= {n - 1})")
        it = torch.as_tensor(idx)
        B, h, L, dh = self.k.shape
        S = len(idx)
        qi = self.q[:, :, it]                                                             # [B, h, S, dh]
        if not self.nystrom:
            pos = torch.arange(L)
            outside = (pos[None, :] > it[:, None]) | (pos[None, :] < it[:, None] - n + 1)  # [S, L]
            sc = (qi @ self.k.transpose(-1, -2) * self.scale).masked_fill(outside, float("-inf"))
            o = torch.softmax(sc, -1) @ self.v                                            # [B, h, S, dh]
        else:
            att = layer.self_attn
            blocks = {}                                          # landmark set -> positions in idx
            for s_, i in enumerate(idx):
                key = self._segments(i) if self.mode in ("continual", "window") else ()
                blocks.setdefault(key, []).append(s_)
            keys = list(blocks)
            if keys[0]:
                lqg, lkg = self._landmark_sets(keys)                                      # [B, h, G, m, dh]
            else:
                lqg = att.landmarks_q[None, :, None].expand(B, -1, 1, -1, -1)
                lkg = att.landmarks_k[None, :, None].expand(B, -1, 1, -1, -1)
            zg = pinv_newton_schulz(torch.softmax(lqg @ lkg.transpose(-1, -2) * self.scale, -1), att.iters)
            outs, order = [], []
            for g, key in enumerate(keys):
                members = blocks[key]
                lq, lk, z = lqg[:, :, g], lkg[:, :, g], zg[:, :, g]                       # [B, h, m, .]
                m = lq.shape[-2]
                steps = it[members]                                                       # ctx indices [s]
                lo, hi = int(steps.min()) - n + 1, int(steps.max()) + 1                   # key band [lo, hi)
                band = torch.arange(lo, hi)
                outside = (band[None, :] > steps[:, None]) | (band[None, :] < steps[:, None] - n + 1)  # [s, W]
                f = torch.softmax(qi[:, :, members] @ lk.transpose(-1, -2) * self.scale, -1)  # [B, h, s, m]
                sc = lq @ self.k[:, :, lo:hi].transpose(-1, -2) * self.scale                  # [B, h, m, W]
                sc = sc.unsqueeze(2).masked_fill(outside[:, None, :], float("-inf"))       # [B, h, s, m, W]
                s, W = len(members), hi - lo
                bv = (torch.softmax(sc, -1).view(B, h, s * m, W) @ self.v[:, :, lo:hi]).view(B, h, s, m, dh)
                fz = (f.unsqueeze(-1) * z.unsqueeze(2)).sum(-2)                           # f @ z [B, h, s, m]
                outs.append((fz.unsqueeze(-1) * bv).sum(-2))                              # [B, h, s, dh]
                order += members
            o = torch.cat(outs, 2)[:, :, torch.as_tensor(order).argsort()]                # [B, h, S, dh]
        return self._tail(layer, o.permute(0, 2, 1, 3).reshape(B, S, -1), self.e[:, it])  # [B, S, C]
