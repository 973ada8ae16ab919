#!/usr/bin/python3
"""Evaluate a keyword-spotting model on held-out clips with the streaming clip rule, float32 and int8.

  /usr/bin/python3 tools/pytorch/eval_kws.py --model-dir models/kws12 --data /work/data/kws12 [--split testing]
      [--out models/kws12] [--demo models/kws12/demo.wav]

Each held-out clip (1 s) is put into a 2 s stream at 0.5 s over fresh background noise (white, pink
or brown, 20-45 dB below the clip's loudest 10 ms); `silence` is scored on noise-only streams
(as many as the average keyword has clips). Features: frontend.LogMel (float32), then the model runs
step by step exactly as the runtime (fast_steps.StepEvaluator, continual landmarks).
Clip rule: s_t = mean of the softmax over the last 10 steps; for every class c except `silence`,
score_c = max_t s_t(c); prediction = the best such class if its score >= 0.5, else `silence`.
int8 is simulated as the runtime runs it: every Linear weight per-output-channel symmetric int8
(s = max|W[r,:]|/127, round half to even) and every Linear's input vector quantized per vector
(s = max|x|/127); norms, biases, embeddings and attention arithmetic in float32.

Writes <out>/eval.json, <out>/confusion.png (float32 and int8) and with --demo <out>/posteriors.png.
"""
import argparse
import csv
import json
import os
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from config_check import ConfigError, load_config  # noqa: E402
from edge_model import EdgeModel, load_tensors_into  # noqa: E402
from fast_steps import StepEvaluator  # noqa: E402
from frontend import LogMel, read_wav  # noqa: E402
from kws_data import load_pcm, sc_split  # noqa: E402
from safetensors_io import read_safetensors  # noqa: E402


def load_model(model_dir):
    config = load_config(os.path.join(model_dir, "model.json"), "eval_kws.py")
    tensors, _ = read_safetensors(os.path.join(model_dir, "model.safetensors"))
    model = EdgeModel(config, input_norm="input_norm.mean" in tensors)
    load_tensors_into(model, tensors)
    model.eval()
    return config, model


def colored(n, kind, rng):
    w = rng.standard_normal(n)
    if kind != "white":
        spec = np.fft.rfft(w)
        f = np.arange(len(spec), dtype=np.float64)
        f[0] = 1.0
        spec /= np.sqrt(f) if kind == "pink" else f
        w = np.fft.irfft(spec, n)
    return w / (np.sqrt(np.mean(w ** 2)) + 1e-12)


