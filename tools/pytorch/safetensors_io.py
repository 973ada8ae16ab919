"""Minimal safetensors writer/reader (no `safetensors` package needed).

Format: 8-byte little-endian header length N, N bytes of UTF-8 JSON
{name: {"dtype", "shape", "data_offsets": [begin, end]}, optional "__metadata__": {str: str}},
then the raw little-endian tensor bytes; offsets are relative to the end of the header.
The header is padded with spaces to a multiple of 8 bytes (as the reference writer does).

Dtypes written/read here: F32, F16, BF16, F64. BF16 is stored as the upper 16 bits of the
float32 pattern after round-to-nearest-even (what torch.Tensor.to(torch.bfloat16) does).
"""
import json
import struct

import numpy as np

DTYPES = ("F32", "F16", "BF16", "F64")


def f32_to_bf16_bits(x):
    """float32 array -> uint16 bfloat16 bit patterns, round to nearest even (NaN kept NaN)."""
    u = np.ascontiguousarray(x, dtype=np.float32).view(np.uint32).astype(np.uint64)
    rounded = (u + 0x7FFF + ((u >> 16) & 1)) >> 16
    nan = np.isnan(np.asarray(x, dtype=np.float32))
    rounded = np.where(nan, (u >> 16) | 0x40, rounded)
    return rounded.astype(np.uint16)


def bf16_bits_to_f32(bits):
    return (np.asarray(bits, dtype=np.uint16).astype(np.uint32) << 16).view(np.float32)


def encode(array, dtype):
    """numpy array (any float) -> (raw little-endian bytes, the values as float64 after rounding)."""
    a = np.asarray(array)
    if dtype == "F32":
        r = a.astype("<f4")
        return r.tobytes(), r.astype(np.float64)
    if dtype == "F16":
        r = a.astype(np.float32).astype("<f2")
        return r.tobytes(), r.astype(np.float64)
    if dtype == "F64":
        r = a.astype("<f8")
        return r.tobytes(), r.astype(np.float64)
    if dtype == "BF16":
        bits = f32_to_bf16_bits(a.astype(np.float32)).astype("<u2")
        return bits.tobytes(), bf16_bits_to_f32(bits).astype(np.float64)
    raise ValueError(f"unsupported dtype {dtype!r}; use one of {DTYPES}")


def write_safetensors(path, tensors, dtype="F32", metadata=None):
    """tensors: {name: numpy array}. Writes all tensors with one dtype.
    Returns {name: float64 array of the values as stored} (after rounding to dtype)."""
    header = {}
    blobs = []
    stored = {}
    offset = 0
    for name in sorted(tensors):
        raw, values = encode(tensors[name], dtype)
        stored[name] = values.reshape(np.shape(tensors[name]))
        header[name] = {"dtype": dtype, "shape": list(np.shape(tensors[name])),
                        "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for raw in blobs:
            f.write(raw)
    return stored


def read_safetensors(path):
    """Returns ({name: float64 numpy array}, metadata dict)."""
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n].decode("utf-8"))
    base = 8 + n
    meta = header.pop("__metadata__", {}) or {}
    out = {}
    for name, info in header.items():
        b, e = info["data_offsets"]
        raw = data[base + b:base + e]
        dt = info["dtype"]
        if dt == "F32":
            a = np.frombuffer(raw, dtype="<f4")
        elif dt == "F16":
            a = np.frombuffer(raw, dtype="<f2")
        elif dt == "F64":
            a = np.frombuffer(raw, dtype="<f8")
        elif dt == "BF16":
            a = bf16_bits_to_f32(np.frombuffer(raw, dtype="<u2"))
        else:
            raise ValueError(f"{path}: tensor {name} has unsupported dtype {dt}")
        out[name] = a.astype(np.float64).reshape(info["shape"])
    return out, meta
