#!/usr/bin/env bash
# Publishes the device program `edge-attention` as self-contained NativeAOT binaries:
#   artifacts/linux-arm64/  (Raspberry Pi 3/4/5, Jetson)   artifacts/linux-x64/  (PCs, CI)
# each folder holding everything the binary needs beside it (libSystem.IO.Ports.Native.so is not linked in).
#
# usage: ./build-aot.sh [linux-arm64] [linux-x64]        (default: both)
# env:   X64_INSTRUCTION_SET=x86-64-v3   raise the x64 baseline (enables AVX2 kernels; the binary then refuses to
#                                        start on CPUs without AVX2). Default: the .NET baseline (SSE4.2; runs on
#                                        every x64 edge box; the kernels use Vector128 there).
#        ARM64_INSTRUCTION_SET=...       do not set for Pi 3/4: the default armv8.0 baseline keeps the binary
#                                        running on cores without dot-product and picks SDOT at run time.
#        EA_ARTIFACTS                    where intermediate obj/bin go (the output is always artifacts/<rid>).
# Fails on any trim/AOT warning. Installs missing Debian packages when run as root, else names them.
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

rids=("$@")
[ ${#rids[@]} -eq 0 ] && rids=(linux-arm64 linux-x64)

need=(clang lld llvm)
for rid in "${rids[@]}"; do
  case "$rid" in
    linux-arm64) need+=(binutils-aarch64-linux-gnu gcc-aarch64-linux-gnu libc6-dev-arm64-cross) ;;
    linux-x64) ;;
    *) echo "error: unsupported runtime '$rid'; use linux-arm64 and/or linux-x64" >&2; exit 2 ;;
  esac
done

missing=()
for p in "${need[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "== installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "error: missing build prerequisites: ${missing[*]}; install them with: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi
command -v dotnet >/dev/null || { echo "error: the .NET 10 SDK (dotnet) is not on PATH; install it first" >&2; exit 1; }

project=firmware-host/EdgeAttention.Host/EdgeAttention.Host.csproj
for rid in "${rids[@]}"; do
  out="artifacts/$rid"
  rm -rf "$out"
  extra=()
  if [ "$rid" = linux-x64 ] && [ -n "${X64_INSTRUCTION_SET:-}" ]; then extra+=("-p:IlcInstructionSet=$X64_INSTRUCTION_SET"); fi
  if [ "$rid" = linux-arm64 ] && [ -n "${ARM64_INSTRUCTION_SET:-}" ]; then extra+=("-p:IlcInstructionSet=$ARM64_INSTRUCTION_SET"); fi
  log=$(mktemp)
  echo "== publish $rid ${extra[*]:-}"
  start=$(date +%s)
  if ! dotnet publish "$project" -c Release -r "$rid" -p:PublishAot=true -p:DebugType=none -p:DebugSymbols=false \
        "${extra[@]}" -o "$out" >"$log" 2>&1; then
    grep -E "error|warning" "$log" | sort -u | head -40 >&2 || tail -40 "$log" >&2
    echo "error: publish for $rid failed (full log: $log)" >&2
    exit 1
  fi
  # Zero trim/AOT warnings: any IL/AOT analysis warning fails the build.
  if grep -E "warning (IL[0-9]+|AOT|CS)" "$log" | sort -u | grep .; then
    echo "error: trim/AOT warnings in the $rid publish (see above)" >&2
    exit 1
  fi
  rm -f "$out"/*.dbg "$out"/*.pdb
  for f in edge-attention libSystem.IO.Ports.Native.so; do
    [ -f "$out/$f" ] || { echo "error: $out/$f missing after publish" >&2; exit 1; }
  done
  size=$(stat -c %s "$out/edge-attention")
  echo "   $out: edge-attention $((size / 1024)) KiB ($(( $(date +%s) - start )) s); ships: $(cd "$out" && ls | tr '\n' ' ')"
  rm -f "$log"
done
