#!/usr/bin/python3
"""Generate the golden fixtures in tests/fixtures/golden/<case>/ (deterministic, fixed seeds).

  cd <repo root> && /usr/bin/python3 tools/pytorch/make_fixtures.py [--out tests/fixtures/golden] [--only CASE ...]

Per case: model.json, model.safetensors, frames.npy (float32 [T, F]),
logits.npy (float64 golden [T-n+1, C], from golden.py on the weights *as stored*, i.e. after
rounding to the exported dtype). README.md lists the cases.

Every case is checked before it is written:
  - golden.py (NumPy, float64) == the PyTorch twin edge_model.py in float64 (1e-9 relative);
  - softmax cases: golden == nn.TransformerEncoder(nn.TransformerEncoderLayer) on each window (1e-5);
  - continual-landmark cases: golden == window-landmark golden at steps with (t+1) % n == 0;
  - m >= n cases: golden == the same weights run as a softmax model;
  - float32 evaluation of golden.py vs float64, reported as a fraction of the models/README.md §4.3 tolerance
    2e-4 * max(1, max |logits|) (a fixture a float32 runtime cannot meet would show up here).
"""
import argparse
import copy
import json
import os
import sys

import numpy as np
import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from edge_model import EdgeModel, load_tensors_into, make_config  # noqa: E402
from export import export_model  # noqa: E402
import golden  # noqa: E402
from golden import golden_logits  # noqa: E402

BASE_SEED = 20261127
REGEN = "/usr/bin/python3 tools/pytorch/make_fixtures.py"


def C(**kw):
    kw.setdefault("heads", 2)
    kw.setdefault("classes", ["a", "b", "c"])
    return kw


