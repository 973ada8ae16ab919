"""The §6 audio front end (tools/pytorch/frontend.py): log-mel features of 16-bit PCM audio.

  LogMel(fe)(samples)              torch, batched, float32 or float64 (what training uses)
  logmel_reference(samples, fe)    NumPy float64, frame by frame (the oracle)
  wav_features(path, fe)           WAV file -> float64 [T, mels] reference features (checks the sample rate)
  read_wav / write_wav             PCM16 WAV (stereo is mixed down)
"""
from edge_attention import TOOLS_DIR  # noqa: F401  (puts the scripts on sys.path)
from frontend import (DEFAULT_FRONTEND, LogMel, frame_count, logmel_reference, mel_filterbank,  # noqa: E402
                      read_wav, to_int16, wav_features, write_wav)

__all__ = ["DEFAULT_FRONTEND", "LogMel", "frame_count", "logmel_reference", "mel_filterbank", "read_wav",
           "to_int16", "wav_features", "write_wav"]
