#!/usr/bin/env bash
# Emulated-board stage (called by .ci/run): NativeAOT builds for linux-arm64 and linux-x64 (build-aot.sh, linked
# against a Debian 11 glibc 2.31 sysroot plus firmware-host/glibc-compat), then
#  0. the glibc floor: every ELF file shipped in artifacts/<rid>/ needs at most GLIBC_2.27 (readelf -V): JetPack 4
#     (Ubuntu 18.04) and up; Pi OS Bullseye and JetPack 5 have 2.31;
#  1. `edge-attention selftest` under qemu-aarch64 with Debian 11's arm64 libc (2.31: Pi OS Bullseye, JetPack 5) and
#     with Debian 12's (2.36), each on cortex-a53 (Pi 3), cortex-a72 (Pi 4) — no dot-product, the int8 kernels must
#     run the AdvSimd variant — and cortex-a76 (Pi 5) — dot-product, the AdvSimdDp variant;
#  2. the x64 builds: the baseline binary picks edge-attention-v3 on this (x86-64-v3) machine, stays baseline
#     with EDGEATTN_X64_LEVEL=baseline, and under qemu-x86_64 -cpu Nehalem (no AVX) runs its own Vector128 kernels
#     instead of crashing; the v3 binary started there refuses with the runtime's message (no illegal instruction); both
#     builds' selftest also run on Debian 11's amd64 libc (qemu-x86_64 -L);
#  3. the release archives (build-aot.sh --release; tools/release-check.sh): checksums, contents, unpacked into a
#     temporary folder: --version, selftest, listen with the bundled kws12 models and run vs the golden logits, x64
#     natively and arm64 under qemu-aarch64 -cpu cortex-a72 with Debian 11's libc;
#  4. an end-to-end serial test: a socat pseudo-terminal pair, frames (with line noise, one corrupted frame and one
#     lost frame) written by a small python sender on one side, `edge-attention stream --reply` on the other;
#     JSON lines, counters and reply frames checked; then 18 s of frames as fast as the sender can write them: the
#     resident memory may not grow (≤ 1 MiB from 5 s to 20 s, VmHWM ≤ 16 MiB) and SIGTERM ends the stream within 2 s (SIGINT: a
#     background job of this non-interactive script starts with SIGINT ignored).
# Installs qemu-user, socat, Debian 12's libc6-arm64-cross (and, through build-aot.sh, the cross toolchain and the
# cached Debian 11 sysroots under artifacts/.sysroot) when missing. Fails on any mismatch.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

missing=()
for p in qemu-user socat python3 libc6-arm64-cross; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "error: missing ${missing[*]}; install with: sudo apt-get install -y ${missing[*]}" >&2; exit 1
  fi
fi

echo "== NativeAOT builds"
if [ "${EA_SKIP_BUILD:-0}" = 1 ] && [ -x artifacts/linux-arm64/edge-attention ] && [ -x artifacts/linux-x64/edge-attention ]; then
  echo "   EA_SKIP_BUILD=1: using the existing artifacts/"
  tools/release-bundle.sh linux-arm64 linux-x64
else
  ./build-aot.sh --release linux-arm64 linux-x64
fi
ARM=artifacts/linux-arm64/edge-attention
X64=artifacts/linux-x64/edge-attention
ls -l artifacts/linux-arm64 artifacts/linux-x64

fail=0
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

