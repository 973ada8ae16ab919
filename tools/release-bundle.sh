#!/usr/bin/env bash
# Release bundles of the device program, one per runtime (called by `./build-aot.sh --release [rid...]` after the
# NativeAOT builds in artifacts/<rid>/):
#   artifacts/edge-attention-<version>-<rid>.tar.gz   one folder edge-attention-<version>-<rid>/ holding
#       edge-attention (+ edge-attention-v3 on linux-x64), libSystem.IO.Ports.Native.so,
#       kws12.eam (float32; `listen` finds it beside the binary), kws12-int8.eam, kws-tiny.eam — made from models/
#       with the converter of this tree —, deploy/*.service (firmware-host/deploy), README.md
#       (firmware-host/deploy/BOARD-README.md) and SHA256SUMS of those files;
#   artifacts/edge-attention-<version>-<rid>.tar.gz.sha256   (`sha256sum -c` in artifacts/).
# <version> is the programs' Version (Directory.Build.props: major = the .eam format version). The archive is
# reproducible for a commit: sorted names, owner 0, mtimes = the commit's time.
#
# usage: tools/release-bundle.sh linux-arm64|linux-x64 ...
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
[ $# -gt 0 ] || { echo "usage: tools/release-bundle.sh linux-arm64|linux-x64 ..." >&2; exit 2; }

version=$(dotnet msbuild firmware-host/EdgeAttention.Host/EdgeAttention.Host.csproj -getProperty:Version)
[[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+ ]] || { echo "error: cannot read the programs' Version from MSBuild (got '$version')" >&2; exit 1; }
mtime=$(git log -1 --format=%ct 2>/dev/null || date +%s)
stage=artifacts/.release
rm -rf "$stage"
mkdir -p "$stage"

echo "== release $version: converter (Release) for the bundled models"
dotnet build tools/EdgeAttention.Convert -c Release -o "$stage/convert" -v quiet -nologo >"$stage/convert.log" 2>&1 ||
  { grep -E "error" "$stage/convert.log" | sort -u | head -20 >&2; echo "error: building the converter failed" >&2; exit 1; }
convert() { dotnet "$stage/convert/edge-attention-convert.dll" "$@"; }
models="$stage/models"
mkdir -p "$models"
convert --config models/kws12/model.json --weights models/kws12/model.safetensors --output "$models/kws12.eam" | tail -n 1
convert --config models/kws12/model.json --weights models/kws12/model.safetensors --output "$models/kws12-int8.eam" --quantize int8 | tail -n 1
convert --config models/kws-tiny/model.json --weights models/kws-tiny/model.safetensors --output "$models/kws-tiny.eam" | tail -n 1

for rid in "$@"; do
  case "$rid" in linux-arm64|linux-x64) ;; *) echo "error: unsupported runtime '$rid'; use linux-arm64 and/or linux-x64" >&2; exit 2 ;; esac
  build="artifacts/$rid"
  name="edge-attention-$version-$rid"
  dir="$stage/$name"
  ships=(edge-attention libSystem.IO.Ports.Native.so)
  [ "$rid" = linux-x64 ] && [ -f "$build/edge-attention-v3" ] && ships+=(edge-attention-v3)
  for f in "${ships[@]}"; do
    [ -f "$build/$f" ] || { echo "error: $build/$f is missing; run ./build-aot.sh $rid first" >&2; exit 1; }
  done
  mkdir -p "$dir/deploy"
  for f in "${ships[@]}"; do cp "$build/$f" "$dir/"; done
  cp "$models"/*.eam "$dir/"
  cp firmware-host/deploy/*.service "$dir/deploy/"
  cp firmware-host/deploy/BOARD-README.md "$dir/README.md"
  (cd "$dir" && find . -type f ! -name SHA256SUMS | sed 's|^\./||' | LC_ALL=C sort | xargs sha256sum >SHA256SUMS)
  chmod 755 "$dir"/edge-attention*
  archive="artifacts/$name.tar.gz"
  tar -C "$stage" --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$mtime" -cf - "$name" | gzip -n -9 >"$archive"
  (cd artifacts && sha256sum "$name.tar.gz" >"$name.tar.gz.sha256")
  echo "   $archive: $(stat -c %s "$archive") bytes, sha256 $(cut -d' ' -f1 "$archive.sha256")"
  echo "   holds: $(cd "$dir" && find . -type f | sed 's|^\./||' | LC_ALL=C sort | tr '\n' ' ')"
done
