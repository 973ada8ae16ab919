"""Per-step training streams for audio keyword models (train.py --stream-steps S).

A stream is background noise with up to two words in it (log-mel features, built in the energy domain:
E = g_bg E_background + sum of g_w E_clip_w, then gain, spectral tilt, a smooth random band EQ, VTLP-style
mel warping and SpecAugment masks on the training split). The model is trained on the newest token's
output at each of the last S steps of the stream (fast_steps.StepEvaluator.logits_at: every step in one
batched pass, exactly as the runtime computes it), each step with its own target:

  word w = (a_w, e_w, class): its first and last speech frames in the stream (kws_data.speech_extent);
  at step t the window holds frames t-n+1 .. t. With the newest word that has started by t:
    t < e_w - 1                  arriving (speech still coming)      -> silence
                                 (ignored if an older word is complete and inside the window)
    e_w - 1 <= t < e_w + 3       word just ending                    -> ignored (no loss)
    a_w >= t - n + 1 + 3         complete and inside the window      -> the word's class
    a_w within 3 frames of t-n+1 starting to leave the window        -> ignored
    otherwise                    the word has (partly) left          -> silence
  no word started yet: silence.

So `silence` is the answer while a word is still arriving or already leaving (the clip rule and `listen`
must not fire early), and a word's class is the answer from just after its end for as long as the whole
word is inside the window (n frames). IGNORE = -100 (torch's cross_entropy ignore_index).
"""
import numpy as np
import torch

IGNORE = -100


def step_targets(words, L, S, n, silence, margin=3):
    """Targets [S] for the steps at stream indices L-S .. L-1. words: [(a, e, cls)] (first/last speech frame)."""
    out = np.full(S, silence, np.int64)
    if not words:
        return out
    words = sorted(words, key=lambda w: w[0])
    for j in range(S):
        t = L - S + j
        started = [w for w in words if w[0] <= t]
        if not started:
            continue
        a, e, c = started[-1]
        lo = t - n + 1
        if t < e - 1:                                               # arriving
            older_complete = any(a2 >= lo + margin and e2 + margin <= t for a2, e2, _ in started[:-1])
            out[j] = IGNORE if older_complete else silence
        elif t < e + margin:                                        # ending
            out[j] = IGNORE
        elif a >= lo + margin:                                      # complete, inside the window
            out[j] = c
        elif a >= lo - margin:                                      # starting to leave
            out[j] = IGNORE
    return out