echo "== glibc floor: every shipped file needs at most GLIBC_2.27"
for f in artifacts/linux-arm64/* artifacts/linux-x64/*; do
  v=$(readelf -W -V "$f" 2>/dev/null | grep -oE 'Name: GLIBC_[0-9]+(\.[0-9]+)+' | sed 's/Name: GLIBC_//' | sort -V | tail -1)
  [ -n "$v" ] || { echo "   $f: no GLIBC symbol versions"; continue; }
  if [ "$(printf '%s\n2.27\n' "$v" | sort -V | tail -1)" = 2.27 ]; then echo "   $f: GLIBC_$v"
  else echo "   FAIL: $f needs GLIBC_$v (> 2.27: does not start on JetPack 4, > 2.31: nor on Pi OS Bullseye / JetPack 5)"; fail=1; fi
done

# Debian 11 (glibc 2.31) roots, cached by build-aot.sh; Debian 12's arm64 libc from libc6-arm64-cross.
DEB11_ARM64=$(./build-aot.sh --fetch-sysroot arm64 | tail -1)
DEB11_AMD64=$(./build-aot.sh --fetch-sysroot amd64 | tail -1)
echo "   Debian 11 arm64 libc: $(ls "$DEB11_ARM64"/lib/aarch64-linux-gnu/libc-*.so); Debian 12: $(ls /usr/aarch64-linux-gnu/lib/libc.so.6)"

echo "== selftest under qemu-aarch64"
for libc in debian11:"$DEB11_ARM64" debian12:/usr/aarch64-linux-gnu; do
  name=${libc%%:*}; root=${libc#*:}
  for pair in cortex-a53:AdvSimd cortex-a72:AdvSimd cortex-a76:AdvSimdDp; do
    cpu=${pair%%:*}; want=${pair#*:}
    t0=$(date +%s)
    if out=$(timeout 600 qemu-aarch64 -cpu "$cpu" -L "$root" "$ARM" selftest 2>&1); then rc=0; else rc=$?; fi
    variant=$(echo "$out" | sed -n 's/^int8 variant: //p')
    f32=$(echo "$out" | sed -n 's/^float32 variant: //p')
    checks=$(echo "$out" | sed -n 's/^kernel checks: //p')
    echo "   $name libc, $cpu: exit $rc, float32 $f32, int8 $variant (want $want), kernel checks $checks, $(( $(date +%s) - t0 )) s"
    if [ "$rc" -ne 0 ] || [ "$variant" != "$want" ] || ! echo "$out" | grep -q '^selftest: PASS$'; then
      echo "$out" | sed 's/^/      /'
      echo "   FAIL: selftest on $cpu with $name libc"
      fail=1
    fi
  done
done

echo "== x64 selftest: baseline and x86-64-v3 builds"
X64V3=artifacts/linux-x64/edge-attention-v3
V3_F32=Vector256                        # float32 kernels of the x86-64-v3 build (Vector256 accelerated by AVX2)
# x64_case NAME WANT_BUILD WANT_F32 COMMAND...: selftest must pass in the wanted build with the wanted float32 variant.
x64_case() {
  local name=$1 want_build=$2 want_f32=$3 out rc build f32; shift 3
  if out=$(timeout 600 "$@" selftest 2>&1); then rc=0; else rc=$?; fi
  build=$(echo "$out" | sed -n 's/^cpu: .*; \([a-z0-9-]*\) build.*/\1/p')
  f32=$(echo "$out" | sed -n 's/^float32 variant: //p')
  echo "   $name: exit $rc, $build build, float32 $f32, int8 $(echo "$out" | sed -n 's/^int8 variant: //p'), kernel checks $(echo "$out" | sed -n 's/^kernel checks: //p')"
  if [ "$rc" -ne 0 ] || [ "$build" != "$want_build" ] || [ "$f32" != "$want_f32" ] || ! echo "$out" | grep -q '^selftest: PASS$'; then
    echo "$out" | sed 's/^/      /'; echo "   FAIL: x64 $name"; fail=1
  fi
}
if grep -qw avx2 /proc/cpuinfo && grep -qw fma /proc/cpuinfo; then here=(x86-64-v3 "$V3_F32"); else here=(baseline Vector128); fi
x64_case "auto (this CPU)" "${here[@]}" "$X64"
x64_case "EDGEATTN_X64_LEVEL=baseline" baseline Vector128 env EDGEATTN_X64_LEVEL=baseline "$X64"
x64_case "qemu -cpu Nehalem, auto" baseline Vector128 qemu-x86_64 -cpu Nehalem "$X64"
x64_case "Debian 11 libc, baseline" baseline Vector128 env EDGEATTN_X64_LEVEL=baseline qemu-x86_64 -L "$DEB11_AMD64" "$X64"
x64_case "Debian 11 libc, v3" x86-64-v3 "$V3_F32" qemu-x86_64 -cpu max -L "$DEB11_AMD64" "$X64V3"
# Started directly on a CPU without AVX2, the v3 build's runtime refuses (message + abort), never SIGILL (132).
if out=$(timeout 60 qemu-x86_64 -cpu Nehalem "$X64V3" --version 2>&1); then rc=0; else rc=$?; fi
if [ "$rc" -ne 0 ] && [ "$rc" -ne 132 ] && echo "$out" | grep -q 'instruction sets are not supported'; then
  echo "   v3 build started directly under qemu -cpu Nehalem: refused, exit $rc: $(echo "$out" | grep -m1 "instruction sets")"