# name, config kwargs, extras (input_norm, dtype, score_target), features covered
CASES = [
    ("softmax_post_1l",
     C(input_features=6, d_model=8, window=8, layers=1, ff_dim=16, period=8),
     {}, "softmax, 1 layer, post-norm, gelu, recycling P=n, final_norm"),
    ("softmax_pre_2l_relu",
     C(input_features=5, d_model=12, window=9, layers=2, ff_dim=24, activation="relu", norm="pre", period=12),
     {}, "softmax, 2 layers, pre-norm, relu, recycling P>n"),
    ("nystrom_window_1l",
     C(input_features=6, d_model=8, window=8, layers=1, ff_dim=16, period=8,
       attention="nystrom", landmarks=4, landmark_mode="window"),
     {}, "nystrom window landmarks, n mod m == 0, 1 layer"),
    ("nystrom_window_uneven_2l",
     C(input_features=6, d_model=8, window=11, layers=2, ff_dim=16, period=11,
       attention="nystrom", landmarks=3, landmark_mode="window"),
     {}, "nystrom window landmarks, n mod m != 0 (11 = 4+4+3), 2 layers"),
    ("nystrom_continual_1l",
     C(input_features=6, d_model=16, window=12, layers=1, ff_dim=32, period=12,
       attention="nystrom", landmarks=4, landmark_mode="continual"),
     {}, "nystrom continual landmarks, n mod m == 0 (segments of 3), 1 layer, d_h=8"),
    ("nystrom_continual_uneven_2l",
     C(input_features=7, d_model=8, window=10, layers=2, ff_dim=16, period=7,
       attention="nystrom", landmarks=4, landmark_mode="continual"),
     {}, "nystrom continual landmarks, n mod m != 0 (10 = 3+3+2+2), 2 layers (layer 2 window mode), P<n"),
    ("nystrom_continual_pre_1l",
     C(input_features=6, d_model=8, window=10, layers=1, ff_dim=16, norm="pre", period=10,
       attention="nystrom", landmarks=3, landmark_mode="continual"),
     {}, "nystrom continual landmarks with pre-norm (landmarks from projections of LN1(e)), 10 = 4+3+3"),
    ("nystrom_fixed_1l",
     C(input_features=6, d_model=8, window=8, layers=1, ff_dim=16, period=8,
       attention="nystrom", landmarks=3, landmark_mode="fixed"),
     {}, "nystrom fixed landmarks (tensors landmarks_q/k), 1 layer"),
    ("nystrom_fixed_2l_pre",
     C(input_features=6, d_model=8, window=10, layers=2, ff_dim=16, activation="relu", norm="pre", period=10,
       attention="nystrom", landmarks=4, landmark_mode="fixed"),
     {}, "nystrom fixed landmarks, 2 layers, pre-norm, relu"),
    ("nystrom_m_eq_n",
     C(input_features=6, d_model=8, window=6, layers=1, ff_dim=16, period=6,
       attention="nystrom", landmarks=6, landmark_mode="window"),
     {}, "nystrom with m == n -> exact softmax"),
    ("nystrom_m_gt_n_fixed_2l",
     C(input_features=6, d_model=8, window=5, layers=2, ff_dim=16, period=5,
       attention="nystrom", landmarks=7, landmark_mode="fixed"),
     {}, "nystrom fixed with m > n -> exact softmax (landmark tensors present, unused), 2 layers"),
    ("input_norm",
     C(input_features=8, d_model=8, window=8, layers=1, ff_dim=16, period=8),
     {"input_norm": True}, "input_norm.mean/std present (frames have offset/scale), softmax"),
    ("positional_none",
     C(input_features=6, d_model=8, window=8, layers=1, ff_dim=16, positional="none",
       attention="nystrom", landmarks=4, landmark_mode="continual"),
     {}, "positional none (no pos_embedding tensor), nystrom continual"),
    ("final_norm_false",
     C(input_features=6, d_model=8, window=9, layers=2, ff_dim=16, period=9, final_norm=False,
       attention="nystrom", landmarks=3, landmark_mode="window"),
     {}, "final_norm false (no final_norm tensors), nystrom window, 2 layers"),
    ("large_scores_softmax",
     C(input_features=6, d_model=8, window=8, layers=1, ff_dim=16, period=8),
     {"score_target": 250.0}, "softmax with |q.k|/sqrt(d_h) ~ 250 (layer-1 q/k rows scaled)"),
    ("large_scores_nystrom_continual",
     C(input_features=6, d_model=8, window=10, layers=1, ff_dim=16, period=10,
       attention="nystrom", landmarks=4, landmark_mode="continual"),
     {"score_target": 250.0}, "nystrom continual with |q.k|/sqrt(d_h) ~ 250 (layer-1 q/k rows scaled)"),
    ("weights_f16",
     C(input_features=6, d_model=8, window=10, layers=1, ff_dim=16, period=10,
       attention="nystrom", landmarks=4, landmark_mode="continual"),
     {"dtype": "F16"}, "weights stored as F16 (golden from the rounded weights), nystrom continual"),
    ("weights_bf16",
     C(input_features=5, d_model=8, window=7, layers=2, ff_dim=16, norm="pre", period=7),
     {"dtype": "BF16"}, "weights stored as BF16 (golden from the rounded weights), softmax 2 layers pre"),
    ("weights_f64",
     C(input_features=6, d_model=8, window=8, layers=1, ff_dim=16, period=8,
       attention="nystrom", landmarks=3, landmark_mode="fixed"),
     {"dtype": "F64"}, "weights stored as F64, nystrom fixed"),
    ("large_scores_nystrom_fixed",
     C(input_features=6, d_model=8, window=10, layers=1, ff_dim=16, period=10,
       attention="nystrom", landmarks=3, landmark_mode="fixed"),
     {"score_target": 250.0}, "nystrom fixed with |q.k|/sqrt(d_h) ~ 250 (layer-1 q/k rows and landmarks scaled)"),
    ("long_stream_nystrom_continual",
     C(input_features=4, d_model=8, window=8, layers=1, ff_dim=16, period=8,
       attention="nystrom", landmarks=3, landmark_mode="continual"),
     {"T": 2000}, "long stream (T=2000) for drift of running sums, nystrom continual 8 = 3+3+2"),
    ("long_stream_softmax_2l",
     C(input_features=4, d_model=8, window=8, layers=2, ff_dim=16, period=8),
     {"T": 1500}, "long stream (T=1500), softmax 2 layers (layer 1 retroactive in a continual runtime)"),
    ("extra_tensors",
     C(input_features=6, d_model=8, window=8, layers=1, ff_dim=16, period=8,
       attention="nystrom", landmarks=4, landmark_mode="window"),
     {"extra_tensors": {"optimizer.step": np.array([1234.0]), "layers.0.self_attn.unused_buffer": np.ones((2, 3))}},
     "extra tensors optimizer.step [1], layers.0.self_attn.unused_buffer [2,3] (report and ignore)"),
    ("large_scores_softmax_2l",
     C(input_features=6, d_model=8, window=8, layers=2, ff_dim=16, period=8),
     {"score_target": 250.0}, "softmax 2 layers with layer-1 |q.k|/sqrt(d_h) ~ 250 (retroactive layer 1 in a continual runtime)"),
    ("large_scores_long_nystrom_continual",
     C(input_features=6, d_model=8, window=10, layers=1, ff_dim=16, period=10,
       attention="nystrom", landmarks=4, landmark_mode="continual"),
     {"score_target": 250.0, "T": 600}, "nystrom continual, |q.k|/sqrt(d_h) ~ 250, long stream T=600, 10 = 3+3+2+2"),
]


