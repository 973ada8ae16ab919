#!/usr/bin/python3
"""Build the bundled default model models/kws-tiny/ (deterministic).

  cd <repo root> && /usr/bin/python3 tools/pytorch/make_kws_tiny.py [--steps 800]

Config: the models/README.md §1 example (F=40, d=64, 4 heads, n=64, 1 layer, ff=128, gelu, post,
recycling P=64, Nyström m=8 continual, 6 pinv iterations, final_norm, 3 classes).
Weights: trained briefly (train.py, seed 1) on the synthetic keyword task.
Writes model.json, model.safetensors (F32), frames.npy (float32 [400, 40] synthetic stream),
logits.npy (float64 [337, 3] golden from golden.py), labels.npy (int64 [337] expected class
per step, for information) and README.md.
"""
import argparse
import os
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from edge_model import EdgeModel, load_tensors_into, make_config  # noqa: E402
from export import export_model  # noqa: E402
from golden import golden_logits  # noqa: E402
from train import expected_labels, synthetic_stream, train  # noqa: E402

T = 400
STREAM_SEED = 7
# (start position, class, length): yes, no, yes, no
EVENTS = [(70, 1, 22), (160, 2, 25), (250, 1, 18), (330, 2, 26)]


def main(argv=None):
    ap = argparse.ArgumentParser(description="build models/kws-tiny")
    ap.add_argument("--out", default=os.path.join("models", "kws-tiny"))
    ap.add_argument("--steps", type=int, default=800)
    args = ap.parse_args(argv)
    torch.set_num_threads(1)
    config = make_config(name="kws-tiny", input_features=40, d_model=64, heads=4, window=64, layers=1,
                         ff_dim=128, activation="gelu", norm="post", positional="recycling", period=64,
                         attention="nystrom", landmarks=8, landmark_mode="continual", pinv_iterations=6,
                         final_norm=True, classes=["silence", "yes", "no"])
    model = train(config, steps=args.steps, seed=1)
    stored = export_model(model, args.out, "F32", config,
                          metadata={"trained": f"synthetic keyword task, {args.steps} steps, seed 1",
                                    "regenerate": "/usr/bin/python3 tools/pytorch/make_kws_tiny.py"})
    frames = synthetic_stream(T, 40, EVENTS, STREAM_SEED)
    np.save(os.path.join(args.out, "frames.npy"), frames)
    logits, max_score = golden_logits(config, stored, frames)
    np.save(os.path.join(args.out, "logits.npy"), logits)
    labels = expected_labels(T, 64, EVENTS)
    np.save(os.path.join(args.out, "labels.npy"), labels)
    # twin check (float64)
    twin = load_tensors_into(EdgeModel(config).double(), stored)
    tl = twin.stream_logits(torch.as_tensor(frames, dtype=torch.float64)).numpy()
    twin_err = float(np.max(np.abs(tl - logits)))
    assert twin_err < 1e-9 * max(1.0, float(np.max(np.abs(logits)))), twin_err
    l32, _ = golden_logits(config, stored, frames, np.float32)
    f32_err = float(np.max(np.abs(l32 - logits)))
    tol = 2e-4 * max(1.0, float(np.max(np.abs(logits))))
    pred = logits.argmax(1)
    acc = float((pred == labels).mean())
    per_class = {c: float((pred[labels == c] == c).mean()) for c in range(3)}
    size = sum(os.path.getsize(os.path.join(args.out, f)) for f in os.listdir(args.out))
    with open(os.path.join(args.out, "README.md"), "w") as f:
        f.write(f"""# kws-tiny (bundled default model)

models/README.md §1 example config: F=40, d=64, 4 heads, window n=64, 1 layer, ff=128, gelu, post-norm,
recycling positions P=64, Nyström attention with m=8 **continual** landmarks, 6 pinv iterations,
final_norm, classes silence/yes/no.

Weights: **trained briefly** ({args.steps} AdamW steps, batch 32, seed 1, ~1-3 min on one core) on a
synthetic keyword task (tools/pytorch/train.py: a "yes" is an energy band sweeping up through the
low features, a "no" one sweeping down through the high features, on drifting noise). Window-mode landmarks during
training. This is a demo/test model, not a real keyword spotter.

Files:
- `model.json`, `model.safetensors` (F32, {len(stored)} tensors)
- `frames.npy` float32 [{T}, 40]: synthetic stream, keywords (start, class, length) = {EVENTS}
- `logits.npy` float64 [{logits.shape[0]}, 3]: golden logits (tools/pytorch/golden.py, float64, models/README.md §3-§4),
  row j = step t = 63 + j. max |q.k|/sqrt(d_h) reached: {max_score:.2f}.
- `labels.npy` int64 [{logits.shape[0]}]: expected class per step (keyword fully inside the window, else silence).

Argmax of the golden logits agrees with `labels.npy` on {100 * acc:.1f}% of steps
(per class silence/yes/no: {', '.join(f'{100 * v:.1f}%' for v in per_class.values())}).
Float32 evaluation of the same formulas differs from the golden by {f32_err:.2e} (models/README.md §4.3 tolerance {tol:.2e}).
PyTorch twin (float64) vs golden: {twin_err:.1e}.

Run (from the repository root):

    edge-attention-convert --config models/kws-tiny/model.json --weights models/kws-tiny/model.safetensors --output /tmp/kws-tiny.eam
    edge-attention run --model /tmp/kws-tiny.eam --input models/kws-tiny/frames.npy --output /tmp/logits.npy

Regenerate: `/usr/bin/python3 tools/pytorch/make_kws_tiny.py` (total size {size / 1024:.0f} KiB).
""")
    print(f"wrote {args.out}: accuracy {acc:.3f} per class {per_class}, max score {max_score:.2f}, "
          f"f32 err {f32_err:.2e} (tol {tol:.2e}), twin err {twin_err:.1e}, {size} bytes")


if __name__ == "__main__":
    main()
