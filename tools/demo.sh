#!/usr/bin/env bash
# The main job on the bundled default model (models/kws-tiny), end to end on this machine:
#   1. builds the converter `edge-attention-convert` and the device program `edge-attention` (Release);
#   2. converts model.json + model.safetensors to a float32 and an int8 .eam, and inspects the float32 one;
#   3. streams frames.npy through `edge-attention run`, continually and by recomputing every window;
#   4. compares every step's logits with the PyTorch twin's float64 golden logits (models/README.md §4.3 tolerance), and the
#      int8 model's argmax with the float32 model's (≥ 95% of steps);
#   5. runs the device self-test (kernel variants vs scalar, continual vs recompute, latency, bytes per step).
# Exits non-zero if anything fails. Output goes to artifacts/demo/ (ignored by git).
#
# usage: bash tools/demo.sh [model-folder]        (default: models/kws-tiny)
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
model=${1:-models/kws-tiny}
out=artifacts/demo
mkdir -p "$out"
for f in model.json model.safetensors frames.npy; do
  [ -f "$model/$f" ] || { echo "error: $model/$f is missing; give a folder with model.json, model.safetensors and frames.npy" >&2; exit 1; }
done

echo "== build"
dotnet build tools/EdgeAttention.Convert -c Release -o "$out/convert" -v quiet -nologo | grep -E "error|Warn" || true
dotnet build firmware-host/EdgeAttention.Host -c Release -o "$out/host" -v quiet -nologo | grep -E "error|Warn" || true
convert() { dotnet "$out/convert/edge-attention-convert.dll" "$@"; }
device() { dotnet "$out/host/edge-attention.dll" "$@"; }

echo "== convert $model"
convert --config "$model/model.json" --weights "$model/model.safetensors" --output "$out/model.eam"
convert --config "$model/model.json" --weights "$model/model.safetensors" --output "$out/model-int8.eam" --quantize int8 | tail -n 3
convert inspect "$out/model.eam"
ls -l "$out/model.eam" "$out/model-int8.eam"

status=0
for exec in continual recompute; do
  echo "== run float32, --execution $exec"
  device run --model "$out/model.eam" --input "$model/frames.npy" --output "$out/logits-$exec.npy" --execution "$exec"
  if [ -f "$model/logits.npy" ]; then
    convert compare --expected "$model/logits.npy" --actual "$out/logits-$exec.npy" || status=1
  fi
  echo "== run int8, --execution $exec"
  device run --model "$out/model-int8.eam" --input "$model/frames.npy" --output "$out/logits-int8-$exec.npy" --execution "$exec"
  convert compare --expected "$out/logits-$exec.npy" --actual "$out/logits-int8-$exec.npy" --min-agreement 0.95 || status=1
done

echo "== selftest with this model"
device selftest --model "$out/model.eam" || status=1

if [ "$status" -ne 0 ]; then echo "demo: FAILED" >&2; exit 1; fi
echo "demo: OK (outputs in $out/)"
