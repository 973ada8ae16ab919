#!/usr/bin/python3
"""Train an EdgeModel and export it for the converter.

  # your own audio: a Speech Commands-style folder (<word>/*.wav, _background_noise_/), features as §6
  /usr/bin/python3 tools/pytorch/train.py --config model.json --data DIR --output ckpt.pt --export-dir out/
  # any sensor: frames.npy [T, F] (or [N, T, F]) + labels.npy [T] (or [N, T]), the class of every frame
  /usr/bin/python3 tools/pytorch/train.py --config model.json --frames frames.npy --labels labels.npy --output ckpt.pt --export-dir out/
  # the built-in synthetic task (no data; tests and models/kws-tiny)
  /usr/bin/python3 tools/pytorch/train.py --config model.json --output ckpt.pt [--steps 400] [--seed 1]

The config is validated first (config_check.py: one line naming the field, exit 2), then checked
against the data (input_features vs frames, class names vs folders, class count vs labels).
input_norm (mean/std per feature) is computed from the training data. Every step trains the output
of the newest token of a window with the landmarks the runtime uses at that stream position
(continual landmarks for 1-layer models, fast_steps.py), at random stream phases so every recycled
position is seen. Progress with an ETA, validation accuracy every --eval-every steps; the best
checkpoint is saved (and exported to --export-dir) as it goes, so training can be stopped at any
time (--minutes sets a budget). At the end: validation confusion matrix and training accuracy.

The synthetic task (no data set needed): frames of F "filterbank" features; background is
noise; a keyword is a 16..28-frame burst whose energy band sweeps up through the low features
("yes", class 1) or down through the high features ("no", class 2). A window is labelled with the keyword it fully
contains, else "silence" (class 0). Training uses window-mode landmarks (continual landmarks
equal window ones whenever (t+1) % n == 0, models/README.md §4.2) at random stream offsets so the
recycling positions are all seen.
"""
import argparse
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as Fn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from config_check import ConfigError, load_config  # noqa: E402
from edge_model import EdgeModel  # noqa: E402
from export import export_model  # noqa: E402
from fast_steps import StepEvaluator, context_start  # noqa: E402
from kws_data import DataError, load_frames_labels, load_speech_commands  # noqa: E402
from kws_streams import IGNORE, AudioStreams, background_excerpt, clip_streams, warp_and_mask  # noqa: E402


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
        if step % 50 == 0 or step == steps - 1:
            log(f"step {step:4d} loss {loss.item():.4f}")
    model.eval()
    return model


# ---------------------------------------------------------------- training on real data

def blas_check(log=print):
    """Warn when torch runs on the reference BLAS (Debian's python3-torch without libopenblas0-pthread)."""
    a = torch.randn(256, 256)
    t0 = time.perf_counter()
    for _ in range(8):
        a @ a
    gflops = 8 * 2 * 256 ** 3 / (time.perf_counter() - t0) / 1e9
    libs = ""
    try:
        with open("/proc/self/maps") as f:
            libs = f.read()
    except OSError:
        pass
    fast = any(k in libs for k in ("openblas", "libmkl", "libblis", "libflexiblas"))
    if not fast:
        log(f"warning: torch uses the reference BLAS ({gflops:.1f} GFLOP/s on a 256x256 matmul); training is "
            f"several times slower. Install OpenBLAS: apt-get install -y libopenblas0-pthread")
    return gflops


def confusion(pred, true, C):
    m = np.zeros((C, C), np.int64)
    np.add.at(m, (true, pred), 1)
    return m


def format_confusion(m, classes):
    w = max(6, max(len(c) for c in classes) + 1)
    lines = ["true \\ pred".ljust(w + 2) + "".join(c[:6].rjust(7) for c in classes)]
    for i, c in enumerate(classes):
        lines.append(c.ljust(w + 2) + "".join(str(v).rjust(7) for v in m[i]))
    return "\n".join(lines)