def stream_of(clip, rng, sr=16000, seconds=2.0, at=0.5):
    n = int(seconds * sr)
    x = np.zeros(n)
    if clip is not None:
        s = int(at * sr)
        x[s:s + len(clip)] = clip[:n - s]
        frames = clip[:len(clip) // 160 * 160].reshape(-1, 160)
        peak = np.sqrt((frames ** 2).mean(1).max()) + 1e-9
        level = peak * 10 ** (-rng.uniform(20, 45) / 20)
    else:
        level = 10 ** (rng.uniform(-70, -20) / 20)
    kind = ["white", "pink", "brown"][int(rng.integers(3))]
    return np.clip(x + level * colored(n, kind, rng), -1, 1 - 1 / 32768)


@torch.no_grad()
def step_probs(model, feats, int8=False, batch=64):
    """feats [N, T, F] -> softmax [N, T-n+1, C] for steps t = n-1 .. T-1 (stream from position 0); every step
    as the runtime computes it (StepEvaluator.logits_at == logits(i) per step, check_fast_steps.py)."""
    out = []
    for i in range(0, len(feats), batch):
        ev = StepEvaluator(model, torch.as_tensor(feats[i:i + batch]), 0, int8=int8)
        out.append(torch.softmax(ev.logits_at(range(ev.first_index(), feats.shape[1])), -1).numpy())
    return np.concatenate(out)


def smooth(p, k=10):
    """s_t = mean of p over the last k steps (fewer at the start)."""
    c = np.cumsum(p, axis=-2)
    s = c.copy()
    s[..., k:, :] = c[..., k:, :] - c[..., :-k, :]
    cnt = np.minimum(np.arange(1, p.shape[-2] + 1), k)[:, None]
    return s / cnt


def clip_rule(probs, classes, threshold=0.5):
    s = smooth(probs)
    sil = classes.index("silence")
    score = s.max(-2)                                          # [N, C]
    score[:, sil] = -1
    best = score.argmax(-1)
    return np.where(score[np.arange(len(best)), best] >= threshold, best, sil)


def confusion(pred, true, C):
    m = np.zeros((C, C), np.int64)
    np.add.at(m, (true, pred), 1)
    return m


def plot_confusions(mats, classes, titles, path):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib missing: no confusion picture (apt-get install -y python3-matplotlib)")
        return
    fig, axes = plt.subplots(1, len(mats), figsize=(7 * len(mats), 6.2))
    for ax, m, title in zip(np.atleast_1d(axes), mats, titles):
        norm = m / np.maximum(m.sum(1, keepdims=True), 1)
        ax.imshow(norm, cmap="Blues", vmin=0, vmax=1)
        for i in range(len(classes)):
            for j in range(len(classes)):
                if m[i, j]:
                    ax.text(j, i, str(m[i, j]), ha="center", va="center", fontsize=7,
                            color="white" if norm[i, j] > 0.5 else "black")
        ax.set_xticks(range(len(classes)), classes, rotation=60, fontsize=8)
        ax.set_yticks(range(len(classes)), classes, fontsize=8)
        ax.set_xlabel("predicted")
        ax.set_ylabel("true")
        ax.set_title(title, fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def plot_posteriors(probs, classes, truth, fe, n, path, title):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    hop = fe["hop"] / fe["sample_rate"]
    t = (np.arange(probs.shape[0]) + n - 1) * hop + fe["window"] / fe["sample_rate"]   # time the step is emitted
    s = smooth(probs)
    fig, ax = plt.subplots(figsize=(12, 4.2))
    cmap = plt.get_cmap("tab20")
    for c, name in enumerate(classes):
        if name == "silence":
            ax.plot(t, s[:, c], color="0.75", lw=1, label=name)
        else:
            ax.plot(t, s[:, c], color=cmap(c), lw=1.4, label=name)
    for start, end, word, label in truth:
        ax.axvspan(start, end, color="0.9", zorder=0)
        ax.text((start + end) / 2, 1.03, word, ha="center", fontsize=8)
    ax.axhline(0.5, color="k", ls=":", lw=0.8)
    ax.set_ylim(0, 1.1)
    ax.set_xlim(0, t[-1])
    ax.set_xlabel("time (s): when the step is emitted; grey spans = spoken words (ground truth)")
    ax.set_ylabel("posterior (mean of last 10 steps)")
    ax.set_title(title, fontsize=10)
    ax.legend(ncol=12, fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.18))
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def read_truth(path):
    rows = []
    with open(path) as f:
        for line in f:
            if line.strip() and not line.startswith("#"):
                a, b, word, label = line.split("\t")[:4]
                rows.append((float(a), float(b), word, label.strip()))
    return rows


def main(argv=None):
    ap = argparse.ArgumentParser(description="clip-rule evaluation of a KWS model, float32 and simulated int8")
    ap.add_argument("--model-dir", required=True)
    ap.add_argument("--data", required=True)
    ap.add_argument("--split", default="testing")
    ap.add_argument("--out", default=None)
    ap.add_argument("--demo", default=None, help="demo WAV (its ground truth: same name, .txt)")
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--limit", type=int, default=0, help="at most this many clips per class (0: all)")
    args = ap.parse_args(argv)
    torch.set_num_threads(1)
    try:
        config, model = load_model(args.model_dir)
    except ConfigError as e:
        sys.exit(f"error: {e}")
    out = args.out or args.model_dir
    classes, fe, n = config["classes"], config["frontend"], config["window"]
    C = len(classes)
    rng = np.random.default_rng(args.seed)
    lists = {}
    for name in ("validation_list.txt", "testing_list.txt"):
        p = os.path.join(args.data, name)
        lists[name] = set(open(p).read().split()) if os.path.exists(p) else set()
    meta = {}
    if os.path.exists(os.path.join(args.data, "clips.csv")):
        with open(os.path.join(args.data, "clips.csv")) as f:
            for r in csv.DictReader(f):
                meta[r["path"]] = r
    items = []
    for w in sorted(os.listdir(args.data)):
        d = os.path.join(args.data, w)
        if w.startswith("_") or not os.path.isdir(d):
            continue
        ci = classes.index(w) if w in classes else classes.index("unknown")
        for fn in sorted(os.listdir(d)):
            rel = f"{w}/{fn}"
            if fn.endswith(".wav") and sc_split(rel, lists["validation_list.txt"], lists["testing_list.txt"]) == args.split:
                items.append((rel, ci))
    if args.limit:
        kept, cnt = [], {}
        for rel, ci in items:
            if cnt.get(ci, 0) < args.limit:
                kept.append((rel, ci))
                cnt[ci] = cnt.get(ci, 0) + 1
        items = kept
    sil = classes.index("silence")
    per_kw = int(np.mean([sum(1 for _, c in items if c == k) for k in range(C) if k not in (sil,)]))
    streams, labels, groups = [], [], []
    for rel, ci in items:
        clip = load_pcm(os.path.join(args.data, rel), fe["sample_rate"]).astype(np.float64)
        streams.append(stream_of(clip, rng, fe["sample_rate"]))
        labels.append(ci)
        m = meta.get(rel, {})
        groups.append(m.get("engine", "") + ":" + (m.get("voice", "") if m.get("engine") == "festival" else "variants"))
    for _ in range(per_kw):
        streams.append(stream_of(None, rng, fe["sample_rate"]))
        labels.append(sil)
        groups.append("noise")
    x = torch.as_tensor(np.round(np.stack(streams) * 32768).clip(-32768, 32767) / 32768.0, dtype=torch.float32)
    feats = LogMel(fe)(x).numpy()
    labels = np.array(labels)
    groups = np.array(groups)
    print(f"{len(items)} {args.split} clips + {per_kw} noise-only streams, features {feats.shape}", flush=True)
    result = {"split": args.split, "clips": int(len(labels)), "classes": classes,
              "rule": "s_t = mean softmax over last 10 steps; score_c = max_t s_t(c), c != silence; "
                      "predict argmax if >= 0.5 else silence"}
    mats = []
    for kind in ("float32", "int8"):
        probs = step_probs(model, feats, int8=(kind == "int8"))
        pred = clip_rule(probs, classes)
        m = confusion(pred, labels, C)
        mats.append(m)
        acc = float((pred == labels).mean())
        per = {c: float(m[i, i] / max(1, m[i].sum())) for i, c in enumerate(classes)}
        by_group = {g: float((pred[groups == g] == labels[groups == g]).mean()) for g in sorted(set(groups))}
        kw = np.isin(labels, [i for i, c in enumerate(classes) if c not in ("silence", "unknown")])
        result[kind] = {"accuracy": acc, "keyword_accuracy": float((pred[kw] == labels[kw]).mean()),
                        "balanced_accuracy": float(np.mean(list(per.values()))),
                        "per_class": per, "by_voice_group": by_group, "confusion": m.tolist()}
        print(f"{kind}: accuracy {acc:.4f}  keywords only {result[kind]['keyword_accuracy']:.4f}  "
              f"mean per class {result[kind]['balanced_accuracy']:.4f}")
        print("  per class: " + ", ".join(f"{c} {v:.3f}" for c, v in per.items()))
        print("  by voice group: " + ", ".join(f"{g} {v:.3f}" for g, v in by_group.items()))
        if kind == "float32":
            probs32, pred32 = probs, pred
    result["int8_vs_float32_prediction_agreement"] = float((pred == pred32).mean())
    print(f"int8 vs float32 prediction agreement {result['int8_vs_float32_prediction_agreement']:.4f}")
    os.makedirs(out, exist_ok=True)
    plot_confusions(mats, classes, [f"float32: {100 * result['float32']['accuracy']:.1f} % ({args.split}, held-out voices)",
                                    f"int8 (simulated): {100 * result['int8']['accuracy']:.1f} %"],
                    os.path.join(out, "confusion.png"))
    if args.demo:
        a, sr = read_wav(args.demo)
        f = LogMel(fe)(torch.as_tensor(a.astype(np.float64) / 32768.0, dtype=torch.float32)).numpy()
        p = step_probs(model, f[None])[0]
        truth = read_truth(os.path.splitext(args.demo)[0] + ".txt")
        plot_posteriors(p, classes, truth, fe, n, os.path.join(out, "posteriors.png"),
                        f"{os.path.basename(args.demo)}: class posteriors (float32, continual step by step)")
        hop = fe["hop"] / fe["sample_rate"]
        s = smooth(p)
        demo = []
        for start, end, word, label in truth:
            lo = int((start) / hop) - (n - 1)
            hi = int((end + 0.6) / hop) - (n - 1)
            seg = s[max(lo, 0):max(hi, 1)]
            sc = seg.max(0)
            sc[classes.index("silence")] = -1
            b = int(sc.argmax())
            got = classes[b] if sc[b] >= 0.5 else "silence"
            demo.append({"start": start, "end": end, "said": word, "label": label, "detected": got,
                         "score": float(sc[b])})
            print(f"demo {start:5.2f}-{end:5.2f} s '{word}' ({label}): detected {got} ({sc[b]:.2f})")
        result["demo"] = demo
    with open(os.path.join(out, "eval.json"), "w") as fo:
        json.dump(result, fo, indent=1)
        fo.write("\n")


if __name__ == "__main__":
    main()
