#!/usr/bin/python3
"""Synthesise a keyword-spotting data set in the Speech Commands folder layout (seeded).

  nice -n 5 /usr/bin/python3 tools/pytorch/synth_kws.py --out /work/data/kws12 [--seed 12] [--scale 1.0] [--procs 2]

Speech comes from espeak-ng and festival only (Debian: espeak-ng, festival, festvox-kallpc16k,
festvox-kdlpc16k, festvox-us-slt-hts; sox is not needed). Output:

  <out>/<word>/<voice>_nohash_<k>.wav   1 s, 16 kHz, PCM16 mono; one folder per word
  <out>/_background_noise_/*.wav        30 s noise files (white, pink, brown, hum, rumble, babble)
  <out>/validation_list.txt, testing_list.txt   relative paths of held-out voices (Speech Commands rule)
  <out>/clips.csv                       every clip: path, split, engine, voice, text, rate, pitch, augmentation
  <out>/DATASET.md                      counts and the recipe

Words: the ten keywords (yes no up down left right on off stop go), unknown words (the 20 auxiliary
Speech Commands words and other short words) and two-word phrases in which a keyword follows or
precedes another word ("rear left", "go back"), stored in the keyword's folder. A folder that is
not a class name of the model is `unknown` to train.py; `silence` comes from _background_noise_.

Voices: espeak-ng = 8 English accents x ~100 voice variants (+m1, +f3, +klatt, ...) with speaking
rate and pitch drawn per clip; festival = kal_diphone, ked_diphone, cmu_us_slt_arctic_hts with a
duration stretch per clip (and, for the diphone voices, a mean pitch 75-200 Hz). Splits are by voice: test voices = a fixed set of espeak variants and the
festival voice ked_diphone, validation voices = another set of variants; neither is used in training.

Augmentation per clip (waveform, seeded per clip): speed perturbation 0.88-1.12 (pitch + tempo +
formants, i.e. a vocal-tract-length change), spectral tilt (first-order filter), reverberation
(exponentially decaying noise impulse response, RT60 0.1-0.6 s), time shift (random placement in the
1 s clip), gain (peak -30..-1 dBFS), additive white/pink/brown noise at 0-30 dB SNR. train.py adds
SpecAugment masks, gain, VTLP-style mel warping and background mixing on the fly.
"""
import argparse
import csv
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import wave
from fractions import Fraction
from multiprocessing import Pool

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from frontend import to_int16, write_wav  # noqa: E402

SR = 16000
KEYWORDS = ["yes", "no", "up", "down", "left", "right", "on", "off", "stop", "go"]
CLASSES = ["silence", "unknown"] + KEYWORDS
SC_AUXILIARY = ["bed", "bird", "cat", "dog", "eight", "five", "four", "happy", "house", "marvin", "nine", "one",
                "seven", "sheila", "six", "three", "tree", "two", "wow", "zero"]
OTHER_UNKNOWN = ["learn", "follow", "forward", "backward", "visual", "yet", "yellow", "noise", "nope", "upper",
                 "town", "lift", "leaf", "ride", "light", "own", "oven", "stock", "top", "goat", "ghost", "sit",
                 "play", "ten", "hello", "water", "begin", "green", "open", "close", "maybe", "music", "wait",
                 "dust", "gold", "lot", "done", "note", "stuff", "bright"]
# (text, folder): a keyword after (or before) another word; the folder is the keyword's.
PHRASES = [("rear left", "left"), ("turn left", "left"), ("turn right", "right"), ("all right", "right"),
           ("go back", "go"), ("let's go", "go"), ("look up", "up"), ("pick up", "up"), ("sit down", "down"),
           ("slow down", "down"), ("switch on", "on"), ("hold on", "on"), ("lights off", "off"),
           ("turn off", "off"), ("please stop", "stop"), ("stop now", "stop"), ("say yes", "yes"),
           ("oh yes", "yes"), ("say no", "no"), ("oh no", "no")]
