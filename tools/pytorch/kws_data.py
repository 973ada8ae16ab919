"""Training data for train.py: Speech Commands-style WAV folders (audio, §6 features) or
frames.npy + labels.npy (any sensor). Every problem is a DataError / ConfigError naming the field or file.

Speech Commands layout (<dir>/<word>/*.wav, <dir>/_background_noise_/*.wav, optional
validation_list.txt / testing_list.txt with relative paths; without lists a clip goes to validation
or testing by a hash of its speaker prefix `<speaker>_nohash_`, 10 % each, as in Speech Commands):
  a folder named like a class -> that class; any other folder -> `unknown` (when the model has it);
  `silence` windows are cut from _background_noise_.
Features are computed once with frontend.LogMel (float32) and cached as .npy under --cache.
"""
import hashlib
import os
import re

import numpy as np

from config_check import ConfigError
from frontend import frame_count, read_wav


class DataError(ValueError):
    """A problem with the training data; str() is the one-line message."""


def _field(source, name, problem, tool="train.py"):
    return ConfigError(f"{source}: field '{name}' {problem}; fix the config and re-run {tool}")


def sc_split(rel, val_list, test_list):
    if rel in test_list:
        return "testing"
    if rel in val_list:
        return "validation"
    if val_list or test_list:
        return "train"
    speaker = re.sub(r"_nohash_.*$", "", os.path.basename(rel))
    h = int(hashlib.sha1(speaker.encode()).hexdigest(), 16) % 100
    return "validation" if h < 10 else "testing" if h < 20 else "train"


def scan_speech_commands(root, config, config_path="model.json"):
    """-> {"clips": [(rel, class_index, split)], "background": [paths], "classes": [...]}"""
    if not os.path.isdir(root):
        raise DataError(f"--data {root}: not a directory; give a Speech Commands-style folder of <word>/*.wav")
    classes = config["classes"]
    if "frontend" not in config:
        raise _field(config_path, "frontend", "is required to train on WAV files (add the §6 block, e.g. "
                     "{\"kind\": \"log-mel\", \"sample_rate\": 16000, \"window\": 400, \"hop\": 160, \"fft\": 512, "
                     "\"mels\": 40, \"fmin\": 20, \"fmax\": 7600})")
    folders = sorted(d for d in os.listdir(root) if os.path.isdir(os.path.join(root, d)))
    words = [d for d in folders if not d.startswith("_")]
    if not words:
        raise DataError(f"--data {root}: no <word>/ folders of WAV files found")
    read_list = lambda name: set(open(os.path.join(root, name)).read().split()) \
        if os.path.exists(os.path.join(root, name)) else set()  # noqa: E731
    val_list, test_list = read_list("validation_list.txt"), read_list("testing_list.txt")
    clips = []
    for w in words:
        if w in classes:
            ci = classes.index(w)
        elif "unknown" in classes:
            ci = classes.index("unknown")
        else:
            continue
        for f in sorted(os.listdir(os.path.join(root, w))):
            if f.lower().endswith(".wav"):
                rel = f"{w}/{f}"
                clips.append((rel, ci, sc_split(rel, val_list, test_list)))
    for ci, name in enumerate(classes):
        if name == "silence":
            continue
        if not any(c == ci and s == "train" for _, c, s in clips):
            what = "no other word folders" if name == "unknown" else f"no training clips in {root}/{name}/"
            raise _field(config_path, "classes", f"lists '{name}' but the data has {what} "
                         f"(word folders: {', '.join(words[:12])}{' ...' if len(words) > 12 else ''})")
    bgdir = os.path.join(root, "_background_noise_")
    background = sorted(os.path.join(bgdir, f) for f in os.listdir(bgdir) if f.lower().endswith(".wav")) \
        if os.path.isdir(bgdir) else []
    return {"clips": clips, "background": background, "classes": classes}


def load_pcm(path, sr, seconds=None):
    a, fsr = read_wav(path)
    if fsr != sr:
        raise DataError(f"{path}: sample rate {fsr} Hz but frontend.sample_rate is {sr} Hz; resample the data "
                        f"(sox in.wav -r {sr} out.wav) or change frontend.sample_rate")
    x = a.astype(np.float32) / 32768.0
    if seconds is not None:
        n = int(round(seconds * sr))
        x = np.pad(x, (0, max(0, n - len(x))))[:n]
    return x