class AudioWindows:
    """Training windows [B, L, M] of log-mel features built from 1 s clips and background noise, in the
    energy domain: E = E_clip + g E_background (the clip's speech frames placed inside the last n frames),
    then gain, spectral tilt, VTLP-style mel warping and SpecAugment masks (train split only)."""

    def __init__(self, data, config, split, seed, augment, partial=0.0):
        self.cfg = config
        self.partial = partial
        self.M = config["frontend"]["mels"]
        self.floor = float(config["frontend"].get("log_floor", 1e-6))
        self.feats = data["feats"]
        self.a, self.b = data["extent"]
        self.rng = np.random.default_rng(seed)
        self.augment = augment
        C = len(config["classes"])
        sel = data["split"] == split
        self.by_class = [np.nonzero(sel & (data["labels"] == c))[0] for c in range(C)]
        self.silence = config["classes"].index("silence") if "silence" in config["classes"] else -1
        self.unknown = config["classes"].index("unknown") if "unknown" in config["classes"] else -1
        bg = [b for b in data["background"] if len(b) > 0]
        if not bg:   # no _background_noise_: quiet white noise
            from frontend import LogMel
            noise = torch.as_tensor(np.random.default_rng(seed).standard_normal(16000 * 5) * 1e-3, dtype=torch.float32)
            bg = [LogMel(config["frontend"])(noise).numpy()]
        self.bg = [np.exp(b.astype(np.float64)) - self.floor for b in bg]       # energies
        weights = np.array([0.0 if len(ix) == 0 and c != self.silence else 1.0 for c, ix in enumerate(self.by_class)])
        if self.unknown >= 0:
            weights[self.unknown] *= 1.5
        self.class_p = weights / weights.sum()

    def _bg(self, L):
        return background_excerpt(self.rng, self.bg, L)

    def sample(self, L, n, cls=None):
        """One window [L, M] float32 whose speech (if any) lies inside the last n frames, and its class."""
        rng, M = self.rng, self.M
        c = int(rng.choice(len(self.class_p), p=self.class_p)) if cls is None else cls
        bg = self._bg(L)
        bg_level = np.log(bg.mean() + 1e-30)
        E = np.zeros((L, M))
        if c == self.silence or len(self.by_class[c]) == 0:
            g = np.exp(rng.uniform(-8, 2) if self.augment else rng.uniform(-5, 1))
            E += g * bg
        else:
            j = self.by_class[c][int(rng.integers(len(self.by_class[c])))]
            clip = np.exp(self.feats[j].astype(np.float64)) - self.floor              # [T, M]
            T = len(clip)
            a, b = int(self.a[j]), int(self.b[j])
            lo, hi = L - n - a, L - b
            o = int(rng.integers(lo, hi + 1)) if hi >= lo else hi
            if self.silence >= 0 and rng.random() < self.partial:
                # word cut by a window edge (>= 25 % of its frames outside): the target is silence, so that
                # no class fires while a word is still arriving or already leaving
                cut = max(3, (b - a) // 4)
                if rng.random() < 0.5:
                    lo2, hi2 = L - b + cut, L - a - 3               # end beyond the newest frame
                else:
                    lo2, hi2 = L - n - b + 3, L - n - a - cut       # start before the oldest frame
                if hi2 >= lo2:
                    o = int(rng.integers(lo2, hi2 + 1))
                    c = self.silence
            s0, s1 = max(o, 0), min(o + T, L)
            E[s0:s1] = clip[s0 - o:s1 - o]
            clip_level = np.log(clip.mean(1).max() + 1e-30)
            snr = rng.uniform(0, 40) if self.augment else rng.uniform(10, 40)
            snr_nat = snr * np.log(10) / 10
            if rng.random() < 0.9:
                E += np.exp(clip_level - bg_level - snr_nat) * bg
        if self.augment:
            E *= np.exp(rng.uniform(-2.5, 2.5))                                       # gain, +-11 dB
            tilt = rng.uniform(-1.2, 1.2)
            E *= np.exp(tilt * (np.arange(M) / (M - 1) - 0.5))[None, :]               # spectral tilt
        x = np.log(np.maximum(E, 0) + self.floor)
        if self.augment:
            x = warp_and_mask(x, rng, 0.9, 1.1, L - n)                                     # mel warp, SpecAugment
        return x.astype(np.float32), c

    def batch(self, B, L, n):
        xs, ys = zip(*(self.sample(L, n) for _ in range(B)))
        return torch.as_tensor(np.stack(xs)), torch.as_tensor(ys)


class FrameWindows:
    """Windows of a frames.npy stream ending at step t, labelled labels[t] (the newest frame's class).
    Within a batch every t has the same phase modulo lcm(P, n), so positions and landmark segments agree."""

    def __init__(self, frames, labels, lo, hi, seed):
        self.frames, self.labels = frames, labels
        self.lo, self.hi = lo, hi            # steps t in [lo, hi) of each stream
        self.rng = np.random.default_rng(seed)

    def batch(self, B, L, n, t_ref, cycle):
        """t_ref: a step whose context starts at t_ref - L + 1; samples t = t_ref + k * cycle."""
        ks_lo = -((t_ref - max(self.lo, L - 1)) // cycle)
        ks_hi = (self.hi - 1 - t_ref) // cycle
        if ks_hi < ks_lo:
            return None
        xs, ys = [], []
        for _ in range(B):
            r = int(self.rng.integers(len(self.frames)))
            t = t_ref + cycle * int(self.rng.integers(ks_lo, ks_hi + 1))
            xs.append(self.frames[r, t - L + 1:t + 1])
            ys.append(self.labels[r, t])
        return torch.as_tensor(np.stack(xs)), torch.as_tensor(np.array(ys))


def step_logits(model, ctx, start):
    """Logits [B, C] of the newest token of ctx [B, L, F] at stream positions start .. start+L-1,
    with the landmarks the runtime uses (continual: fast_steps; deeper models: window landmarks)."""
    if len(model.layers) == 1:
        return StepEvaluator(model, ctx, start).logits(ctx.shape[1] - 1)
    n = model.n
    return model(ctx[:, -n:], start + ctx.shape[1] - n)


def ctx_geometry(model, t):
    """(start, L): the context a step t needs (continual landmarks reach back up to a segment)."""
    n = model.n
    if len(model.layers) == 1 and model.nystrom and model.landmark_mode == "continual" and model.m < n:
        s = context_start(t, n, model.m)
    else:
        s = t - n + 1
    return s, t - s + 1


def evaluate_windows(model, xs, ys, starts, C):
    model.eval()
    preds = []
    with torch.no_grad():
        for x, s in zip(xs, starts):
            preds.append(step_logits(model, x, s).argmax(1).numpy())
    pred = np.concatenate(preds)
    true = np.concatenate([y.numpy() for y in ys])
    return float((pred == true).mean()), confusion(pred, true, C)


def clip_rule_eval(model, x, y, classes, batch=64):
    """Clip rule (eval_kws.py) on streams x [N, T, F] starting at stream position 0 -> (accuracy, keyword
    accuracy, confusion)."""
    from eval_kws import clip_rule
    model.eval()
    probs = []
    with torch.no_grad():
        for i in range(0, len(x), batch):
            ev = StepEvaluator(model, torch.as_tensor(x[i:i + batch]), 0)
            probs.append(torch.softmax(ev.logits_at(range(ev.first_index(), x.shape[1])), -1).numpy())
    pred = clip_rule(np.concatenate(probs), classes)
    kw = np.isin(y, [i for i, c in enumerate(classes) if c not in ("silence", "unknown")])
    return float((pred == y).mean()), float((pred[kw] == y[kw]).mean()), confusion(pred, y, len(classes))


def load_init(model, path, log=print):
    """--init: a train.py checkpoint (.pt) or an exported model.safetensors (its input_norm kept)."""
    if not os.path.isfile(path):
        raise DataError(f"--init {path}: no such file; give a train.py checkpoint (.pt) or a model.safetensors")
    if path.endswith(".safetensors"):
        from edge_model import load_tensors_into
        from safetensors_io import read_safetensors
        tensors, _ = read_safetensors(path)
        try:
            load_tensors_into(model, tensors)
        except KeyError as e:
            raise DataError(f"--init {path}: its tensors do not fit the config ({e}); give a model of the same "
                            f"architecture") from None
    else:
        try:
            model.load_state_dict(torch.load(path, map_location="cpu")["state_dict"])
        except (RuntimeError, KeyError) as e:
            raise DataError(f"--init {path}: not a checkpoint of this architecture ({str(e).splitlines()[0]}); "
                            f"give a train.py checkpoint of the same config") from None
    log(f"initialised from {path} (its input_norm kept)")


def train_on_data(config, args, log=print):
    C, n = len(config["classes"]), config["window"]
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    model = EdgeModel(config, input_norm=True)
    period = model.period or 1
    cycle = period * n // math.gcd(period, n)
    if args.data:
        data = load_speech_commands(args.data, config, args.cache, args.config, log)
        tr = data["split"] == "train"
        counts = np.bincount(data["labels"][tr], minlength=C)
        log("training clips per class: " + ", ".join(f"{c} {k}" for c, k in zip(config["classes"], counts)))
        feats = data["feats"][tr].reshape(-1, data["feats"].shape[-1]).astype(np.float64)
        train_src = AudioWindows(data, config, "train", args.seed, augment=True, partial=args.partial)
        val_src = AudioWindows(data, config, "validation", args.seed + 1, augment=False, partial=args.partial)
        if all(len(ix) == 0 for c, ix in enumerate(val_src.by_class) if c != val_src.silence):
            val_src = AudioWindows(data, config, "train", args.seed + 1, augment=False)
            log("no validation clips: validating on training clips without augmentation")
        get_train = lambda B, t: train_src.batch(B, *ctx_geometry(model, t)[1:], n)  # noqa: E731
    else:
        frames, labels = load_frames_labels(args.frames, args.labels, config, args.config)
        Tn = frames.shape[1]
        cut = int(Tn * 0.85)
        feats = frames[:, :cut].reshape(-1, frames.shape[2]).astype(np.float64)
        counts = np.bincount(labels[:, :cut].ravel(), minlength=C)
        log("training frames per class: " + ", ".join(f"{c} {k}" for c, k in zip(config["classes"], counts)))
        train_fw = FrameWindows(frames, labels, 0, cut, args.seed)
        val_fw = FrameWindows(frames, labels, cut, Tn, args.seed + 1)

        def get_train(B, t):
            s, L = ctx_geometry(model, t)
            return train_fw.batch(B, L, n, t, cycle)
    mean = feats.mean(0)
    std = np.maximum(feats.std(0), 1e-3)
    model.input_norm.mean.copy_(torch.as_tensor(mean, dtype=torch.float32))
    model.input_norm.std.copy_(torch.as_tensor(std, dtype=torch.float32))
    log(f"input_norm from {len(feats)} training frames: mean {mean.min():.2f}..{mean.max():.2f}, "
        f"std {std.min():.2f}..{std.max():.2f}")
    if args.init:
        load_init(model, args.init, log)
    streams = bool(args.data) and args.stream_steps > 0
    if streams:
        if len(model.layers) != 1:
            raise DataError("--stream-steps needs a 1-layer model (layers: 1); use --stream-steps 0 for deeper ones")
        S = args.stream_steps
        train_st = AudioStreams(data, config, "train", args.seed, augment=True, unknown_share=args.unknown_share)
        vsplit = "validation" if np.any(data["split"] == "validation") else "train"
        vx, vy = clip_streams(data, config, vsplit, args.seed + 99, per_class=args.val_clips)
        class_w = torch.ones(C)
        if train_st.silence >= 0:
            class_w[train_st.silence] = args.silence_weight
        if train_st.unknown >= 0:
            class_w[train_st.unknown] = args.unknown_weight
        log(f"per-step training on streams: {S} steps per stream; validation: clip rule on {len(vy)} "
            f"{vsplit} streams")

    # fixed validation windows (seeded), 16 batches at different stream phases
    val_x, val_y, val_s = [], [], []
    vr = np.random.default_rng(args.seed + 99)
    for i in range(0 if streams else args.val_batches):
        t = n - 1 + cycle * 4 + int(vr.integers(0, cycle))
        s, L = ctx_geometry(model, t)
        if args.data:
            x, y = val_src.batch(64, L, n)
        else:
            b = val_fw.batch(64, L, n, t, cycle)
            if b is None:
                break
            x, y = b
        val_x.append(x), val_y.append(y), val_s.append(s)

    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01)
    warm = max(1, min(200, args.steps // 10))
    best, t0 = -1.0, time.time()
    deadline = t0 + 60 * args.minutes if args.minutes else None
    run_loss = run_acc = 0.0
    lr = args.lr
    for step in range(args.steps):
        # cosine decay over the run: progress = the larger of step / steps and elapsed / --minutes
        progress = step / args.steps
        if deadline:
            progress = max(progress, (time.time() - t0) / (deadline - t0))
        lr = args.lr * min(1.0, (step + 1) / warm) * 0.5 * (1 + math.cos(math.pi * min(progress, 1.0)))
        for g in opt.param_groups:
            g["lr"] = lr
        model.train()
        t = n - 1 + cycle * 4 + int(rng.integers(0, cycle))
        if streams:
            # the last S steps t-S+1 .. t of a stream, each with its own target, in one pass
            s = ctx_geometry(model, t - S + 1)[0]
            L = t - s + 1
            x, y = train_st.batch(args.batch, L, S, n)
            logits = StepEvaluator(model, x, s).logits_at(range(L - S, L)).reshape(-1, C)
            y = y.reshape(-1)
            loss = Fn.cross_entropy(logits, y, weight=class_w, ignore_index=IGNORE, label_smoothing=args.label_smoothing)
            keep = y != IGNORE
            logits, y = logits[keep], y[keep]
        else:
            s, L = ctx_geometry(model, t)
            b = get_train(args.batch, t)
            if b is None:
                continue
            x, y = b
            logits = step_logits(model, x, s)
            loss = Fn.cross_entropy(logits, y, label_smoothing=args.label_smoothing)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        run_loss = 0.98 * run_loss + 0.02 * loss.item() if step else loss.item()
        run_acc = 0.98 * run_acc + 0.02 * float((logits.argmax(1) == y).float().mean()) if step else 0.0
        last = step == args.steps - 1 or (deadline and time.time() > deadline)
        if step % args.log_every == 0 or last:
            el = time.time() - t0
            eta = el / (step + 1) * (args.steps - step - 1)
            if deadline:
                eta = min(eta, max(0.0, deadline - time.time()))
            log(f"step {step:5d}/{args.steps} loss {run_loss:.3f} train acc {run_acc:.3f} "
                f"lr {lr:.2e} {(step + 1) / el:.2f} steps/s ETA {eta / 60:.1f} min")
        if (step + 1) % args.eval_every == 0 or last:
            if streams:
                acc, kacc, conf = clip_rule_eval(model, vx, vy, config["classes"])
                msg = f"validation clip-rule accuracy {acc:.4f} (keywords {kacc:.4f}) at step {step + 1}"
            else:
                acc, conf = evaluate_windows(model, val_x, val_y, val_s, C)
                msg = f"validation accuracy {acc:.4f} at step {step + 1}"
            if acc > best:
                best = acc
                save_checkpoint(model, config, args, {"step": step + 1, "val_acc": acc})
                msg += " (best: saved"
                msg += f", exported to {args.export_dir})" if args.export_dir else ")"
            log(msg)
        if last:
            break
    # final report from the best checkpoint
    ck = torch.load(args.output, map_location="cpu")
    model.load_state_dict(ck["state_dict"])
    if streams:
        acc, kacc, conf = clip_rule_eval(model, vx, vy, config["classes"])
        log(f"best checkpoint (step {ck['meta']['step']}): validation clip-rule accuracy {acc:.4f} "
            f"(keywords {kacc:.4f})\n" + format_confusion(conf, config["classes"]))
        tx, ty = clip_streams(data, config, "train", args.seed + 98, per_class=args.val_clips)
        tacc, tkacc, _ = clip_rule_eval(model, tx, ty, config["classes"])
        log(f"training clips, clip rule (no augmentation): accuracy {tacc:.4f} (keywords {tkacc:.4f})")
    else:
        acc, conf = evaluate_windows(model, val_x, val_y, val_s, C)
        log(f"best checkpoint (step {ck['meta']['step']}): validation accuracy {acc:.4f}\n" +
            format_confusion(conf, config["classes"]))
    if args.data and not streams:
        tx, ty, ts = [], [], []
        tsrc = AudioWindows(data, config, "train", args.seed + 2, augment=False)
        for i in range(len(val_x)):
            t = n - 1 + cycle * 4 + int(vr.integers(0, cycle))
            s, L = ctx_geometry(model, t)
            x, y = tsrc.batch(64, L, n)
            tx.append(x), ty.append(y), ts.append(s)
        tacc, _ = evaluate_windows(model, tx, ty, ts, C)
        log(f"training accuracy (no augmentation) {tacc:.4f}")
    log(f"trained {time.time() - t0:.0f} s")
    return model


def save_checkpoint(model, config, args, meta):
    torch.save({"config": config, "input_norm": True, "state_dict": model.state_dict(), "meta": meta}, args.output)
    if args.export_dir:
        export_model(model, args.export_dir, "F32", config,
                     metadata={"trained": f"tools/pytorch/train.py step {meta['step']}, validation accuracy "
                                          f"{meta['val_acc']:.4f}"})


def run(argv=None):
    ap = argparse.ArgumentParser(
        description="train an EdgeModel: on a Speech Commands-style folder (--data), on frames.npy + labels.npy "
                    "(--frames/--labels), or on the built-in synthetic keyword task (neither)")
    ap.add_argument("--config", required=True, help="model.json (models/README.md §1; audio data needs the §6 frontend block)")
    ap.add_argument("--output", required=True, help="checkpoint .pt (the best one so far)")
    ap.add_argument("--export-dir", help="also write model.json + model.safetensors of the best checkpoint here")
    ap.add_argument("--data", help="Speech Commands-style folder: <word>/*.wav, _background_noise_/")
    ap.add_argument("--frames", help="frames.npy float [T, F] or [N, T, F] (any sensor)")
    ap.add_argument("--labels", help="labels.npy int [T] or [N, T]: class of each frame")
    ap.add_argument("--cache", default=os.path.join(os.path.expanduser("~"), ".cache", "edge-attention"),
                    help="feature cache folder (audio)")
    ap.add_argument("--steps", type=int, default=None, help="optimizer steps (default 400 synthetic, 6000 data)")
    ap.add_argument("--minutes", type=float, default=None, help="stop after this many minutes (best checkpoint kept)")
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--label-smoothing", type=float, default=0.05)
    ap.add_argument("--eval-every", type=int, default=250)
    ap.add_argument("--log-every", type=int, default=50)
    ap.add_argument("--val-batches", type=int, default=16)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--init", help="start from this checkpoint (.pt) or model.safetensors of the same architecture")
    ap.add_argument("--stream-steps", type=int, default=0,
                    help="audio, 1-layer models: train on streams with a target at each of their last S steps "
                         "(kws_streams.py; 0 = one window per sample)")
    ap.add_argument("--silence-weight", type=float, default=0.4,
                    help="with --stream-steps: loss weight of `silence` steps (most steps of a stream are silence)")
    ap.add_argument("--unknown-weight", type=float, default=1.0,
                    help="with --stream-steps: loss weight of the steps whose target is `unknown`")
    ap.add_argument("--unknown-share", type=float, default=1.5,
                    help="with --stream-steps: how often `unknown` words are drawn relative to one keyword")
    ap.add_argument("--val-clips", type=int, default=60,
                    help="with --stream-steps: validation clips per class (clip rule)")
    ap.add_argument("--partial", type=float, default=0.0,
                    help="audio: fraction of word windows cut by a window edge and labelled silence")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    config = load_config(args.config, "train.py")
    if bool(args.frames) != bool(args.labels):
        raise DataError("--frames and --labels go together (frames.npy [T, F] + labels.npy [T])")
    if args.data and args.frames:
        raise DataError("give either --data (WAV folders) or --frames/--labels, not both")
    if not args.data and not args.frames:
        model = train(config, args.steps or 400, seed=args.seed)
        torch.save({"config": config, "input_norm": False, "state_dict": model.state_dict()}, args.output)
        if args.export_dir:
            export_model(model, args.export_dir, "F32", config)
        print(f"wrote {args.output}")
        return
    if args.steps is None:
        args.steps = 6000
    blas_check()
    train_on_data(config, args)
    print(f"wrote {args.output}" + (f" and {args.export_dir}/model.json + model.safetensors" if args.export_dir else ""))


def main(argv=None):
    try:
        run(argv)
    except (ConfigError, DataError) as e:
        print(f"error: {e}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
