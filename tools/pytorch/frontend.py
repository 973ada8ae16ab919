"""Audio front end of models/README.md §6 (log-mel), in two independent forms.

  logmel_reference(samples, fe)  pure NumPy float64, a loop over frames written straight from §6
                                 (the test oracle; slow but plain)
  LogMel(fe)(samples)            torch, batched, float32 or float64 (training features)

`fe` is the model.json `frontend` block:
  {"kind": "log-mel", "sample_rate": sr, "window": W, "hop": H, "fft": N, "mels": M,
   "fmin": fmin, "fmax": fmax, "log_floor": 1e-6}

Definition (§6): samples are int16 / 32768. Frame k covers samples kH .. kH+W-1 (no centering,
no padding), T = floor((S - W) / H) + 1 frames for S samples (0 when S < W). Per frame:
  x_w[i] = x[kH + i] * (0.5 - 0.5 cos(2 pi i / W))            periodic Hann, i = 0..W-1
  P[j]   = |sum_i x_w[i] exp(-2 pi i j i / N)|^2               zero-padded to N, j = 0..N/2
  E[b]   = sum_j P[j] fb[b, j]                                 HTK-mel triangles, no area normalisation
  out[b] = ln(E[b] + log_floor)
fb[b, j]: M+2 points equally spaced on mel(f) = 2595 log10(1 + f/700) from mel(fmin) to mel(fmax),
back to Hz (f_0 < .. < f_{M+1}); filter b rises 0 -> 1 from f_b to f_{b+1} and falls 1 -> 0 to
f_{b+2}, evaluated at bin frequencies j * sr / N.

WAV helpers (`read_wav`, `write_wav`): RIFF/WAVE PCM 16-bit mono via the standard `wave` module.
"""
import math
import wave

import numpy as np

DEFAULT_FRONTEND = {"kind": "log-mel", "sample_rate": 16000, "window": 400, "hop": 160, "fft": 512,
                    "mels": 40, "fmin": 20, "fmax": 7600, "log_floor": 1e-6}


def hz_to_mel(f):
    return 2595.0 * np.log10(1.0 + np.asarray(f, dtype=np.float64) / 700.0)


def mel_to_hz(m):
    return 700.0 * (10.0 ** (np.asarray(m, dtype=np.float64) / 2595.0) - 1.0)


def mel_filterbank(fe):
    """fb [M, N/2+1] float64 (§6 step 3)."""
    sr, n_fft, M = fe["sample_rate"], fe["fft"], fe["mels"]
    pts = mel_to_hz(np.linspace(hz_to_mel(fe["fmin"]), hz_to_mel(fe["fmax"]), M + 2))   # [M+2] Hz
    freqs = np.arange(n_fft // 2 + 1, dtype=np.float64) * sr / n_fft                   # [N/2+1]
    fb = np.zeros((M, n_fft // 2 + 1))
    for b in range(M):
        lo, c, hi = pts[b], pts[b + 1], pts[b + 2]
        rise = (freqs - lo) / (c - lo)
        fall = (hi - freqs) / (hi - c)
        fb[b] = np.maximum(0.0, np.minimum(rise, fall))
    return fb


def hann_periodic(W):
    """w[i] = 0.5 - 0.5 cos(2 pi i / W), i = 0..W-1, float64 [W]."""
    return 0.5 - 0.5 * np.cos(2.0 * np.pi * np.arange(W, dtype=np.float64) / W)


def frame_count(num_samples, fe):
    W, H = fe["window"], fe["hop"]
    return 0 if num_samples < W else (num_samples - W) // H + 1


def logmel_reference(samples, fe):
    """samples: float array [S] in [-1, 1) (int16 / 32768) -> float64 [T, M]. One frame at a time,
    with a direct DFT-by-FFT of the zero-padded frame (numpy.fft.rfft in float64)."""
    x = np.asarray(samples, dtype=np.float64)
    W, H, N, M = fe["window"], fe["hop"], fe["fft"], fe["mels"]
    floor = float(fe.get("log_floor", 1e-6))
    w = hann_periodic(W)
    fb = mel_filterbank(fe)
    T = frame_count(len(x), fe)
    out = np.zeros((T, M))
    for k in range(T):
        frame = np.zeros(N)
        frame[:W] = x[k * H:k * H + W] * w
        spec = np.fft.rfft(frame)
        power = spec.real ** 2 + spec.imag ** 2          # [N/2+1]
        out[k] = np.log(fb @ power + floor)
    return out


class LogMel:
    """torch log-mel (same definition), batched: samples [..., S] -> [..., T, M] in the input dtype."""

    def __init__(self, fe, dtype=None):
        import torch
        self.fe = dict(fe)
        dtype = dtype or torch.float32
        self.window = torch.as_tensor(hann_periodic(fe["window"]), dtype=dtype)
        self.fb_t = torch.as_tensor(mel_filterbank(fe).T.copy(), dtype=dtype)   # [N/2+1, M]
        self.floor = float(fe.get("log_floor", 1e-6))

    def __call__(self, samples):
        import torch
        fe = self.fe
        x = samples.to(self.window.dtype)
        if x.shape[-1] < fe["window"]:
            return x.new_zeros(x.shape[:-1] + (0, fe["mels"]))
        frames = x.unfold(-1, fe["window"], fe["hop"]) * self.window                # [..., T, W]
        spec = torch.fft.rfft(frames, n=fe["fft"], dim=-1)                          # [..., T, N/2+1]
        power = spec.real ** 2 + spec.imag ** 2
        return torch.log(power @ self.fb_t + self.floor)


def read_wav(path):
    """RIFF/WAVE PCM16 mono -> (int16 samples [S], sample rate). Raises ValueError naming the problem."""
    try:
        with wave.open(path, "rb") as w:
            ch, width, sr, n = w.getnchannels(), w.getsampwidth(), w.getframerate(), w.getnframes()
            raw = w.readframes(n)
    except (wave.Error, EOFError) as e:
        raise ValueError(f"{path}: not a PCM WAV file ({e})") from e
    if width != 2:
        raise ValueError(f"{path}: {8 * width}-bit samples; 16-bit PCM is required (sox in.wav -b 16 out.wav)")
    a = np.frombuffer(raw, dtype="<i2")
    if ch != 1:
        a = a.reshape(-1, ch).astype(np.int32).mean(1).round().astype(np.int16)    # mix down
    return a.astype(np.int16), sr


def write_wav(path, samples_int16, sample_rate):
    a = np.asarray(samples_int16)
    if a.dtype != np.int16:
        raise ValueError("write_wav wants int16 samples")
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(int(sample_rate))
        w.writeframes(a.astype("<i2").tobytes())


def to_int16(x):
    """float [-1, 1] -> int16 with rounding and clipping."""
    return np.clip(np.round(np.asarray(x, dtype=np.float64) * 32768.0), -32768, 32767).astype(np.int16)


def wav_features(path, fe):
    """WAV -> float64 [T, M] reference features; checks the sample rate against the front end."""
    a, sr = read_wav(path)
    if sr != fe["sample_rate"]:
        raise ValueError(f"{path}: sample rate {sr} Hz but frontend.sample_rate is {fe['sample_rate']} Hz; "
                         f"resample (sox in.wav -r {fe['sample_rate']} out.wav)")
    return logmel_reference(a.astype(np.float64) / 32768.0, fe)


def _selfcheck():
    fe = DEFAULT_FRONTEND
    fb = mel_filterbank(fe)
    assert fb.shape == (40, 257) and math.isclose(fb.max(), 1.0, abs_tol=0.05)


if __name__ == "__main__":
    _selfcheck()
    print("ok")