UNKNOWN_PHRASES = ["the cat", "big house", "red bird", "hello there", "one two", "good dog"]
ESPEAK_BASES = ["en-us", "en-gb", "en-gb-scotland", "en-gb-x-gbclan", "en-gb-x-rp", "en-gb-x-gbcwmd", "en-029",
                "en-us-nyc"]
FESTIVAL_VOICES = ["kal_diphone", "ked_diphone", "cmu_us_slt_arctic_hts"]
FESTIVAL_TEST = {"ked_diphone"}


def espeak_variants():
    """Variant names shipped with espeak-ng-data (sorted, so the split is reproducible)."""
    for root in ("/usr/lib/x86_64-linux-gnu/espeak-ng-data/voices/!v", "/usr/lib/aarch64-linux-gnu/espeak-ng-data/voices/!v",
                 "/usr/share/espeak-ng-data/voices/!v"):
        if os.path.isdir(root):
            return sorted(v for v in os.listdir(root) if not v.startswith("."))
    return ["m1", "m2", "m3", "m4", "m5", "m6", "m7", "f1", "f2", "f3", "f4", "f5", "croak", "klatt", "whisper"]


def split_variants(variants, seed):
    """{variant: 'train'|'validation'|'testing'}: 12 % test, 8 % validation, by a seeded shuffle."""
    rng = np.random.default_rng(seed + 1000)
    order = list(variants)
    rng.shuffle(order)
    n_test = max(2, round(0.12 * len(order)))
    n_val = max(2, round(0.08 * len(order)))
    out = {v: "train" for v in order}
    for v in order[:n_test]:
        out[v] = "testing"
    for v in order[n_test:n_test + n_val]:
        out[v] = "validation"
    return out


def plan(seed, scale):
    """List of clip jobs (dicts), deterministic for (seed, scale)."""
    rng = np.random.default_rng(seed)
    variants = espeak_variants()
    vsplit = split_variants(variants, seed)
    by_split = {s: [v for v in variants if vsplit[v] == s] for s in ("train", "validation", "testing")}
    texts = ([(w, w, 1.0) for w in KEYWORDS] + [(w, w, 0.22) for w in SC_AUXILIARY] +
             [(w, w, 0.12) for w in OTHER_UNKNOWN] + [(t, f, 0.12) for t, f in PHRASES] +
             [(t, "_phrase_" + t.replace(" ", "_"), 0.1) for t in UNKNOWN_PHRASES])
    per_kw = {"train": 300, "validation": 40, "testing": 60}
    jobs = []
    for text, folder, weight in texts:
        if folder.startswith("_phrase_"):
            folder = "other"                      # unknown two-word phrases: one folder "other"
        for split, base_n in per_kw.items():
            n = max(2, int(round(base_n * weight * scale)))
            for _ in range(n):
                fest = rng.random() < 0.18
                if fest:
                    voices = [v for v in FESTIVAL_VOICES if (v in FESTIVAL_TEST) == (split == "testing")]
                    if split == "validation":
                        voices = FESTIVAL_VOICES[:1] if rng.random() < 0.3 else []
                    if not voices:
                        fest = False
                if fest:
                    voice = voices[int(rng.integers(len(voices)))]
                    f0 = int(rng.integers(75, 200)) if voice.endswith("_diphone") else 0   # mean F0, Hz
                    job = {"engine": "festival", "voice": voice, "variant": "",
                           "rate": float(rng.uniform(0.75, 1.35)), "pitch": f0}
                else:
                    base = ESPEAK_BASES[int(rng.integers(len(ESPEAK_BASES)))]
                    var = by_split[split][int(rng.integers(len(by_split[split])))]
                    job = {"engine": "espeak-ng", "voice": base, "variant": var,
                           "rate": int(rng.integers(110, 230)), "pitch": int(rng.integers(15, 90))}
                job.update({"text": text, "folder": folder, "split": split,
                            "aug_seed": int(rng.integers(2 ** 31))})
                jobs.append(job)
    return jobs, vsplit


def voice_id(job):
    v = f"{job['engine']}-{job['voice']}-{job['variant']}"
    return hashlib.sha1(v.encode()).hexdigest()[:8]


