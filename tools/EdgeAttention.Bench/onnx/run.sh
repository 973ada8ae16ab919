#!/usr/bin/env bash
# End-to-end speed of `edge-attention run` against ONNX Runtime 1.31.1 (C#) on the same model, side by side in one
# run (issue 10 §3). Prints a markdown table; `--output FILE` also writes it (with the machine, load, date, commit).
#
#   1. the x64 NativeAOT artifact: artifacts/linux-x64/edge-attention, reused when its --version commit is HEAD and
#      runtime/ and firmware-host/ have no uncommitted changes, else ./build-aot.sh linux-x64 (X64_LEVELS as set);
#   2. make_models.py: the PyTorch twin (tools/pytorch/edge_model.py), GTZAN-sized, 1 layer, Nyström m = 8 fixed
#      landmarks → model.json + model.safetensors, the window exported with torch.onnx.export (window.onnx), a test
#      stream and the twin's logits of its first windows;
#   3. edge-attention-convert → model-f32.eam and model-int8.eam;
#   4. edge-attention-onnx-compare (this folder, outside EdgeAttention.sln): checks ONNX Runtime and `run` against the
#      twin's logits, then times them interleaved (see Program.cs) and prints two tables: wall time per step and CPU
#      time per step (getrusage; steadier when other work shares the cores);
#   5. gemv_probe.py before and after 4, as a control: NumPy/OpenBLAS multiplying a float32 matrix of the float32
#      .eam's size by a vector, once per fresh process, so a table can be read against this machine's state.
#
# Skips with a message and exit code 0 when ONNX Runtime cannot be restored or PyTorch is missing.
#
# usage: tools/EdgeAttention.Bench/onnx/run.sh [--output FILE] [--binary PATH] [--reps N] [--ort-steps N]
#                                              [--short-steps N] [--long-steps N]
# env:   EA_ONNX_WORK  scratch folder (default artifacts/onnx-compare)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
cd "$ROOT"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
WORK=$(realpath -m "${EA_ONNX_WORK:-artifacts/onnx-compare}")
OUTPUT="" BINARY="" PASS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --output) OUTPUT=$(realpath -m "$2"); shift 2 ;;
    --binary) BINARY=$(realpath "$2"); shift 2 ;;
    --reps|--ort-steps|--short-steps|--long-steps) PASS+=("$1" "$2"); shift 2 ;;
    *) echo "error: unknown argument $1; usage: $0 [--output FILE] [--binary PATH] [--reps N] [--ort-steps N] [--short-steps N] [--long-steps N]" >&2; exit 2 ;;
  esac
done
mkdir -p "$WORK"

# ---- prerequisites: skip (exit 0) when they are not there ----
if ! dotnet restore "$HERE/EdgeAttention.OnnxCompare.csproj" >"$WORK/restore.log" 2>&1; then
  echo "skip: ONNX Runtime (NuGet Microsoft.ML.OnnxRuntime 1.31.1) cannot be restored: $(grep -m1 -o 'error NU[0-9]*:.*' "$WORK/restore.log" || tail -1 "$WORK/restore.log")"
  exit 0
fi
if ! /usr/bin/python3 -c 'import torch, numpy' 2>/dev/null; then
  echo "skip: /usr/bin/python3 has no torch/numpy (apt-get install python3-torch python3-numpy) to export the ONNX model"
  exit 0
fi

# ---- 1. the NativeAOT artifact ----
if [ -z "$BINARY" ]; then
  BINARY=$ROOT/artifacts/linux-x64/edge-attention
  head=$(git rev-parse --short=7 HEAD)
  built=$("$BINARY" --version 2>/dev/null | sed -n 's/.*(commit \([0-9a-f]*\)).*/\1/p' || true)
  if [ "$built" = "$head" ] && [ -z "$(git status --porcelain -- runtime firmware-host Directory.Build.props)" ]; then
    echo "== reusing $BINARY (commit $head)" >&2
  else
    echo "== building the x64 NativeAOT artifact (artifacts/linux-x64 is ${built:+commit $built, HEAD is $head}${built:-missing})" >&2
    ./build-aot.sh linux-x64 >"$WORK/build-aot.log" 2>&1 || { tail -20 "$WORK/build-aot.log" >&2; echo "error: build-aot.sh failed (log: $WORK/build-aot.log)" >&2; exit 1; }
  fi