def randomize_(model, gen):
    """Deterministic random weights with non-trivial LayerNorm/bias values (so swapped or
    missing gamma/beta/bias would show). Linear weights ~ N(0, 1/fan_in)."""
    with torch.no_grad():
        for name, p in model.named_parameters():
            r = torch.randn(p.shape, generator=gen, dtype=torch.float64).to(p.dtype)
            if ".norm" in name or name.startswith("final_norm"):
                p.copy_(1.0 + 0.2 * r if name.endswith("weight") else 0.1 * r)
            elif name.endswith("landmarks_q") or name.endswith("landmarks_k"):
                p.copy_(r)
            elif name.startswith("pos_embedding"):
                p.copy_(0.5 * r)
            elif name.endswith("bias"):
                p.copy_(0.1 * r)
            else:
                p.copy_(r / np.sqrt(p.shape[1]))


def scale_layer1_qk_(model, s):
    """Multiply layer-1 q and k projection rows (and biases, and fixed landmarks) by s: scores grow by s^2."""
    att = model.layers[0].self_attn
    d = model.config["d_model"]
    with torch.no_grad():
        att.in_proj_weight[:2 * d] *= s
        att.in_proj_bias[:2 * d] *= s
        if hasattr(att, "landmarks_q"):
            att.landmarks_q *= s
            att.landmarks_k *= s


def make_frames(T, F, gen, input_norm):
    x = torch.randn(T, F, generator=gen, dtype=torch.float64)
    if input_norm:
        mu = torch.linspace(-3.0, 5.0, F, dtype=torch.float64)
        sd = torch.linspace(0.5, 4.0, F, dtype=torch.float64)
        x = mu + sd * x
    return x.float().numpy()


