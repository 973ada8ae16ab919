#!/usr/bin/python3
"""Control for run.sh: how fast this machine streams a float32 model's weights, measured without our code.

  /usr/bin/python3 gemv_probe.py --bytes B [--processes P] [--calls N]

Each of P fresh processes builds a float32 matrix of B bytes ([B / 2048, 512], NumPy, OpenBLAS with one thread),
multiplies it by a vector 2000 times to warm up, then N times timed (process CPU time), and prints µs per product.
The float32 step of `edge-attention run` reads its ~1.07 MB of weights once per step, so on a machine where that
many bytes stream at one speed in one process and at another in the next (the L2 here is 1 MiB: which physical
pages a process gets decides how much of the matrix stays in it; the core's neighbours on a shared host matter too),
this product shows the same spread. Prints one line: "median M µs (all: a b c ...)".
"""
import argparse
import os
import statistics
import subprocess
import sys


def one(nbytes: int, calls: int) -> float:
    os.environ["OPENBLAS_NUM_THREADS"] = "1"
    import time
    import numpy as np
    rows = max(1, nbytes // (512 * 4))
    rng = np.random.default_rng(0)
    a = rng.random((rows, 512), dtype=np.float32)
    x = rng.random(512, dtype=np.float32)
    for _ in range(2000):
        a @ x
    t = time.process_time()
    for _ in range(calls):
        a @ x
    return (time.process_time() - t) / calls * 1e6


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bytes", type=int, required=True, help="matrix size in bytes (e.g. the float32 .eam's size)")
    ap.add_argument("--processes", type=int, default=7)
    ap.add_argument("--calls", type=int, default=20000)
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.bytes < 2048 or args.bytes > 1 << 30 or args.processes < 1 or args.calls < 1:
        sys.exit("error: --bytes must be in [2048, 1 GiB], --processes and --calls at least 1")
    if args.child:
        print(f"{one(args.bytes, args.calls):.2f}")
        return
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
    times = []
    for _ in range(args.processes):
        out = subprocess.run([sys.executable, __file__, "--child", "--bytes", str(args.bytes), "--calls", str(args.calls)],
                             env=env, capture_output=True, text=True)
        if out.returncode != 0:
            sys.exit(f"error: the probe process failed: {out.stderr.strip().splitlines()[-1] if out.stderr.strip() else out.returncode}")
        times.append(float(out.stdout))
    print(f"median {statistics.median(times):.1f} µs (all: {' '.join(f'{t:.1f}' for t in times)})")


if __name__ == "__main__":
    main()