# ---------------------------------------------------------------- rendering

def render_espeak(job, path):
    v = job["voice"] + ("+" + job["variant"] if job["variant"] else "")
    subprocess.run(["espeak-ng", "-v", v, "-s", str(job["rate"]), "-p", str(job["pitch"]), "-g", "2",
                    "-w", path, job["text"]], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def render_festival_batch(voice, items, tmpdir):
    """items: [(text, stretch, f0, path)]; one festival process for the whole batch. f0 > 0 sets the
    mean pitch (Hz, std 17 % of it) of the diphone voices' linear-regression intonation model."""
    scm = os.path.join(tmpdir, f"batch_{voice}_{os.getpid()}.scm")
    with open(scm, "w") as f:
        f.write(f"(voice_{voice})\n")
        for text, stretch, f0, path in items:
            safe = text.replace('"', "")
            f.write(f"(Parameter.set 'Duration_Stretch {stretch:.3f})\n")
            if f0 > 0:
                f.write(f"(set! int_lr_params '((target_f0_mean {f0}) (target_f0_std {0.17 * f0:.1f}) "
                        f"(model_f0_mean 170) (model_f0_std 34)))\n")
            f.write(f"(set! u (Utterance Text \"{safe}\"))\n(utt.synth u)\n(utt.save.wave u \"{path}\" 'riff)\n")
    subprocess.run(["festival", "-b", scm], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def read_any_wav(path):
    with wave.open(path, "rb") as w:
        sr, ch, n = w.getframerate(), w.getnchannels(), w.getnframes()
        a = np.frombuffer(w.readframes(n), dtype="<i2").astype(np.float64) / 32768.0
    if ch > 1:
        a = a.reshape(-1, ch).mean(1)
    return a, sr


def resample(x, ratio):
    """x at rate r -> rate r * ratio (polyphase, scipy if present, else linear interpolation)."""
    if abs(ratio - 1) < 1e-9:
        return x
    frac = Fraction(ratio).limit_denominator(200)
    try:
        from scipy.signal import resample_poly
        return resample_poly(x, frac.numerator, frac.denominator)
    except ImportError:
        n = int(round(len(x) * ratio))
        return np.interp(np.arange(n) / ratio, np.arange(len(x)), x)


# ---------------------------------------------------------------- augmentation

def colored_noise(n, kind, rng):
    """white / pink (1/f) / brown (1/f^2) noise, unit RMS."""
    w = rng.standard_normal(n)
    if kind != "white":
        spec = np.fft.rfft(w)
        f = np.arange(len(spec), dtype=np.float64)
        f[0] = 1.0
        spec /= np.sqrt(f) if kind == "pink" else f
        w = np.fft.irfft(spec, n)
    return w / (np.sqrt(np.mean(w ** 2)) + 1e-12)


def trim(x, thresh_db=-40):
    """Cut leading/trailing samples below thresh_db of the peak (10 ms frames)."""
    peak = np.max(np.abs(x)) + 1e-12
    fr = 160
    e = np.array([np.max(np.abs(x[i:i + fr])) for i in range(0, len(x), fr)]) / peak
    on = np.nonzero(e > 10 ** (thresh_db / 20))[0]
    if len(on) == 0:
        return x
    return x[on[0] * fr:min(len(x), (on[-1] + 1) * fr)]


def augment(x, rng, split):
    """speech x at 16 kHz -> 1 s clip (float64 [16000]) and a description."""
    info = {}
    mild = split != "train"
    speed = rng.uniform(0.88, 1.12)
    x = resample(trim(x), 1.0 / speed)                       # play 'speed' times faster
    info["speed"] = round(speed, 3)
    if len(x) > int(0.96 * SR):                              # too long: speed up to fit
        x = resample(x, 0.96 * SR / len(x))
    tilt = rng.uniform(-0.7, 0.7)                            # y[n] = x[n] - a x[n-1]
    x = x - tilt * np.concatenate([[0.0], x[:-1]])
    info["tilt"] = round(tilt, 2)
    if rng.random() < (0.2 if mild else 0.35):
        rt60 = rng.uniform(0.1, 0.6)
        n = int(rt60 * SR)
        ir = rng.standard_normal(n) * np.exp(-6.9 * np.arange(n) / n)
        ir[0] = 1.0 / rng.uniform(0.15, 0.6)                 # direct path vs reverberant tail
        wet = np.convolve(x, ir)[:len(x) + n // 3]
        x = wet
        info["rt60"] = round(rt60, 2)
    if len(x) > SR:
        x = x[:SR]
    out = np.zeros(SR)
    start = int(rng.integers(0, SR - len(x) + 1))
    out[start:start + len(x)] = x
    info["start"] = start
    peak_db = rng.uniform(-30, -1)
    out *= 10 ** (peak_db / 20) / (np.max(np.abs(out)) + 1e-12)
    info["peak_db"] = round(peak_db, 1)
    if rng.random() < (0.6 if mild else 0.8):
        kind = ["white", "pink", "brown"][int(rng.integers(3))]
        snr = rng.uniform(10, 30) if mild else rng.uniform(0, 30)
        sp = out[start:start + len(x)]
        p_speech = np.mean(sp ** 2) + 1e-12
        out = out + colored_noise(SR, kind, rng) * np.sqrt(p_speech / 10 ** (snr / 10))
        info["noise"] = f"{kind}@{snr:.0f}dB"
    peak = np.max(np.abs(out))
    if peak > 0.99:
        out *= 0.99 / peak
    return out, info


def postprocess(args):
    """(raw wav path, job, out path) -> (out path, info) after augmentation."""
    raw, job, out_path = args
    x, sr = read_any_wav(raw)
    x = resample(x, SR / sr)
    rng = np.random.default_rng(job["aug_seed"])
    y, info = augment(x, rng, job["split"])
    write_wav(out_path, to_int16(y), SR)
    return out_path, info


def render_espeak_job(args):
    job, path = args
    render_espeak(job, path)
    return path


def background_files(out, rng, seconds=30):
    d = os.path.join(out, "_background_noise_")
    os.makedirs(d, exist_ok=True)
    n = seconds * SR
    t = np.arange(n) / SR
    files = {
        "white_noise.wav": 0.1 * colored_noise(n, "white", rng),
        "pink_noise.wav": 0.1 * colored_noise(n, "pink", rng),
        "brown_noise.wav": 0.15 * colored_noise(n, "brown", rng),
        "hum.wav": 0.05 * np.sin(2 * np.pi * 50 * t) + 0.03 * np.sin(2 * np.pi * 150 * t)
                   + 0.01 * colored_noise(n, "pink", rng),
        "rumble.wav": 0.2 * colored_noise(n, "brown", rng) * (1 + 0.5 * np.sin(2 * np.pi * 0.2 * t)),
    }
    for name, x in files.items():
        write_wav(os.path.join(d, name), to_int16(x), SR)
    return d


def babble(out, clips, rng, seconds=30):
    """_background_noise_/babble.wav: overlapping unknown-word clips at random times (train voices)."""
    n = seconds * SR
    acc = np.zeros(n)
    for _ in range(seconds * 6):
        path = clips[int(rng.integers(len(clips)))]
        x, _ = read_any_wav(path)
        s = int(rng.integers(0, n - len(x)))
        acc[s:s + len(x)] += x * rng.uniform(0.3, 1.0)
    acc *= 0.1 / (np.sqrt(np.mean(acc ** 2)) + 1e-12)
    write_wav(os.path.join(out, "_background_noise_", "babble.wav"), to_int16(np.clip(acc, -1, 0.99)), SR)


def main(argv=None):
    ap = argparse.ArgumentParser(description="synthesise a Speech Commands-layout KWS data set with espeak-ng + festival")
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=12)
    ap.add_argument("--scale", type=float, default=1.0, help="multiplies the clip counts")
    ap.add_argument("--procs", type=int, default=2)
    args = ap.parse_args(argv)
    for tool in ("espeak-ng", "festival"):
        if not shutil.which(tool):
            sys.exit(f"error: {tool} not found; apt-get install -y espeak-ng festival festvox-kallpc16k "
                     f"festvox-kdlpc16k festvox-us-slt-hts")
    jobs, vsplit = plan(args.seed, args.scale)
    os.makedirs(args.out, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="kws_raw_")
    counters = {}
    for i, job in enumerate(jobs):
        key = (job["folder"], voice_id(job))
        k = counters.get(key, 0)
        counters[key] = k + 1
        job["rel"] = f"{job['folder']}/{voice_id(job)}_nohash_{k}.wav"
        job["raw"] = os.path.join(tmp, f"{i}.wav")
    for folder in sorted({j["folder"] for j in jobs}):
        os.makedirs(os.path.join(args.out, folder), exist_ok=True)
    print(f"{len(jobs)} clips planned; rendering with {args.procs} processes", flush=True)
    es = [(j, j["raw"]) for j in jobs if j["engine"] == "espeak-ng"]
    with Pool(args.procs) as pool:
        fest_batches = []
        for voice in FESTIVAL_VOICES:
            items = [(j["text"], j["rate"], j["pitch"], j["raw"]) for j in jobs if j["engine"] == "festival" and j["voice"] == voice]
            for i in range(0, len(items), 200):
                fest_batches.append(pool.apply_async(render_festival_batch, (voice, items[i:i + 200], tmp)))
        for i, _ in enumerate(pool.imap_unordered(render_espeak_job, es, chunksize=16)):
            if i % 1000 == 0:
                print(f"  espeak-ng {i}/{len(es)}", flush=True)
        for b in fest_batches:
            b.get()
        print("  rendered; augmenting", flush=True)
        work = [(j["raw"], j, os.path.join(args.out, j["rel"])) for j in jobs]
        infos = pool.map(postprocess, work, chunksize=32)
    rng = np.random.default_rng(args.seed + 7)
    background_files(args.out, rng)
    unk_train = [os.path.join(args.out, j["rel"]) for j in jobs
                 if j["split"] == "train" and j["folder"] not in KEYWORDS]
    babble(args.out, unk_train, rng)
    with open(os.path.join(args.out, "validation_list.txt"), "w") as f:
        f.writelines(j["rel"] + "\n" for j in jobs if j["split"] == "validation")
    with open(os.path.join(args.out, "testing_list.txt"), "w") as f:
        f.writelines(j["rel"] + "\n" for j in jobs if j["split"] == "testing")
    with open(os.path.join(args.out, "clips.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["path", "split", "engine", "voice", "variant", "text", "rate", "pitch", "augmentation"])
        for j, (_, info) in zip(jobs, infos):
            w.writerow([j["rel"], j["split"], j["engine"], j["voice"], j["variant"], j["text"], j["rate"],
                        j["pitch"], json.dumps(info, separators=(",", ":"))])
    shutil.rmtree(tmp, ignore_errors=True)
    counts = {}
    for j in jobs:
        c = counts.setdefault(j["folder"], {"train": 0, "validation": 0, "testing": 0})
        c[j["split"]] += 1
    with open(os.path.join(args.out, "DATASET.md"), "w") as f:
        f.write(f"# Synthesised KWS data set (tools/pytorch/synth_kws.py --seed {args.seed} --scale {args.scale})\n\n")
        f.write(f"{len(jobs)} clips. Test variants (espeak-ng): {sorted(v for v, s in vsplit.items() if s == 'testing')}; "
                f"festival test voice: {sorted(FESTIVAL_TEST)}.\n")
        f.write(f"Validation variants: {sorted(v for v, s in vsplit.items() if s == 'validation')}.\n\n")
        f.write("| folder | train | validation | testing |\n|---|---|---|---|\n")
        for k in sorted(counts):
            f.write(f"| {k} | {counts[k]['train']} | {counts[k]['validation']} | {counts[k]['testing']} |\n")
    print(f"wrote {len(jobs)} clips to {args.out}")


if __name__ == "__main__":
    main()