def softmax_reference(config, tensors, frames):
    """Contract-independent check for softmax models: the stack of nn.TransformerEncoderLayer
    (as nn.TransformerEncoder) run on each window in float64."""
    c = config
    n = c["window"]
    layer = nn.TransformerEncoderLayer(c["d_model"], c["heads"], c["ff_dim"], dropout=0.0,
                                       activation=c["activation"], layer_norm_eps=c["layer_norm_eps"],
                                       batch_first=True, norm_first=(c["norm"] == "pre"))
    enc = nn.TransformerEncoder(layer, c["layers"], enable_nested_tensor=False).double()
    enc.load_state_dict({k: torch.as_tensor(v) for k, v in tensors.items() if k.startswith("layers.")})
    x = torch.as_tensor(frames, dtype=torch.float64)
    if "input_norm.mean" in tensors:
        x = (x - torch.as_tensor(tensors["input_norm.mean"])) / torch.as_tensor(tensors["input_norm.std"])
    e = x @ torch.as_tensor(tensors["input_proj.weight"]).T + torch.as_tensor(tensors["input_proj.bias"])
    if c["positional"]["kind"] == "recycling":
        e = e + torch.as_tensor(tensors["pos_embedding.weight"])[torch.arange(len(frames)) % c["positional"]["period"]]
    rows = []
    for t in range(n - 1, len(frames)):
        y = enc(e[t - n + 1:t + 1].unsqueeze(0))[0, -1]
        if c["final_norm"]:
            y = torch.nn.functional.layer_norm(y, (c["d_model"],), torch.as_tensor(tensors["final_norm.weight"]),
                                               torch.as_tensor(tensors["final_norm.bias"]), c["layer_norm_eps"])
        rows.append(y @ torch.as_tensor(tensors["classifier.weight"]).T + torch.as_tensor(tensors["classifier.bias"]))
    return torch.stack(rows).detach().numpy()


def dominant_leave_events(config, tensors, frames):
    """Count (step, head) pairs where the key leaving the window held > 1 - 1e-6 of some
    running exp-sum row of a continual implementation (models/README.md §4.3 cancellation hazard):
    softmax -> rows of the surviving queries (retroactive form); nystrom continual/fixed ->
    rows of the layer-1 landmark queries in force before the step. Layer 1 only."""
    g = golden.Golden(config, tensors)
    e = g.tokens(frames)
    q, k = g.layer1_stream_qk(e)
    n, dh = g.n, g.dh
    att = config["attention"]
    if att["kind"] == "nystrom" and (att["landmark_mode"] == "window" or att["landmarks"] >= n):
        return None
    events = 0
    for t in range(n, len(frames)):
        old = t - n
        for h in range(g.h):
            c = slice(h * dh, (h + 1) * dh)
            if att["kind"] == "softmax":
                rows = q[old + 1:t, c]
            elif att["landmark_mode"] == "fixed":
                rows = g.w["layers.0.self_attn.landmarks_q"][h]
            else:
                segs = golden.continual_segments(t - 1, n, g.m)
                rows = np.stack([q[a:b + 1, c].mean(axis=0) for a, b in segs])
            p = golden.softmax_rows(rows @ k[old:t, c].T / np.sqrt(dh))
            events += int(p[:, 0].max() > 1 - 1e-6)
    return events


def tolerance(logits):
    return 2e-4 * max(1.0, float(np.max(np.abs(logits))))