else
  echo "$out" | sed 's/^/      /'; echo "   FAIL: the v3 build on a CPU without AVX2 must refuse with a message (exit $rc)"; fail=1
fi
"$X64" --version

echo "== release archives: unpacked, --version, selftest, listen and run with the bundled models (x64; arm64 under qemu)"
bash tools/release-check.sh linux-x64 linux-arm64 || fail=1

echo "== end-to-end serial through a pseudo-terminal pair"
"$X64" generate --output "$work/model.eam" >/dev/null
socat -d pty,raw,echo=0,link="$work/ttyBOARD" pty,raw,echo=0,link="$work/ttySENSOR" 2>"$work/socat.log" &
for _ in $(seq 50); do [ -e "$work/ttyBOARD" ] && [ -e "$work/ttySENSOR" ] && break; sleep 0.1; done
frames=80
timeout 60 "$X64" stream --model "$work/model.eam" --source "serial:$work/ttyBOARD,baud=921600" --reply --max-frames $((frames - 2)) \
  >"$work/out.jsonl" 2>"$work/err.txt" &
stream_pid=$!
sleep 1
timeout 60 /usr/bin/env python3 - "$work/ttySENSOR" $frames <<'PY' >"$work/sender.txt"
import math, os, struct, sys, time, zlib
path, frames = sys.argv[1], int(sys.argv[2])
F = 16                                   # the generated selftest model's input_features
fd = os.open(path, os.O_RDWR | os.O_NOCTTY)
def frame(seq, values):
    payload = struct.pack('<%df' % len(values), *values)
    body = struct.pack('<BBIHf', 1, 1, seq, len(payload), 1.0) + payload
    return b'\xa5\x5a' + body + struct.pack('<I', zlib.crc32(body))
os.write(fd, b'\x00\x13\xa5\x77')         # line noise before the first frame
for seq in range(frames):
    values = [math.sin(0.1 * seq + f) for f in range(F)]
    data = frame(seq, values)
    if seq == 30:
        data = data[:20] + bytes([data[20] ^ 0x10]) + data[21:]   # one corrupted frame
    if seq == 50:
        continue                          # one lost frame
    os.write(fd, data)
    time.sleep(0.004)
replies = b''
deadline = time.time() + 5
os.set_blocking(fd, False)
while time.time() < deadline:
    try:
        chunk = os.read(fd, 65536)
        if chunk:
            replies += chunk
            continue
    except BlockingIOError:
        pass
    time.sleep(0.05)
count = 0
i = 0
while i + 14 <= len(replies):
    if replies[i:i+2] != b'\xa5\x5a':
        i += 1; continue
    length = struct.unpack_from('<H', replies, i + 8)[0]
    end = i + 14 + length
    if end + 4 > len(replies): break
    assert replies[i+3] == 0x81, 'reply kind'
    assert struct.unpack_from('<I', replies, end)[0] == zlib.crc32(replies[i+2:end]), 'reply crc'
    count += 1
    i = end + 4