def features_for(paths, fe, seconds=None, log=print, batch=256):
    """Log-mel features (float32) of WAV files; with `seconds` every clip is padded/cut to that length
    and the result is one array [N, T, M], else a list of [T_i, M]."""
    import torch
    from frontend import LogMel
    lm = LogMel(fe, torch.float32)
    if seconds is None:
        return [lm(torch.as_tensor(load_pcm(p, fe["sample_rate"]))).numpy() for p in paths]
    T = frame_count(int(round(seconds * fe["sample_rate"])), fe)
    out = np.zeros((len(paths), T, fe["mels"]), np.float32)
    for i in range(0, len(paths), batch):
        x = np.stack([load_pcm(p, fe["sample_rate"], seconds) for p in paths[i:i + batch]])
        out[i:i + batch] = lm(torch.as_tensor(x)).numpy()
        if i // batch % 8 == 0:
            log(f"  features {i + len(x)}/{len(paths)}")
    return out


def speech_extent(feats, drop=4.0, margin=2):
    """[N, T, M] log-mel -> (a, b) per clip: frames whose energy is within `drop` (natural log,
    4.0 = 17 dB) of the clip's loudest frame, widened by `margin` frames."""
    e = np.log(np.exp(feats.astype(np.float64)).sum(-1))         # [N, T]
    on = e > (e.max(1, keepdims=True) - drop)
    T = feats.shape[1]
    a = np.argmax(on, 1)
    b = T - np.argmax(on[:, ::-1], 1)
    return np.maximum(a - margin, 0), np.minimum(b + margin, T)


def load_speech_commands(root, config, cache, config_path="model.json", log=print):
    info = scan_speech_commands(root, config, config_path)
    fe = config["frontend"]
    key = hashlib.sha1(("\n".join(r for r, _, _ in info["clips"]) + repr(sorted(fe.items()))).encode()).hexdigest()[:12]
    os.makedirs(cache, exist_ok=True)
    fpath = os.path.join(cache, f"clips_{key}.npy")
    if os.path.exists(fpath):
        feats = np.load(fpath)
        log(f"features from cache {fpath}")
    else:
        log(f"computing features of {len(info['clips'])} clips (cached to {fpath})")
        feats = features_for([os.path.join(root, r) for r, _, _ in info["clips"]], fe, 1.0, log)
        np.save(fpath, feats)
    bg = features_for(info["background"], fe) if info["background"] else []
    a, b = speech_extent(feats)
    labels = np.array([c for _, c, _ in info["clips"]], np.int64)
    split = np.array([s for _, _, s in info["clips"]])
    return {"feats": feats, "labels": labels, "split": split, "extent": (a, b), "background": bg,
            "rel": [r for r, _, _ in info["clips"]], "classes": info["classes"]}


def load_frames_labels(frames_path, labels_path, config, config_path="model.json"):
    """frames [T, F] or [N, T, F] float, labels [T] or [N, T] int (class of the newest frame)."""
    try:
        frames = np.load(frames_path)
        labels = np.load(labels_path)
    except (OSError, ValueError) as e:
        raise DataError(f"cannot read --frames/--labels: {e}") from e
    if frames.ndim == 2:
        frames, labels = frames[None], labels[None]
    if frames.ndim != 3 or not np.issubdtype(frames.dtype, np.floating):
        raise DataError(f"{frames_path}: shape {frames.shape} {frames.dtype}; frames.npy must be float [T, F] or [N, T, F]")
    if labels.shape != frames.shape[:2] or not np.issubdtype(labels.dtype, np.integer):
        raise DataError(f"{labels_path}: shape {labels.shape} {labels.dtype}; labels.npy must be integer "
                        f"{list(frames.shape[:2]) if frames.shape[0] > 1 else [frames.shape[1]]} (one class per frame)")
    F, C, n = config["input_features"], len(config["classes"]), config["window"]
    if frames.shape[2] != F:
        raise _field(config_path, "input_features", f"is {F} but {frames_path} has {frames.shape[2]} features per frame")
    if labels.min() < 0 or labels.max() >= C:
        raise _field(config_path, "classes", f"lists {C} classes but {labels_path} holds class "
                     f"{int(labels.max() if labels.max() >= C else labels.min())} (labels must be 0..{C - 1})")
    if frames.shape[1] < n + n // 2:
        raise _field(config_path, "window", f"is {n} but {frames_path} streams have only {frames.shape[1]} frames; "
                     f"record longer streams or use a smaller window")
    if not np.all(np.isfinite(frames)):
        raise DataError(f"{frames_path}: contains NaN or infinite values")
    return frames.astype(np.float32), labels.astype(np.int64)