def check_case(name, config, tensors, frames, logits, input_norm):
    """All cross-checks; returns a dict of measured numbers. Raises AssertionError on failure."""
    n = config["window"]
    scale = max(1.0, float(np.max(np.abs(logits))))
    out = {}
    # 1. PyTorch twin (float64) on the stored weights.
    twin = load_tensors_into(EdgeModel(config, input_norm=input_norm).double(), tensors)
    tl = twin.stream_logits(torch.as_tensor(frames, dtype=torch.float64)).numpy()
    out["twin_err"] = float(np.max(np.abs(tl - logits))) / scale
    assert out["twin_err"] < 1e-9, f"{name}: twin vs golden {out['twin_err']}"
    att = config["attention"]
    # 2. softmax: nn.TransformerEncoder per window.
    if att["kind"] == "softmax":
        ref = softmax_reference(config, tensors, frames)
        out["torch_encoder_err"] = float(np.max(np.abs(ref - logits)))
        assert out["torch_encoder_err"] < 1e-5, f"{name}: nn.TransformerEncoder vs golden {out['torch_encoder_err']}"
    # 3. continual == window at aligned steps.
    if att["kind"] == "nystrom" and att["landmark_mode"] == "continual" and att["landmarks"] < n:
        wcfg = copy.deepcopy(config)
        wcfg["attention"]["landmark_mode"] = "window"
        wl, _ = golden_logits(wcfg, tensors, frames)
        steps = np.arange(n - 1, len(frames))
        aligned = (steps + 1) % n == 0
        out["aligned_steps"] = int(aligned.sum())
        out["aligned_err"] = float(np.max(np.abs(wl[aligned] - logits[aligned]))) / scale
        out["unaligned_diff"] = float(np.max(np.abs(wl[~aligned] - logits[~aligned]))) / scale
        assert out["aligned_err"] < 1e-12, f"{name}: continual vs window at aligned steps {out['aligned_err']}"
        assert out["unaligned_diff"] > 1e-9, f"{name}: continual landmarks never differ from window ones"
    # 4. m >= n: same as a softmax model.
    if att["kind"] == "nystrom" and att["landmarks"] >= n:
        scfg = copy.deepcopy(config)
        scfg["attention"] = {"kind": "softmax"}
        st = {k: v for k, v in tensors.items() if "landmarks_" not in k}
        sl, _ = golden_logits(scfg, st, frames)
        out["m_ge_n_vs_softmax"] = float(np.max(np.abs(sl - logits)))
        assert out["m_ge_n_vs_softmax"] == 0.0
    # 5. float32 sensitivity.
    l32, _ = golden_logits(config, tensors, frames, np.float32)
    out["f32_err_over_tol"] = float(np.max(np.abs(l32.astype(np.float64) - logits))) / tolerance(logits)
    return out


def build_case(index, name, kw, extra, out_dir):
    kw = dict(kw)
    input_norm = extra.get("input_norm", False)
    dtype = extra.get("dtype", "F32")
    config = make_config(name=name, **kw)
    torch.manual_seed(BASE_SEED + index)
    gen = torch.Generator().manual_seed(BASE_SEED + index)
    model = EdgeModel(config, input_norm=input_norm)
    randomize_(model, gen)
    n, F = config["window"], config["input_features"]
    T = extra.get("T", 3 * n + 5)
    frames = make_frames(T, F, gen, input_norm)
    if input_norm:
        with torch.no_grad():
            model.input_norm.mean.copy_(torch.as_tensor(frames.mean(0)).round(decimals=2))
            model.input_norm.std.copy_(torch.as_tensor(frames.std(0)).round(decimals=2))
    target = extra.get("score_target")
    if target:
        # scores scale with s^2: two secant-like refinements land within a few percent.
        for _ in range(3):
            probe = {k: v.detach().double().numpy() for k, v in model.state_dict().items()}
            _, ms = golden_logits(config, probe, frames)
            scale_layer1_qk_(model, float(np.sqrt(target / ms)))
    case_dir = os.path.join(out_dir, name)
    stored = export_model(model, case_dir, dtype, config,
                          metadata={"case": name, "regenerate": REGEN},
                          extra_tensors=extra.get("extra_tensors"))
    np.save(os.path.join(case_dir, "frames.npy"), frames)
    logits, max_score = golden_logits(config, stored, frames)
    np.save(os.path.join(case_dir, "logits.npy"), logits)
    checks = check_case(name, config, stored, frames, logits, input_norm)
    checks["max_score"] = max_score
    checks["dominant_leaves"] = dominant_leave_events(config, stored, frames)
    checks["T"], checks["F"], checks["C"] = T, F, len(config["classes"])
    checks["rows"] = logits.shape[0]
    checks["max_abs_logit"] = float(np.max(np.abs(logits)))
    checks["dtype"] = dtype
    return config, checks


