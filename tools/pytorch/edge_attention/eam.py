"""Reader of the runtime's .eam model file, format version 1 (runtime/EdgeAttention.Format/FORMAT.md).

  read_eam(path, dequantize=True) -> EamModel(config, tensors, int8, version, checksum, file_bytes)

config: the model.json dict stored in the file. tensors: {name: numpy array} in file order; float32 tensors as
stored, int8 tensors as float32 q[r, c] * scale[r] when dequantize (the weights the runtime's int8 kernels use),
else as the int8 array. int8: {name: float32 scales[rows]} of the int8 tensors.

Checked, each failure one EamError naming the problem (the C# reader, ModelFile, checks more: the config's every
§1 rule, tensor names against the config, values): magic and end magic, version, header size, file length,
CRC-32C, every region inside the file and 64-byte aligned, table entries (dtype, rank, dims, byte counts).
"""
import json
import os
import struct
from collections import namedtuple

import numpy as np

from edge_attention import EAM_FORMAT_VERSION

MAGIC = b"EAMODEL\x1a"
END_MAGIC = b"EAM\x00"
HEADER_BYTES, ENTRY_BYTES, TRAILER_BYTES, ALIGN = 64, 128, 8, 64
DTYPE_F32, DTYPE_I8 = 1, 2

EamModel = namedtuple("EamModel", "config tensors int8 version checksum file_bytes")


class EamError(ValueError):
    """A .eam file that cannot be read; the message names the problem and the fix."""


def _crc32c_table():
    table = np.zeros(256, dtype=np.uint32)
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        table[i] = c
    return [int(v) for v in table]


_TABLE = None


def crc32c(data):
    """CRC-32C (Castagnoli, reflected 0x82F63B78, init and xorout 0xFFFFFFFF) of bytes."""
    global _TABLE
    if _TABLE is None:
        _TABLE = _crc32c_table()
    t = _TABLE
    c = 0xFFFFFFFF
    for b in data:
        c = t[(c ^ b) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFF


def read_eam(path, dequantize=True):
    fix = "re-run edge-attention-convert to produce a fresh .eam file"
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise EamError(f"{path}: cannot read: {e.strerror or e}") from e
    n = len(data)
    if n < HEADER_BYTES + TRAILER_BYTES:
        raise EamError(f"{path}: {n} bytes is too short for a .eam file; {fix}")
    if data[:8] != MAGIC:
        raise EamError(f"{path}: not a .eam file (bad magic); convert the model with edge-attention-convert")
    version, header_bytes, file_bytes, config_bytes, count, table_off, data_off, data_bytes = \
        struct.unpack_from("<IIQIIQQQ", data, 8)
    if version != EAM_FORMAT_VERSION:
        raise EamError(f"{path}: .eam format version {version} is not supported (this package reads version "
                       f"{EAM_FORMAT_VERSION}); use the edge_attention package of the converter's release")
    if header_bytes != HEADER_BYTES or file_bytes != n:
        raise EamError(f"{path}: header says {file_bytes} bytes but the file has {n} (truncated or appended); {fix}")
    if data[n - 4:] != END_MAGIC:
        raise EamError(f"{path}: bad end magic (truncated?); {fix}")
    stored = struct.unpack_from("<I", data, n - 8)[0]
    actual = crc32c(memoryview(data)[:n - 8])
    if stored != actual:
        raise EamError(f"{path}: CRC-32C mismatch (stored 0x{stored:08X}, computed 0x{actual:08X}): the file is damaged; {fix}")

    def align(x):
        return (x + ALIGN - 1) // ALIGN * ALIGN

    if (table_off != align(HEADER_BYTES + config_bytes) or data_off != align(table_off + ENTRY_BYTES * count)
            or data_off + data_bytes + TRAILER_BYTES != n or count < 1):
        raise EamError(f"{path}: inconsistent header offsets; {fix}")
    try:
        config = json.loads(data[HEADER_BYTES:HEADER_BYTES + config_bytes].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise EamError(f"{path}: the stored config is not valid JSON ({e}); {fix}") from e

    tensors, int8 = {}, {}
    for i in range(count):
        e = table_off + i * ENTRY_BYTES
        name_len, dtype, rank = struct.unpack_from("<HBB", data, e)
        dims = struct.unpack_from("<4I", data, e + 4)
        off, nbytes, scales_off = struct.unpack_from("<QQQ", data, e + 24)
        if not 1 <= name_len <= 80 or not 1 <= rank <= 4 or dtype not in (DTYPE_F32, DTYPE_I8):
            raise EamError(f"{path}: tensor table entry {i} is malformed; {fix}")
        name = data[e + 48:e + 48 + name_len].decode("ascii", "replace")
        shape = tuple(dims[:rank])
        elements = int(np.prod(shape, dtype=np.int64))
        size = elements * (4 if dtype == DTYPE_F32 else 1)
        if (0 in shape or size != nbytes or off % ALIGN or off < data_off or off + nbytes > data_off + data_bytes):
            raise EamError(f"{path}: tensor '{name}' has an inconsistent shape, size or offset; {fix}")
        if dtype == DTYPE_F32:
            tensors[name] = np.frombuffer(data, dtype="<f4", count=elements, offset=off).reshape(shape).copy()
            continue
        if rank != 2 or scales_off % ALIGN or scales_off + 4 * shape[0] > data_off + data_bytes:
            raise EamError(f"{path}: int8 tensor '{name}' has an inconsistent shape or scales offset; {fix}")
        q = np.frombuffer(data, dtype=np.int8, count=elements, offset=off).reshape(shape).copy()
        scales = np.frombuffer(data, dtype="<f4", count=shape[0], offset=scales_off).copy()
        int8[name] = scales
        tensors[name] = (q.astype(np.float32) * scales[:, None]) if dequantize else q
    return EamModel(config, tensors, int8, version, stored, n)


def main(argv=None):
    """edge-attention-eam FILE: what read_eam sees (config name, tensors, dtypes, shapes)."""
    import argparse
    import sys
    ap = argparse.ArgumentParser(prog="edge-attention-eam",
                                 description="read a .eam model file with the Python reader and list its tensors")
    ap.add_argument("model", help="a .eam file written by edge-attention-convert")
    a = ap.parse_args(argv)
    try:
        m = read_eam(a.model, dequantize=False)
    except EamError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    print(f"{a.model}: .eam v{m.version}, {m.file_bytes} bytes, CRC-32C 0x{m.checksum:08X}, "
          f"model {m.config.get('name', '?')}, {len(m.tensors)} tensors ({len(m.int8)} int8)")
    for name, t in m.tensors.items():
        print(f"  {name:<36} {'int8' if name in m.int8 else 'float32':<8} {list(t.shape)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
