#!/usr/bin/python3
"""The model of the ONNX Runtime comparison (run.sh), from the PyTorch twin (tools/pytorch/edge_model.py).

  /usr/bin/python3 tools/EdgeAttention.Bench/onnx/make_models.py --out DIR [--frames 20120] [--check 200]

Model: GTZAN-sized, 1 layer — F = 128, d = 192, 16 heads, n = 120, ff = 192, GELU, post-norm, recycling
positions (P = 120), Nyström m = 8 with *fixed* landmarks (6 pinv iterations), final norm, 10 classes, input_norm;
PyTorch's default initialisation, seed 0. Fixed landmarks make one window self-contained (no stream history), so
the window model below is exactly what `edge-attention run` computes step by step.

Writes into DIR:
  model.json, model.safetensors   the twin's weights (export.py), for edge-attention-convert
  window.onnx                     torch.onnx.export of one window: frames [1, n, F] float32, start [1] int64
                                  (stream position of the window's first frame) -> logits [1, C] of the newest
                                  frame = EdgeModel.forward(frames, start)
  frames.npy                      float32 [T, F] test stream (smooth sinusoids + noise, like `generate`'s streams)
  expected.npy                    float32 [check, C]: the twin's logits of the first `check` windows
                                  (EdgeModel.stream_logits), what ONNX Runtime and `edge-attention run` must give
"""
import argparse
import os
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "pytorch"))
from edge_model import EdgeModel, make_config  # noqa: E402
from export import export_model  # noqa: E402

CLASSES = ["blues", "classical", "country", "disco", "hiphop", "jazz", "metal", "pop", "reggae", "rock"]


def gtzan_config():
    return make_config(name="gtzan-sized-fixed", input_features=128, d_model=192, heads=16, window=120, layers=1,
                       ff_dim=192, activation="gelu", norm="post", positional="recycling", period=120,
                       attention="nystrom", landmarks=8, landmark_mode="fixed", pinv_iterations=6,
                       final_norm=True, classes=CLASSES)


class Window(torch.nn.Module):
    """One window of the twin: (frames [1, n, F], start [1] int64) -> logits [1, C] of the newest frame."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, frames, start):
        return self.model(frames, start)


def stream(frames, features, seed):
    """[frames, features] float32: sin(0.05 t (1 + f mod 7) + f) + U(-0.5, 0.5) noise."""
    rng = np.random.default_rng(seed)
    t = np.arange(frames, dtype=np.float64)[:, None]
    f = np.arange(features, dtype=np.float64)[None, :]
    x = np.sin(0.05 * t * (1 + f % 7) + f) + rng.uniform(-0.5, 0.5, (frames, features))
    return x.astype(np.float32)


def main(argv=None):
    ap = argparse.ArgumentParser(description="export the GTZAN-sized twin (weights + ONNX window) for run.sh")
    ap.add_argument("--out", required=True)
    ap.add_argument("--frames", type=int, default=20120, help="frames of the test stream")
    ap.add_argument("--check", type=int, default=200, help="windows whose twin logits are written to expected.npy")
    args = ap.parse_args(argv)
    torch.set_num_threads(1)
    torch.manual_seed(0)
    config = gtzan_config()
    n, F = config["window"], config["input_features"]
    if args.frames < n + args.check - 1:
        print(f"error: --frames {args.frames} is shorter than window + check - 1 = {n + args.check - 1}; raise --frames",
              file=sys.stderr)
        sys.exit(2)
    model = EdgeModel(config, input_norm=True).eval()
    with torch.no_grad():
        model.input_norm.mean.uniform_(-0.5, 0.5)
        model.input_norm.std.uniform_(0.5, 2.0)
    os.makedirs(args.out, exist_ok=True)
    export_model(model, args.out, "F32", config, metadata={"producer": "tools/EdgeAttention.Bench/onnx/make_models.py"})

    frames = stream(args.frames, F, seed=11)
    np.save(os.path.join(args.out, "frames.npy"), frames)
    with torch.no_grad():
        expected = model.stream_logits(torch.from_numpy(frames[:n + args.check - 1])).numpy().astype(np.float32)
    np.save(os.path.join(args.out, "expected.npy"), expected)

    window = Window(model).eval()
    example = (torch.from_numpy(frames[:n]).unsqueeze(0), torch.zeros(1, dtype=torch.int64))
    path = os.path.join(args.out, "window.onnx")
    with torch.no_grad():
        torch.onnx.export(window, example, path, input_names=["frames", "start"], output_names=["logits"],
                          opset_version=17, do_constant_folding=True)
        # the traced graph must be the twin: the window at position 5 equals stream_logits' row 5
        got = window(torch.from_numpy(frames[5:5 + n]).unsqueeze(0), torch.tensor([5])).numpy()[0]
    err = float(np.max(np.abs(got - expected[5])))
    if err > 1e-5 * max(1.0, float(np.max(np.abs(expected[5])))):
        print(f"error: the window module disagrees with stream_logits by {err:.3g}", file=sys.stderr)
        sys.exit(1)
    print(f"wrote {args.out}: model.json, model.safetensors, window.onnx ({os.path.getsize(path)} bytes), "
          f"frames.npy [{args.frames}, {F}], expected.npy [{expected.shape[0]}, {expected.shape[1]}]")


if __name__ == "__main__":
    main()
