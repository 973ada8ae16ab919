#!/usr/bin/env bash
# Publishes the device program `edge-attention` as self-contained NativeAOT binaries:
#   artifacts/linux-arm64/  (Raspberry Pi 3/4/5, Jetson)   artifacts/linux-x64/  (PCs, edge boxes, CI)
# each folder holding everything the binary needs beside it (libSystem.IO.Ports.Native.so is not linked in).
#
# glibc floor: the binaries are linked against a Debian 11 (bullseye, glibc 2.31) sysroot — libc6, libc6-dev,
# libgcc-s1, libgcc-10-dev, linux-libc-dev for the target architecture — that this script downloads once with
# `apt-get download` through a private sources list and private state folders (the machine's apt setup is never
# changed) and unpacks into $EA_SYSROOT_CACHE (default artifacts/.sysroot/bullseye-<arch>/root), plus
# firmware-host/glibc-compat (exp/log/pow bound to their pre-2.29 symbol versions). Every ELF file shipped is then
# checked: it must need at most GLIBC_2.27 (JetPack 4 / Ubuntu 18.04; Pi OS Bullseye and JetPack 5 have 2.31).
#
# linux-x64 ships two builds beside each other: `edge-attention` (the .NET baseline instruction set: runs on every
# x64 CPU, Vector128 kernels) and `edge-attention-v3` (x86-64-v3: AVX2 + FMA kernels). The baseline binary checks
# the CPU at start and executes the v3 sibling when the CPU has x86-64-v3 (EDGEATTN_X64_LEVEL=baseline keeps it).
#
# usage: ./build-aot.sh [linux-arm64] [linux-x64]        (default: both)
#        ./build-aot.sh --release [rid...]                (the builds, then artifacts/edge-attention-<version>-<rid>.tar.gz
#                                                         + .sha256 per rid: binaries, serial .so, bundled models as .eam,
#                                                         systemd units, a board README; see tools/release-bundle.sh)
#        ./build-aot.sh --fetch-sysroot arm64|amd64      (only download/unpack the glibc 2.31 sysroot, print its path)
# env:   X64_LEVELS="baseline v3"        the x64 builds to make (default both; "baseline" alone skips the v3 sibling).
#        ARM64_INSTRUCTION_SET=...       do not set for Pi 3/4: the default armv8.0 baseline keeps the binary
#                                        running on cores without dot-product and picks SDOT at run time.
#        EA_GLIBC=system                 link against this machine's libc instead of the 2.31 sysroot (local
#                                        experiments only: the binaries then need this machine's glibc).
#        EA_SYSROOT_CACHE                where the bullseye sysroots are cached (default artifacts/.sysroot).
#        EA_ARTIFACTS                    where intermediate obj/bin go (the output is always artifacts/<rid>).
# Fails on any trim/AOT warning. Installs missing Debian packages when run as root, else names them.
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

GLIBC_MAX=2.27                                   # the newest glibc symbol version a shipped file may need
SYSROOT_CACHE=$(realpath -m "${EA_SYSROOT_CACHE:-artifacts/.sysroot}")
SYSROOT_PACKAGES=(libc6 libc6-dev libgcc-s1 libgcc-10-dev linux-libc-dev)
GLIBC=${EA_GLIBC:-sysroot}
read -r -a X64_LEVEL_LIST <<<"${X64_LEVELS:-baseline v3}"