def describe(config):
    a = config["attention"]
    att = "softmax" if a["kind"] == "softmax" else f"nystrom m={a['landmarks']} {a['landmark_mode']} it={a['pinv_iterations']}"
    pos = config["positional"]
    p = f"P={pos['period']}" if pos["kind"] == "recycling" else "pos none"
    return (f"d={config['d_model']} h={config['heads']} n={config['window']} L={config['layers']} "
            f"ff={config['ff_dim']} {config['activation']} {config['norm']} {p} {att} "
            f"final_norm={str(config['final_norm']).lower()}")


def write_readme(out_dir, rows):
    lines = [
        "# Golden fixtures (generated; do not edit by hand)",
        "",
        "Regenerate from the repository root (deterministic, fixed seeds; needs Debian python3-torch):",
        "",
        f"    {REGEN}",
        "",
        "Each folder: `model.json`, `model.safetensors`, `frames.npy` (float32 [T, F]),",
        "`logits.npy` (float64 [T-n+1, C]; row j = logits at step t = n-1+j), computed by",
        "`tools/pytorch/golden.py` in float64 straight from models/README.md §3-§4 on the",
        "weights as stored (after rounding to the file's dtype). A runtime passes a case when",
        "max |logits - golden| <= 2e-4 * max(1, max |golden|) at every row (models/README.md §4.3).",
        "",
        "Checks run by the generator: golden == PyTorch twin (float64, 1e-9 rel.); softmax cases ==",
        "nn.TransformerEncoder on each window (1e-5); continual landmarks == window landmarks at steps",
        "with (t+1) % n == 0; m >= n == softmax model. `f32/tol` = max error of a float32 evaluation of",
        "the same formulas divided by the models/README.md §4.3 tolerance (must be well below 1).",
        "",
        "`leave>1-1e-6` counts (step, head) pairs of layer 1 where the key leaving the window held more",
        "than 1 - 1e-6 of a running exp-sum row of a continual implementation (retroactive softmax:",
        "surviving queries; continual/fixed Nystrom: landmark queries) - where add/subtract sums cancel",
        "catastrophically (models/README.md §4.3); '-' = not applicable.",
        "",
        "| case | shapes | config | weights | max score | leave>1-1e-6 | max abs logit | f32/tol | covers |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, config, ck, feat in rows:
        shapes = f"frames [{ck['T']},{ck['F']}] logits [{ck['rows']},{ck['C']}]"
        lines.append(f"| `{name}` | {shapes} | {describe(config)} | {ck['dtype']} | {ck['max_score']:.1f} | "
                     f"{'-' if ck['dominant_leaves'] is None else ck['dominant_leaves']} | "
                     f"{ck['max_abs_logit']:.3f} | {ck['f32_err_over_tol']:.3g} | {feat.replace('|', chr(92) + '|')} |")
    lines.append("")
    with open(os.path.join(out_dir, "README.md"), "w") as f:
        f.write("\n".join(lines))


def main(argv=None):
    ap = argparse.ArgumentParser(description="generate tests/fixtures/golden/*")
    ap.add_argument("--out", default=os.path.join("tests", "fixtures", "golden"))
    ap.add_argument("--only", nargs="*", help="case names (README is only rewritten for a full run)")
    args = ap.parse_args(argv)
    torch.set_num_threads(1)
    os.makedirs(args.out, exist_ok=True)
    rows = []
    for index, (name, kw, extra, feat) in enumerate(CASES):
        if args.only and name not in args.only:
            continue
        config, ck = build_case(index, name, kw, extra, args.out)
        rows.append((name, config, ck, feat))
        print(f"{name:32s} {describe(config)}\n    " +
              json.dumps({k: (float(f"{v:.4g}") if isinstance(v, float) else v) for k, v in ck.items()}))
        sys.stdout.flush()
    if not args.only:
        write_readme(args.out, rows)


if __name__ == "__main__":
    main()
