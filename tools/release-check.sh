#!/usr/bin/env bash
# Checks the release archives (./build-aot.sh --release) as a user on the board would use them: for each runtime,
#   artifacts/edge-attention-<version>-<rid>.tar.gz: its .sha256 verifies; unpacked into a temporary folder it holds
#   exactly the files listed in firmware-host/deploy/BOARD-README.md and they match SHA256SUMS; there
#   `./edge-attention --version` names this version and commit, `./edge-attention selftest` passes, `listen` without
#   --model (the bundled kws12.eam beside the binary) and with kws12-int8.eam runs on models/kws12/demo.wav, and
#   `run` of kws12.eam on that WAV matches the PyTorch golden logits models/kws12/demo_logits.npy (models/README.md
#   §4.3 tolerance, checked by `edge-attention-convert compare` built by release-bundle.sh).
# linux-x64 runs natively (the baseline binary hands over to edge-attention-v3 on an AVX2 CPU); linux-arm64 under
# `qemu-aarch64 -cpu cortex-a72` (Pi 4) with the Debian 11 arm64 libc that build-aot.sh caches.
#
# usage: tools/release-check.sh [linux-arm64] [linux-x64]     (default: both)
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
rids=("$@")
[ ${#rids[@]} -eq 0 ] && rids=(linux-arm64 linux-x64)
version=$(dotnet msbuild firmware-host/EdgeAttention.Host/EdgeAttention.Host.csproj -getProperty:Version)
commit=$(git rev-parse --short=7 HEAD)
repo=$PWD
fail=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
bad() { echo "   FAIL: $*"; fail=1; }

for rid in "${rids[@]}"; do
  name="edge-attention-$version-$rid"
  archive="artifacts/$name.tar.gz"
  echo "== release archive $archive"
  [ -f "$archive" ] && [ -f "$archive.sha256" ] || { bad "$archive (+ .sha256) missing: run ./build-aot.sh --release $rid"; continue; }
  (cd artifacts && sha256sum --quiet -c "$name.tar.gz.sha256") || bad "$archive does not match $archive.sha256"
  echo "   $(stat -c %s "$archive") bytes, sha256 $(cut -d' ' -f1 "$archive.sha256")"
  mkdir -p "$work/$rid"
  tar xzf "$archive" -C "$work/$rid"
  dir="$work/$rid/$name"
  want="README.md SHA256SUMS deploy/edge-attention-listen.service deploy/edge-attention.service edge-attention"
  [ "$rid" = linux-x64 ] && want="$want edge-attention-v3"
  want="$want kws-tiny.eam kws12-int8.eam kws12.eam libSystem.IO.Ports.Native.so"
  have=$(cd "$dir" && find . -type f | sed 's|^\./||' | LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//')
  [ "$have" = "$(echo "$want" | tr ' ' '\n' | LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//')" ] || bad "files: $have; want: $want"
  (cd "$dir" && sha256sum --quiet -c SHA256SUMS) || bad "SHA256SUMS inside the archive"
  run=()
  if [ "$rid" = linux-arm64 ]; then
    run=(qemu-aarch64 -cpu cortex-a72 -L "$(./build-aot.sh --fetch-sysroot arm64 | tail -1)")
  fi
  cd "$dir"
  v=$("${run[@]}" ./edge-attention --version)
  echo "   ${run[*]:+${run[*]} }./edge-attention --version: $v"
  [ "$v" = "edge-attention $version (commit $commit)" ] || bad "--version says '$v', want 'edge-attention $version (commit $commit)'"
  t0=$(date +%s)
  if out=$("${run[@]}" ./edge-attention selftest 2>&1); then rc=0; else rc=$?; fi
  echo "   ./edge-attention selftest: exit $rc, $(echo "$out" | grep -E '^(cpu|float32 variant|int8 variant|kernel checks):' | tr '\n' ';' | sed 's/;$//'), $(( $(date +%s) - t0 )) s"
  if [ $rc -ne 0 ] || ! echo "$out" | grep -q '^selftest: PASS$'; then echo "$out" | sed 's/^/      /'; bad "selftest ($rid)"; fi
  for model in "" kws12-int8.eam; do
    t0=$(date +%s)
    if "${run[@]}" ./edge-attention listen ${model:+--model "$model"} --input "$repo/models/kws12/demo.wav" >"$work/listen.txt" 2>"$work/listen.err"; then rc=0; else rc=$?; fi
    echo "   ./edge-attention listen ${model:+--model $model }--input models/kws12/demo.wav: exit $rc, $(wc -l <"$work/listen.txt") detections ($(tr '\n' ';' <"$work/listen.txt" | sed 's/;$//')), $(( $(date +%s) - t0 )) s"
    [ $rc -eq 0 ] || { sed 's/^/      /' "$work/listen.err"; bad "listen ${model:-(bundled kws12.eam)} ($rid)"; }
  done
  # The converter that made the bundled models (release-bundle.sh builds it) checks the §4.3 tolerance.
  if "${run[@]}" ./edge-attention run --model kws12.eam --input "$repo/models/kws12/demo.wav" --output "$work/logits.npy" 2>"$work/run.err" &&
     cmp=$(dotnet "$repo/artifacts/.release/convert/edge-attention-convert.dll" compare --expected "$repo/models/kws12/demo_logits.npy" --actual "$work/logits.npy" 2>&1); then
    echo "   ./edge-attention run --model kws12.eam --input models/kws12/demo.wav vs models/kws12/demo_logits.npy: $(echo "$cmp" | tr '\n' ' ')"
  else
    sed 's/^/      /' "$work/run.err"; echo "${cmp:-}" | sed 's/^/      /'; bad "run of the bundled kws12.eam vs models/kws12/demo_logits.npy ($rid)"
  fi
  cd "$repo"
done
echo "release check: $( [ $fail -eq 0 ] && echo PASS || echo FAIL )"
exit $fail