fi

# ---- 2. the twin: weights, ONNX window, stream, expected logits ----
echo "== exporting the PyTorch twin (make_models.py)" >&2
/usr/bin/python3 -W ignore "$HERE/make_models.py" --out "$WORK" >&2

# ---- 3. convert ----
echo "== converting (edge-attention-convert, float32 and int8)" >&2
dotnet build tools/EdgeAttention.Convert -c Release -o "$WORK/convert" >"$WORK/convert-build.log" 2>&1 ||
  { tail -20 "$WORK/convert-build.log" >&2; echo "error: building edge-attention-convert failed" >&2; exit 1; }
dotnet "$WORK/convert/edge-attention-convert.dll" --config "$WORK/model.json" --weights "$WORK/model.safetensors" --output "$WORK/model-f32.eam" >/dev/null
dotnet "$WORK/convert/edge-attention-convert.dll" --config "$WORK/model.json" --weights "$WORK/model.safetensors" --output "$WORK/model-int8.eam" --quantize int8 >/dev/null

# ---- 4. compare ----
echo "== building and running edge-attention-onnx-compare" >&2
dotnet build "$HERE/EdgeAttention.OnnxCompare.csproj" -c Release --no-restore -o "$WORK/compare" >"$WORK/compare-build.log" 2>&1 ||
  { tail -20 "$WORK/compare-build.log" >&2; echo "error: building edge-attention-onnx-compare failed" >&2; exit 1; }
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
F32_BYTES=$(stat -c %s "$WORK/model-f32.eam")
echo "== control before: NumPy float32 matrix-vector product over $F32_BYTES bytes, 7 fresh processes" >&2
PROBE_BEFORE=$(/usr/bin/python3 "$HERE/gemv_probe.py" --bytes "$F32_BYTES") || PROBE_BEFORE="failed"
table=$(dotnet "$WORK/compare/edge-attention-onnx-compare.dll" --dir "$WORK" --binary "$BINARY" "${PASS[@]}")
echo "== control after" >&2
PROBE_AFTER=$(/usr/bin/python3 "$HERE/gemv_probe.py" --bytes "$F32_BYTES") || PROBE_AFTER="failed"
kernels=$("$BINARY" info 2>/dev/null | sed -n 's/^kernels: \([^;]*\);.*/\1/p')
build=$("$BINARY" info 2>/dev/null | sed -n 's/^cpu: .*; \([^(]*\) (.*$/\1/p')
{
  echo "# End-to-end: \`edge-attention run\` vs ONNX Runtime (tools/EdgeAttention.Bench/onnx/run.sh)"
  echo
  echo "Model: the PyTorch twin (tools/pytorch/edge_model.py), GTZAN-sized, 1 layer: F = 128, d = 192, 16 heads, n = 120,"
  echo "ff = 192, GELU, post-norm, recycling positions, Nyström m = 8 fixed landmarks, final norm, 10 classes, input_norm"
  echo "(PyTorch default initialisation, seed 0). ONNX Runtime evaluates the window exported with \`torch.onnx.export\`"
  echo "(opset 17, one Run per new frame); \`edge-attention run\` streams the same weights converted to .eam."
  echo
  echo "$(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short=7 HEAD)$([ -n "$(git status --porcelain -- runtime firmware-host)" ] && echo ' + uncommitted changes'),"
  echo "binary $(realpath --relative-to="$ROOT" "$BINARY" 2>/dev/null || echo "$BINARY") ($build; kernels $kernels), $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores;"
  echo "load average before the run: $LOAD_BEFORE, after: $(cut -d' ' -f1-3 /proc/loadavg) (a shared machine: all rows were measured interleaved, in one run)."
  echo
  echo "$table"
  echo
  echo "Control (gemv_probe.py, not our code): NumPy/OpenBLAS (one thread) multiplying a float32 matrix of $F32_BYTES bytes"
  echo "(the float32 .eam's size) by a vector, once per fresh process, µs per product — before: $PROBE_BEFORE;"
  echo "after: $PROBE_AFTER. The float32 step reads about that many weight bytes once, so when this machine streams them"
  echo "slowly, this row shows it too (the L2 here is 1 MiB; see results/run-modes.md)."
} >"$WORK/table.md"
cat "$WORK/table.md"
[ -z "$OUTPUT" ] || cp "$WORK/table.md" "$OUTPUT"
