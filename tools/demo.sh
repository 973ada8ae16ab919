#!/usr/bin/env bash
# The main job, end to end on this machine:
#   1. builds the converter `edge-attention-convert` and the device program `edge-attention` (Release);
#   2. keyword demo: converts models/kws12 to a float32 .eam beside the binary (where `listen` finds its bundled
#      model) and an int8 .eam, runs `edge-attention listen` on models/kws12/demo.wav (keywords in noise, voices not
#      used in training) and prints what it heard and when, next to the ground truth in models/kws12/demo.txt;
#      `run` on the same WAV is compared with the PyTorch golden logits models/kws12/demo_logits.npy;
#   3. on the model folder (default models/kws-tiny): converts it to a float32 and an int8 .eam, inspects the float32
#      one, streams frames.npy through `edge-attention run`, continually and by recomputing every window, compares every
#      step's logits with the PyTorch twin's float64 golden logits (models/README.md §4.3 tolerance) and the int8
#      model's argmax with the float32 model's (≥ 95% of steps);
#   4. runs the device self-test (kernel variants vs scalar, continual vs recompute, latency, bytes per step).
# Exits non-zero if a check fails (the keyword detections themselves are shown, not judged). Output goes to
# artifacts/demo/ (ignored by git).
#
# usage: bash tools/demo.sh [model-folder]        (default: models/kws-tiny)
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
model=${1:-models/kws-tiny}
kws=models/kws12
out=artifacts/demo
mkdir -p "$out"
for f in model.json model.safetensors frames.npy; do
  [ -f "$model/$f" ] || { echo "error: $model/$f is missing; give a folder with model.json, model.safetensors and frames.npy" >&2; exit 1; }
done
for f in model.json model.safetensors demo.wav demo.txt demo_logits.npy; do
  [ -f "$kws/$f" ] || { echo "error: $kws/$f is missing; restore it with git checkout -- $kws" >&2; exit 1; }
done

echo "== build"
dotnet build tools/EdgeAttention.Convert -c Release -o "$out/convert" -v quiet -nologo | grep -E "error|Warn" || true
dotnet build firmware-host/EdgeAttention.Host -c Release -o "$out/host" -v quiet -nologo | grep -E "error|Warn" || true
convert() { dotnet "$out/convert/edge-attention-convert.dll" "$@"; }
device() { dotnet "$out/host/edge-attention.dll" "$@"; }
status=0

# Detections (listen's text lines: time, keyword, score) beside the ground truth (demo.txt: start, end, said, label,
# voice). A detection belongs to the word whose [start, end + 1 s) holds its time (the latest such word); the rest
# are listed under "(nothing)".
side_by_side() {
  awk -F'\t' -v OFS='' '
    FNR == NR { if ($0 !~ /^#/ && NF >= 5) { n++; s[n] = $1; e[n] = $2; said[n] = $3; lab[n] = $4; voice[n] = $5 } next }
    NF == 1 { split($0, d, " "); t = d[1]; sub(/s$/, "", t); m++; dt[m] = t + 0; dk[m] = d[2]; ds[m] = d[3] }
    END {
      printf "%-12s %-11s %-9s %-32s %s\n", "when (s)", "said", "label", "voice", "heard: keyword at time s (smoothed score)"
      for (i = 1; i <= n; i++) {
        h = ""
        for (j = 1; j <= m; j++) if (!used[j] && dt[j] >= s[i] && dt[j] < e[i] + 1.0 && (i == n || dt[j] < s[i + 1])) { h = h sprintf("%s%s at %.2f (%s)", h == "" ? "" : "; ", dk[j], dt[j], ds[j]); used[j] = 1 }
        printf "%-12s %-11s %-9s %-32s %s\n", s[i] "-" e[i], said[i], lab[i], voice[i], h == "" ? "-" : h
      }
      for (j = 1; j <= m; j++) if (!used[j]) printf "%-12s %-11s %-9s %-32s %s\n", "", "(nothing)", "", "", sprintf("%s at %.2f (%s)", dk[j], dt[j], ds[j])
    }' "$kws/demo.txt" "$1"
}

echo "== keyword demo: $kws (float32 beside the binary, where listen finds it without --model; int8)"
convert --config "$kws/model.json" --weights "$kws/model.safetensors" --output "$out/host/kws12.eam" | tail -n 1
convert --config "$kws/model.json" --weights "$kws/model.safetensors" --output "$out/kws12-int8.eam" --quantize int8 | tail -n 1
echo "== listen: edge-attention listen --input $kws/demo.wav   (bundled kws12.eam, float32)"
device listen --input "$kws/demo.wav" > "$out/kws12-listen.txt" 2> "$out/kws12-listen-summary.txt" || status=1
side_by_side "$out/kws12-listen.txt"
cat "$out/kws12-listen-summary.txt"
echo "== listen, int8: edge-attention listen --model $out/kws12-int8.eam --input $kws/demo.wav"
device listen --model "$out/kws12-int8.eam" --input "$kws/demo.wav" > "$out/kws12-listen-int8.txt" 2> "$out/kws12-listen-int8-summary.txt" || status=1
side_by_side "$out/kws12-listen-int8.txt"
cat "$out/kws12-listen-int8-summary.txt"
echo "== run --input demo.wav vs the PyTorch golden logits ($kws/demo_logits.npy); int8 argmax vs float32"
device run --model "$out/host/kws12.eam" --input "$kws/demo.wav" --output "$out/kws12-logits.npy"
convert compare --expected "$kws/demo_logits.npy" --actual "$out/kws12-logits.npy" || status=1
device run --model "$out/kws12-int8.eam" --input "$kws/demo.wav" --output "$out/kws12-logits-int8.npy"
convert compare --expected "$out/kws12-logits.npy" --actual "$out/kws12-logits-int8.npy" --min-agreement 0.95 || status=1

echo "== convert $model"
convert --config "$model/model.json" --weights "$model/model.safetensors" --output "$out/model.eam"
convert --config "$model/model.json" --weights "$model/model.safetensors" --output "$out/model-int8.eam" --quantize int8 | tail -n 3
convert inspect "$out/model.eam"
ls -l "$out/model.eam" "$out/model-int8.eam"

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