# fetch_sysroot ARCH...: makes $SYSROOT_CACHE/bullseye-ARCH/root (Debian 11 packages unpacked with dpkg -x) unless
# it is already there and complete. Uses private apt state: sources list, lists, cache and an empty dpkg status.
fetch_sysroot() {
  local todo=() arch
  for arch in "$@"; do
    if [ "$(cat "$SYSROOT_CACHE/bullseye-$arch/.complete" 2>/dev/null)" = "${SYSROOT_PACKAGES[*]}" ]; then
      echo "== glibc 2.31 sysroot ($arch): cached in $SYSROOT_CACHE/bullseye-$arch/root ($(grep '^libc6=' "$SYSROOT_CACHE/bullseye-$arch/MANIFEST"))"
    else
      todo+=("$arch")
    fi
  done
  [ ${#todo[@]} -eq 0 ] && return 0
  command -v apt-get >/dev/null && command -v dpkg >/dev/null ||
    { echo "error: apt-get and dpkg are needed to fetch the Debian 11 sysroot; run on Debian/Ubuntu or set EA_GLIBC=system" >&2; exit 1; }
  local apt="$SYSROOT_CACHE/apt" uri key
  mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$apt/sources.list.d"
  uri=$(sed -n 's/^URIs:[[:space:]]*//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | grep -v security | head -1 || true)
  key=$(sed -n 's/^Signed-By:[[:space:]]*//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1 || true)
  [ -f "${key:-/nonexistent}" ] || key=/usr/share/keyrings/debian-archive-keyring.gpg
  [ -f "$key" ] || { echo "error: no Debian archive keyring ($key) to verify the bullseye packages; install debian-archive-keyring" >&2; exit 1; }
  : >"$apt/status"
  local opts=(-o "Dir::Etc::sourcelist=$apt/bullseye.sources" -o "Dir::Etc::sourceparts=$apt/sources.list.d"
              -o "Dir::State::Lists=$apt/lists" -o "Dir::State::status=$apt/status" -o "Dir::Cache=$apt/cache" -o Debug::NoLocking=1
              -o Acquire::Languages=none -o APT::Architectures::=amd64 -o APT::Architectures::=arm64)
  local ok=0 base
  # bullseye lives on deb.debian.org until it is moved to archive.debian.org; try both.
  for base in ${uri:-http://deb.debian.org/debian} http://archive.debian.org/debian; do
    printf 'Types: deb\nURIs: %s\nSuites: bullseye\nComponents: main\nSigned-By: %s\n' "$base" "$key" >"$apt/bullseye.sources"
    echo "== glibc 2.31 sysroot (${todo[*]}): apt-get update of Debian 11 (bullseye) from $base into $apt (private sources list and state)"
    if apt-get "${opts[@]}" -qq update >"$apt/update.log" 2>&1; then ok=1; break; fi
    tail -3 "$apt/update.log" | sed 's/^/   /' >&2
  done
  [ $ok = 1 ] || { echo "error: cannot reach a Debian 11 (bullseye) archive; check the network or set EA_GLIBC=system" >&2; exit 1; }
  for arch in "${todo[@]}"; do
    local dir="$SYSROOT_CACHE/bullseye-$arch" pkgs=() p d
    for p in "${SYSROOT_PACKAGES[@]}"; do pkgs+=("$p:$arch"); done
    rm -rf "$dir"; mkdir -p "$dir/debs" "$dir/root"
    echo "   apt-get download ${pkgs[*]}"
    (cd "$dir/debs" && apt-get "${opts[@]}" -qq download "${pkgs[@]}" 2>&1 | grep -v 'unsandboxed' >&2 || true)
    [ "$(ls "$dir/debs"/*.deb 2>/dev/null | wc -l)" -eq ${#SYSROOT_PACKAGES[@]} ] ||
      { echo "error: downloading ${pkgs[*]} from bullseye failed (see above)" >&2; exit 1; }
    for d in "$dir/debs"/*.deb; do
      dpkg-deb -W --showformat='${Package}=${Version} ${Architecture}\n' "$d" >>"$dir/MANIFEST"
      dpkg -x "$d" "$dir/root"
    done
    rm -rf "$dir/debs" "$dir/root/usr/share"
    # Absolute symlinks (usr/lib/<triple>/libdl.so -> /lib/<triple>/libdl.so.2) would point into this machine's
    # root; make them relative so the linker finds the sysroot's shared libraries, not the static archives.
    local link target
    while IFS= read -r link; do
      target=$(readlink "$link")
      ln -sfn "$(realpath -m --relative-to="$(dirname "$link")" "$dir/root$target")" "$link"
    done < <(find "$dir/root" -type l -lname '/*')
    echo "${SYSROOT_PACKAGES[*]}" >"$dir/.complete"
    echo "   $dir/root: $(du -sh "$dir/root" | cut -f1); $(sort "$dir/MANIFEST" | paste -sd',' | sed 's/,/, /g')"
  done
}

# glibc_needed FILE: the newest GLIBC_x.y version FILE's dynamic symbols need (empty for non-ELF / no libc).
glibc_needed() {
  readelf -W -V "$1" 2>/dev/null | grep -oE 'Name: GLIBC_[0-9]+(\.[0-9]+)+' | sed 's/Name: GLIBC_//' | sort -V | tail -1
}

if [ "${1:-}" = --fetch-sysroot ]; then
  shift
  [ $# -gt 0 ] || set -- arm64 amd64
  for a in "$@"; do case "$a" in arm64|amd64) ;; *) echo "error: --fetch-sysroot takes arm64 and/or amd64, not '$a'" >&2; exit 2 ;; esac; done
  fetch_sysroot "$@"
  for a in "$@"; do echo "$SYSROOT_CACHE/bullseye-$a/root"; done
  exit 0
fi

release=0
if [ "${1:-}" = --release ]; then release=1; shift; fi
rids=("$@")
[ ${#rids[@]} -eq 0 ] && rids=(linux-arm64 linux-x64)

case "$GLIBC" in sysroot|system) ;; *) echo "error: EA_GLIBC='$GLIBC' is not known; use sysroot (default) or system" >&2; exit 2 ;; esac
for level in "${X64_LEVEL_LIST[@]}"; do
  case "$level" in baseline|v3) ;; *) echo "error: X64_LEVELS holds '$level'; use baseline and/or v3" >&2; exit 2 ;; esac
done

need=(clang lld llvm)
for rid in "${rids[@]}"; do
  case "$rid" in
    linux-arm64)
      need+=(binutils-aarch64-linux-gnu)
      [ "$GLIBC" = system ] && need+=(gcc-aarch64-linux-gnu libc6-dev-arm64-cross) ;;
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

# publish RID OUTDIR [msbuild args...]: one NativeAOT publish, failing on any error or trim/AOT warning.
publish() {
  local rid=$1 out=$2; shift 2
  local log start
  log=$(mktemp)
  start=$(date +%s)
  # The link step is skipped when the ILC object is unchanged; remove the previous native binary so a change of
  # sysroot or linker flags always relinks.
  find firmware-host/EdgeAttention.Host/bin ${EA_ARTIFACTS:+"$EA_ARTIFACTS/bin/EdgeAttention.Host"} \
       -path "*$rid*/native/edge-attention" -delete 2>/dev/null || true
  echo "== publish $rid $*"
  if ! dotnet publish "$project" -c Release -r "$rid" -p:PublishAot=true -p:DebugType=none -p:DebugSymbols=false \
        "$@" -o "$out" >"$log" 2>&1; then
    grep -E "error|warning" "$log" | sort -u | head -40 >&2 || tail -40 "$log" >&2
    echo "error: publish for $rid failed (full log: $log)" >&2
    exit 1
  fi
  # Zero trim/AOT warnings: any IL/AOT analysis warning fails the build.
  if grep -E "warning (IL[0-9]+|AOT|CS)" "$log" | sort -u | grep .; then
    echo "error: trim/AOT warnings in the $rid publish (see above)" >&2
    exit 1
  fi
  rm -f "$out"/*.dbg "$out"/*.pdb "$log"
  echo "   $out/edge-attention $(( $(stat -c %s "$out/edge-attention") / 1024 )) KiB ($(( $(date +%s) - start )) s)"
}

for rid in "${rids[@]}"; do
  out="artifacts/$rid"
  rm -rf "$out"
  arch=${rid#linux-}; [ "$arch" = x64 ] && arch=amd64
  link=()
  if [ "$GLIBC" = sysroot ]; then
    fetch_sysroot "$arch"
    compat="$SYSROOT_CACHE/glibc-compat-$arch.o"
    triple=aarch64-linux-gnu; [ "$arch" = amd64 ] && triple=x86_64-linux-gnu
    clang --target=$triple -O2 -fPIC -c firmware-host/glibc-compat/glibc-compat.c -o "$compat"
    link=("-p:SysRoot=$SYSROOT_CACHE/bullseye-$arch/root" -p:LinkerFlavor=lld
          "-p:CustomBeforeMicrosoftCommonTargets=$PWD/firmware-host/glibc-compat/glibc-compat.targets" "-p:EaGlibcCompatObject=$compat")
    echo "   linking against glibc 2.31 (SysRoot=$SYSROOT_CACHE/bullseye-$arch/root, lld) with exp/log/pow at their pre-2.29 versions (glibc-compat)"
  else
    echo "   EA_GLIBC=system: linking against this machine's libc (the binary needs this glibc or newer)"
  fi
  if [ "$rid" = linux-arm64 ]; then
    extra=()
    [ -n "${ARM64_INSTRUCTION_SET:-}" ] && extra+=("-p:IlcInstructionSet=$ARM64_INSTRUCTION_SET")
    publish "$rid" "$out" "${link[@]}" "${extra[@]}"
  else
    for level in "${X64_LEVEL_LIST[@]}"; do
      if [ "$level" = baseline ]; then
        publish "$rid" "$out" "${link[@]}"
      else
        # The x86-64-v3 build goes beside the baseline as edge-attention-v3 (chosen at start by the baseline binary).
        tmp="artifacts/.publish-$rid-v3"
        rm -rf "$tmp"
        publish "$rid" "$tmp" "${link[@]}" -p:IlcInstructionSet=x86-64-v3
        mkdir -p "$out"
        cp "$tmp/edge-attention" "$out/edge-attention-v3"
        [ -f "$out/libSystem.IO.Ports.Native.so" ] || cp "$tmp/libSystem.IO.Ports.Native.so" "$out/"
        rm -rf "$tmp"
      fi
    done
  fi
  ships=(edge-attention libSystem.IO.Ports.Native.so)
  [ "$rid" = linux-x64 ] && [[ " ${X64_LEVEL_LIST[*]} " == *" v3 "* ]] && ships+=(edge-attention-v3)
  [ "$rid" = linux-x64 ] && [[ " ${X64_LEVEL_LIST[*]} " != *" baseline "* ]] && ships=("${ships[@]:1}")
  for f in "${ships[@]}"; do
    [ -f "$out/$f" ] || { echo "error: $out/$f missing after publish" >&2; exit 1; }
  done
  # glibc floor: every ELF file shipped needs at most GLIBC_$GLIBC_MAX.
  bad=0
  for f in "$out"/*; do
    v=$(glibc_needed "$f")
    [ -n "$v" ] || continue
    echo "   $f: $(( $(stat -c %s "$f") / 1024 )) KiB, needs GLIBC_$v"
    if [ "$GLIBC" = sysroot ] && [ "$(printf '%s\n%s\n' "$v" "$GLIBC_MAX" | sort -V | tail -1)" != "$GLIBC_MAX" ]; then
      echo "error: $f needs GLIBC_$v, newer than the $GLIBC_MAX floor (JetPack 4; Pi OS Bullseye and JetPack 5 have 2.31)" >&2
      bad=1
    fi
  done
  [ $bad = 0 ] || exit 1
  echo "   $out ships: $(cd "$out" && ls | tr '\n' ' ')"
done
[ $release = 0 ] || tools/release-bundle.sh "${rids[@]}"
