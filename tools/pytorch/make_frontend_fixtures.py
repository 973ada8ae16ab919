#!/usr/bin/python3
"""Write tests/fixtures/frontend/: small WAV files and their float64 log-mel features (§6).

  cd <repo root> && /usr/bin/python3 tools/pytorch/make_frontend_fixtures.py

Every case is <name>.wav (RIFF PCM16 mono) + <name>.npy (float64 [T, M], C order) computed by
frontend.logmel_reference from the WAV's int16 samples / 32768. manifest.json lists each case with
its frontend block, sample count, frame count and the max |error| of a float32 torch evaluation
(how sensitive the case is to float32 arithmetic). mel_filterbank.npy is the default front end's
fb [40, 257] float64.

Deterministic (seeded) except word.wav, which is spoken by espeak-ng once and then kept: the
features are always recomputed from the committed WAV (pass --respeak to re-record it).
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from frontend import (DEFAULT_FRONTEND, frame_count, logmel_reference, mel_filterbank,  # noqa: E402
                      read_wav, to_int16, write_wav)

SMALL_FRONTEND = {"kind": "log-mel", "sample_rate": 8000, "window": 200, "hop": 80, "fft": 256,
                  "mels": 24, "fmin": 0, "fmax": 4000, "log_floor": 1e-4}


def speak_word(path, word="yes", sr=16000):
    """espeak-ng -> 22050 Hz WAV -> sox resample to sr, 16-bit mono."""
    if not (shutil.which("espeak-ng") and shutil.which("sox")):
        raise SystemExit("make_frontend_fixtures: word.wav is missing and espeak-ng/sox are not installed "
                         "(apt-get install -y espeak-ng sox)")
    with tempfile.TemporaryDirectory() as d:
        raw = os.path.join(d, "raw.wav")
        subprocess.run(["espeak-ng", "-v", "en-us", "-s", "150", "-w", raw, word], check=True)
        subprocess.run(["sox", raw, "-r", str(sr), "-b", "16", "-c", "1", path, "pad", "0.1", "0.1"], check=True)


def cases(out, respeak):
    """{name: (int16 samples, frontend, description)}."""
    rng = np.random.default_rng(20261202)
    sr = 16000
    word_path = os.path.join(out, "word.wav")
    if respeak or not os.path.exists(word_path):
        speak_word(word_path)
    word, wsr = read_wav(word_path)
    assert wsr == sr
    t = np.arange(sr) / sr
    f0, f1 = 100.0, 7900.0                                   # linear chirp over 1 s
    chirp = 0.5 * np.sin(2 * np.pi * (f0 * t + 0.5 * (f1 - f0) * t * t))
    odd_t = np.arange(12345) / sr                            # 12345 = 77 * 160 + 25: not a multiple of hop
    odd = 0.3 * np.sin(2 * np.pi * 440 * odd_t) + 0.05 * rng.standard_normal(len(odd_t))
    noise = rng.integers(-32768, 32768, size=8000, dtype=np.int64).astype(np.int16)
    noise[:2] = [-32768, 32767]                              # both int16 extremes present
    quiet = rng.integers(-2, 3, size=4000).astype(np.int16)  # +-2 LSB: energies near the log floor
    t8 = np.arange(6000) / 8000
    tone8 = 0.25 * np.sin(2 * np.pi * 1000 * t8) + 0.1 * np.sin(2 * np.pi * 2500 * t8)
    return {
        "word": (word, DEFAULT_FRONTEND, "espeak-ng en-us 'yes', resampled to 16 kHz by sox, 0.1 s pad"),
        "chirp": (to_int16(chirp), DEFAULT_FRONTEND, "linear chirp 100 -> 7900 Hz over 1 s, amplitude 0.5"),
        "silence": (np.zeros(8000, np.int16), DEFAULT_FRONTEND, "0.5 s of zeros: every feature is ln(log_floor)"),
        "noise_fullscale": (noise, DEFAULT_FRONTEND, "0.5 s uniform int16 noise over the full range"),
        "odd_length": (to_int16(odd), DEFAULT_FRONTEND, "12345 samples (not a multiple of hop): 440 Hz + noise"),
        "quiet": (quiet, DEFAULT_FRONTEND, "0.25 s of +-2 LSB noise: energies near log_floor"),
        "one_frame": (to_int16(chirp[:400]), DEFAULT_FRONTEND, "exactly W = 400 samples: one frame"),
        "short": (to_int16(chirp[:399]), DEFAULT_FRONTEND, "W - 1 = 399 samples: zero frames, shape [0, 40]"),
        "tone_8k": (to_int16(tone8), SMALL_FRONTEND, "8 kHz, other front end (W 200, H 80, N 256, 24 mels, fmin 0, "
                                                      "fmax = sr/2, log_floor 1e-4): 1000 + 2500 Hz"),
    }


def float32_error(samples, fe, ref):
    """max |torch float32 LogMel - float64 reference| (None without torch)."""
    try:
        import torch
        from frontend import LogMel
    except ImportError:
        return None
    if ref.shape[0] == 0:
        return 0.0
    x = torch.as_tensor(samples.astype(np.float64) / 32768.0, dtype=torch.float32)
    y = LogMel(fe, torch.float32)(x).double().numpy()
    return float(np.max(np.abs(y - ref)))


def main(argv=None):
    ap = argparse.ArgumentParser(description="write tests/fixtures/frontend")
    ap.add_argument("--out", default=os.path.join("tests", "fixtures", "frontend"))
    ap.add_argument("--respeak", action="store_true", help="re-record word.wav with espeak-ng")
    args = ap.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    manifest = {"definition": "models/README.md §6; features = float64 [T, mels] from int16/32768 samples",
                "tolerance": 1e-3, "cases": []}
    for name, (samples, fe, desc) in cases(args.out, args.respeak).items():
        wav = os.path.join(args.out, name + ".wav")
        if name != "word":
            write_wav(wav, samples, fe["sample_rate"])
        back, _ = read_wav(wav)
        assert np.array_equal(back, samples)
        ref = logmel_reference(back.astype(np.float64) / 32768.0, fe)
        assert ref.shape == (frame_count(len(samples), fe), fe["mels"])
        np.save(os.path.join(args.out, name + ".npy"), ref)
        err = float32_error(samples, fe, ref)
        manifest["cases"].append({"name": name, "wav": name + ".wav", "features": name + ".npy",
                                  "samples": int(len(samples)), "frames": int(ref.shape[0]),
                                  "frontend": fe, "float32_torch_max_abs_error": err, "description": desc})
        print(f"{name}: {len(samples)} samples -> {ref.shape}, float32 err {err}")
    np.save(os.path.join(args.out, "mel_filterbank.npy"), mel_filterbank(DEFAULT_FRONTEND))
    with open(os.path.join(args.out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