def background_excerpt(rng, bgs, L):
    """L consecutive frames [L, M] of one background (energies [T, M]) picked at random from the list bgs, at a
    random offset; a background shorter than L is repeated. train.py's windows and the streams share it."""
    b = bgs[int(rng.integers(len(bgs)))]
    if len(b) < L:
        b = np.tile(b, (L // len(b) + 1, 1))
    o = int(rng.integers(0, len(b) - L + 1))
    return b[o:o + L]


def warp_and_mask(x, rng, alpha_lo, alpha_hi, t_from):
    """Feature-domain augmentation of log-mel frames x [L, M] (train.py and the streams share it): a VTLP-style
    mel-axis warp by alpha ~ U(alpha_lo, alpha_hi) (linear interpolation between bands), then SpecAugment: with
    probability 1/2 one band mask of 1-5 bands, and 0-2 time masks of 1-7 frames starting at or after frame t_from,
    masked values set to the per-band mean. Returns the new array."""
    L, M = x.shape
    alpha = rng.uniform(alpha_lo, alpha_hi)
    src = np.clip(np.arange(M) * alpha, 0, M - 1)
    i0 = np.floor(src).astype(int)
    i1 = np.minimum(i0 + 1, M - 1)
    w = src - i0
    x = x[:, i0] * (1 - w) + x[:, i1] * w
    mean = x.mean(0)
    if rng.random() < 0.5:
        fw = int(rng.integers(1, 6))
        f0 = int(rng.integers(0, M - fw))
        x[:, f0:f0 + fw] = mean[f0:f0 + fw]
    for _ in range(int(rng.integers(0, 3))):
        tw = int(rng.integers(1, 8))
        t0 = int(rng.integers(t_from, L - tw))
        x[t0:t0 + tw] = mean
    return x


class AudioStreams:
    """Training / validation streams from a load_speech_commands() data set (see the module docstring)."""

    def __init__(self, data, config, split, seed, augment, context_p=0.3, unknown_share=1.5):
        self.M = config["frontend"]["mels"]
        self.floor = float(config["frontend"].get("log_floor", 1e-6))
        self.feats = data["feats"]
        self.a, self.b = data["extent"]
        self.rng = np.random.default_rng(seed)
        self.augment = augment
        self.context_p = context_p
        classes = config["classes"]
        C = len(classes)
        sel = data["split"] == split
        self.by_class = [np.nonzero(sel & (data["labels"] == c))[0] for c in range(C)]
        self.silence = classes.index("silence") if "silence" in classes else -1
        self.unknown = classes.index("unknown") if "unknown" in classes else -1
        bg = [b for b in data["background"] if len(b) > 0]
        if not bg:
            from frontend import LogMel
            noise = torch.as_tensor(np.random.default_rng(seed).standard_normal(16000 * 5) * 1e-3, dtype=torch.float32)
            bg = [LogMel(config["frontend"])(noise).numpy()]
        self.bg = [np.exp(b.astype(np.float64)) - self.floor for b in bg]           # energies
        w = np.array([0.0 if len(ix) == 0 and c != self.silence else 1.0 for c, ix in enumerate(self.by_class)])
        if self.unknown >= 0:
            w[self.unknown] *= unknown_share
        if self.silence >= 0:
            w[self.silence] *= 0.5
        self.class_p = w / w.sum()
        wc = w.copy()
        if self.silence >= 0:
            wc[self.silence] = 0
        self.word_p = wc / wc.sum()

    def _bg(self, L):
        return background_excerpt(self.rng, self.bg, L)

    def _place(self, E, j, end):
        """Add clip j's energies so that its last speech frame lands at stream index `end`: the whole 1 s clip
        (its own noise floor included, as eval_kws.py places it) or, half of the time when augmenting, only its
        speech +-12 frames with 4-frame ramps (no step in the noise floor). -> (a, e) in the stream."""
        clip = np.exp(self.feats[j].astype(np.float64)) - self.floor                  # [T, M]
        a, b = int(self.a[j]), int(self.b[j])                                         # speech frames [a, b)
        o = end - (b - 1)
        if self.augment and self.rng.random() < 0.5:
            c0, c1 = max(a - 12, 0), min(b + 12, len(clip))
            ramp = np.ones(c1 - c0)
            r = min(4, len(ramp) // 2)
            ramp[:r] = np.linspace(0.2, 1, r)
            ramp[-r:] = np.linspace(1, 0.2, r)
        else:
            c0, c1 = 0, len(clip)
            ramp = np.ones(c1 - c0)
        seg = clip[c0:c1] * ramp[:, None]
        s0, s1 = max(o + c0, 0), min(o + c1, len(E))
        if s1 > s0:
            E[s0:s1] += seg[s0 - o - c0:s1 - o - c0]
        return o + a, o + b - 1

    def sample(self, L, S, n, cls=None):
        """-> x [L, M] float32, targets [S] (steps at stream indices L-S .. L-1), the main class."""
        rng, M = self.rng, self.M
        c = int(rng.choice(len(self.class_p), p=self.class_p)) if cls is None else cls
        bg = self._bg(L)
        E = np.zeros((L, M))
        words = []
        if c != self.silence and len(self.by_class[c]):
            j = self.by_class[c][int(rng.integers(len(self.by_class[c])))]
            # the word ends early in the labelled steps 70 % of the time (most steps then have the word's
            # class), anywhere up to just past the last step otherwise (more steps of a word arriving)
            end = int(rng.integers(L - S - 15, L - S + 40) if rng.random() < 0.7 else rng.integers(L - S + 40, L + 6))
            a, e = self._place(E, j, end)
            words.append((a, e, c))
            if self.augment and rng.random() < self.context_p:
                c2 = int(rng.choice(len(self.word_p), p=self.word_p))
                j2 = self.by_class[c2][int(rng.integers(len(self.by_class[c2])))]
                end2 = a - int(rng.integers(5, 60))
                if end2 > 10:
                    g2 = np.exp(rng.uniform(-2, 1))                                    # its own loudness
                    E2 = np.zeros_like(E)
                    a2, e2 = self._place(E2, j2, end2)
                    E += g2 * E2
                    words.append((a2, e2, c2))
        if words:
            speech_level = np.log(E.mean(1).max() + 1e-30)
            snr = rng.uniform(5, 40) if self.augment else rng.uniform(15, 40)
            bg_level = np.log(bg.mean() + 1e-30)
            if rng.random() < 0.9:
                E += np.exp(speech_level - bg_level - snr * np.log(10) / 10) * bg
            else:
                E += np.exp(speech_level - bg_level - 60 * np.log(10) / 10) * bg
        else:
            E += np.exp(rng.uniform(-8, 2) if self.augment else rng.uniform(-5, 1)) * bg
        if self.augment:
            E *= np.exp(rng.uniform(-2.5, 2.5))                                       # gain, +-11 dB
            f = np.arange(M) / (M - 1)
            curve = rng.uniform(-1.2, 1.2) * (f - 0.5)                                # spectral tilt
            for k in range(1, 4):                                                     # smooth band EQ (+-~4 dB)
                curve += rng.normal(0, 0.25) * np.cos(np.pi * k * f + rng.uniform(0, np.pi))
            E *= np.exp(curve)[None, :]
        x = np.log(np.maximum(E, 0) + self.floor)
        if self.augment:
            x = warp_and_mask(x, rng, 0.88, 1.12, 0)
        sil = self.silence if self.silence >= 0 else 0
        return x.astype(np.float32), step_targets(words, L, S, n, sil), c

    def batch(self, B, L, S, n):
        xs, ys, _ = zip(*(self.sample(L, S, n) for _ in range(B)))
        return torch.as_tensor(np.stack(xs)), torch.as_tensor(np.stack(ys))


def clip_streams(data, config, split, seed, per_class=None, frames=198, at=50):
    """Evaluation streams in the feature domain like eval_kws.py: each clip of `split` whole at frame `at` of a
    `frames`-frame stream over background 20-45 dB below the clip's loudest frame, plus noise-only streams
    (label silence). -> x [N, frames, M] float32, labels [N]."""
    rng = np.random.default_rng(seed)
    floor = float(config["frontend"].get("log_floor", 1e-6))
    classes = config["classes"]
    sil = classes.index("silence") if "silence" in classes else -1
    bg = [np.exp(b.astype(np.float64)) - floor for b in data["background"] if len(b) > 0]
    sel = np.nonzero(data["split"] == split)[0]
    if per_class:
        keep = []
        for c in range(len(classes)):
            ix = sel[data["labels"][sel] == c]
            keep += list(rng.permutation(ix)[:per_class])
        sel = np.array(sorted(keep), dtype=np.int64)
    n_noise = max(1, len(sel) // max(1, len(classes) - 1))
    xs, ys = [], []
    for j in list(sel) + [-1] * n_noise:
        b = bg[int(rng.integers(len(bg)))]
        o = int(rng.integers(0, len(b) - frames))
        B = b[o:o + frames]
        E = np.zeros((frames, B.shape[1]))
        if j >= 0:
            clip = np.exp(data["feats"][j].astype(np.float64)) - floor
            T = min(len(clip), frames - at)
            E[at:at + T] = clip[:T]
            peak = clip.mean(1).max()
            E += B * (peak * 10 ** (-rng.uniform(20, 45) / 10) / (B.mean() + 1e-30))
            ys.append(int(data["labels"][j]))
        else:
            E += B * (10 ** (rng.uniform(-70, -20) / 10) / (B.mean() + 1e-30))
            ys.append(sil)
        xs.append(np.log(np.maximum(E, 0) + floor).astype(np.float32))
    return np.stack(xs), np.array(ys)