print(count)
PY
wait $stream_pid && rc=0 || rc=$?
replies=$(cat "$work/sender.txt")
if ! /usr/bin/env python3 - "$work/out.jsonl" "$work/err.txt" "$frames" "$replies" "$rc" <<'PY'
import json, sys
out, err, frames, replies, rc = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
lines = [json.loads(l) for l in open(out)]
summary = json.loads(open(err).read().strip().splitlines()[-1])['summary']
n = 24                                           # window of the generated selftest model
accepted = frames - 2                            # one corrupted, one lost
expected = accepted - n + 1
steps = [l['step'] for l in lines]
ok = (rc == 0 and len(lines) == expected and steps == list(range(n - 1, accepted))
      and lines[-1]['corrupted'] == 1 and lines[-1]['missing'] == 2 and lines[-1]['rejected'] == 0
      and replies == expected and all(0 <= l['score'] <= 1 for l in lines))
print(f"   exit {rc}; {len(lines)} JSON lines (want {expected}), steps {steps[0] if steps else None}..{steps[-1] if steps else None}, "
      f"corrupted {lines[-1]['corrupted'] if lines else None}, missing {lines[-1]['missing'] if lines else None} "
      f"(1 corrupted + 1 lost), {replies} reply frames; p50 {summary['p50_us']} us, first output {summary['first_output_after_window_ms']} ms after the window filled")
sys.exit(0 if ok else 1)
PY
then
  echo "   FAIL: serial end-to-end"; sed 's/^/      /' "$work/err.txt"; fail=1
fi

echo "== serial flood: resident memory flat at any frame rate, SIGTERM obeyed"
"$X64" stream --model "$work/model.eam" --source "serial:$work/ttyBOARD,baud=921600" >/dev/null 2>"$work/flood-err.txt" &
stream_pid=$!
sleep 1
timeout 60 /usr/bin/env python3 - "$work/ttySENSOR" 18 <<'PY' >"$work/flood.txt" &
import os, struct, sys, time, zlib
fd, seconds, F, seq = os.open(sys.argv[1], os.O_RDWR | os.O_NOCTTY), float(sys.argv[2]), 16, 0
payload = struct.pack('<16f', *[0.1 * f for f in range(F)])
end = time.time() + seconds
while time.time() < end:
    chunk = []
    for _ in range(256):
        body = struct.pack('<BBIHf', 1, 1, seq, len(payload), 1.0) + payload
        chunk.append(b'\xa5\x5a' + body + struct.pack('<I', zlib.crc32(body)))
        seq += 1
    os.write(fd, b''.join(chunk))
print(seq)
PY
flood_pid=$!
rss() { awk '/^VmRSS/{r=$2}/^VmHWM/{h=$2}END{print r, h}' /proc/$stream_pid/status; }
sleep 5; read -r rss5 _ < <(rss)
sleep 15; read -r rss20 hwm < <(rss)
t0=$(date +%s%N); kill -TERM $stream_pid
for _ in $(seq 40); do kill -0 $stream_pid 2>/dev/null || break; sleep 0.05; done
if kill -0 $stream_pid 2>/dev/null; then kill -KILL $stream_pid; stop_ms=never; else stop_ms=$(( ($(date +%s%N) - t0) / 1000000 )); fi
wait $stream_pid 2>/dev/null || true; wait $flood_pid 2>/dev/null || true
echo "   $(cat "$work/flood.txt") frames in 18 s; VmRSS $rss5 kB at 5 s, $rss20 kB at 20 s, VmHWM $hwm kB; SIGTERM -> exit in $stop_ms ms"
if [ "$stop_ms" = never ] || [ $((rss20 - rss5)) -gt 1024 ] || [ "$hwm" -gt 16384 ]; then
  echo "   FAIL: serial flood"; tail -3 "$work/flood-err.txt" | sed 's/^/      /'; fail=1
fi

echo "emulated boards: $(( $(date +%s) - start )) s, $( [ $fail -eq 0 ] && echo PASS || echo FAIL )"
exit $fail
