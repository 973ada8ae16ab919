#!/usr/bin/python3
"""Write models/kws12/demo.wav (~10.5 s, 16 kHz PCM16 mono) and demo.txt (ground truth), seeded.

  /usr/bin/python3 tools/pytorch/make_kws12_demo.py [--out models/kws12]

Words are spoken by voices NOT used in training: espeak-ng variants of synth_kws.py's test split and
festival's ked_diphone, over pink noise with a 50 Hz hum (about 25 dB below the speech).
demo.txt: one line per word, tab-separated: start s, end s (the trimmed speech), what is said, label.
"""
import argparse
import os
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from frontend import to_int16, write_wav  # noqa: E402
from synth_kws import (SR, colored_noise, espeak_variants, read_any_wav, resample,  # noqa: E402
                       split_variants, trim)

# (time s, text, label, engine, voice)
SCRIPT = [(0.6, "yes", "yes", "espeak", "en-gb"), (1.9, "house", "unknown", "festival", "ked_diphone"),
          (3.1, "stop", "stop", "festival", "ked_diphone"), (4.3, "rear left", "left", "espeak", "en-us"),
          (5.7, "go", "go", "espeak", "en-gb-x-rp"), (6.8, "off", "off", "festival", "ked_diphone"),
          (8.0, "up", "up", "espeak", "en-us-nyc"), (9.2, "no", "no", "espeak", "en-029")]


def render(text, engine, voice, variant, path):
    if engine == "espeak":
        subprocess.run(["espeak-ng", "-v", f"{voice}+{variant}", "-s", "150", "-w", path, text], check=True)
    else:
        scm = path + ".scm"
        with open(scm, "w") as f:
            f.write(f"(voice_{voice})\n(set! u (Utterance Text \"{text}\"))\n(utt.synth u)\n"
                    f"(utt.save.wave u \"{path}\" 'riff)\n")
        subprocess.run(["festival", "-b", scm], check=True)


def main(argv=None):
    ap = argparse.ArgumentParser(description="write the kws12 demo clip")
    ap.add_argument("--out", default=os.path.join("models", "kws12"))
    ap.add_argument("--seed", type=int, default=12, help="synth_kws.py seed (defines the held-out variants)")
    args = ap.parse_args(argv)
    vsplit = split_variants(espeak_variants(), args.seed)
    test_variants = sorted(v for v, s in vsplit.items() if s == "testing")
    rng = np.random.default_rng(2026)
    total = 10.5
    y = np.zeros(int(total * SR))
    truth = []
    with tempfile.TemporaryDirectory() as d:
        for i, (t, text, label, engine, voice) in enumerate(SCRIPT):
            variant = test_variants[i % len(test_variants)]
            p = os.path.join(d, f"{i}.wav")
            render(text, engine, voice, variant, p)
            x, sr = read_any_wav(p)
            x = trim(resample(x, SR / sr))
            x *= 10 ** (rng.uniform(-12, -4) / 20) / (np.max(np.abs(x)) + 1e-12)
            s = int(t * SR)
            y[s:s + len(x)] += x
            who = f"espeak-ng {voice}+{variant}" if engine == "espeak" else f"festival {voice}"
            truth.append((t, t + len(x) / SR, text, label, who))
    speech_rms = np.sqrt(np.mean(y[np.abs(y) > 1e-4] ** 2))
    tt = np.arange(len(y)) / SR
    noise = colored_noise(len(y), "pink", rng) * speech_rms * 10 ** (-25 / 20)
    noise += speech_rms * 10 ** (-35 / 20) * np.sin(2 * np.pi * 50 * tt)
    write_wav(os.path.join(args.out, "demo.wav"), to_int16(np.clip(y + noise, -1, 1)), SR)
    with open(os.path.join(args.out, "demo.txt"), "w") as f:
        f.write("# start_s\tend_s\tsaid\tlabel\tvoice (held out from training)\n")
        for a, b, text, label, who in truth:
            f.write(f"{a:.2f}\t{b:.2f}\t{text}\t{label}\t{who}\n")
    print(f"wrote {args.out}/demo.wav ({total} s) and demo.txt")


if __name__ == "__main__":
    main()
