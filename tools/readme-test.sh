#!/usr/bin/env bash
# The README as a script: runs every ```bash block of README.md, in order, in a fresh clone of the current commit,
# as one bash session (`set -e -o pipefail`: the first failing command fails the test; exports and `cd` carry over
# from block to block, as when a user pastes them into one terminal).
#
# Skipped, because they need a board (README.md says so where it defines the marker, "README commands"):
#   - a block whose first line is `# board-only`;
#   - a line ending in `# board-only` (and its `\` continuation lines).
# Isolation: HOME is a temporary folder (the global .NET tool, the venv's caches and ~/.cache land there); the NuGet
# package cache is the caller's (NUGET_PACKAGES, default ~/.nuget/packages) minus this repository's own converter
# package, so `dotnet tool install` takes the package the README just packed, never a stale one of the same version.
#
# usage: tools/readme-test.sh [--budget SECONDS] [--keep] [--dry-run]   (default budget 1500 s; --keep keeps the
#        clone; --dry-run prints the script made from README.md and stops)
# env:   README_TEST_SKIP=REGEX      also skip README lines matching REGEX (CI: the test command it has just run)
#        README_TEST_REUSE_AOT=1     a `./build-aot.sh [--release] RID...` line copies artifacts/RID/ from this tree
#                                    when those binaries were built from the same commit (checked: the commit hash in
#                                    the binary), then makes the release archives with tools/release-bundle.sh as
#                                    build-aot.sh would; otherwise it runs build-aot.sh with this tree's sysroot cache.
# Prints each block's README line, the commands (bash -x) and their output; ends with "readme-test: PASS (N s)".
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
budget=1500 keep=0 dry=0
while [ $# -gt 0 ]; do
  case "$1" in
    --dry-run) dry=1; shift ;;
    --budget) budget=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    *) echo "usage: tools/readme-test.sh [--budget SECONDS] [--keep] [--dry-run]" >&2; exit 2 ;;
  esac
done
commit=$(git -C "$root" rev-parse HEAD)
[ -z "$(git -C "$root" status --porcelain --untracked-files=no)" ] ||
  echo "readme-test: note: uncommitted changes in $root are not tested (the clone is of commit ${commit:0:7})"
tmp=$(mktemp -d /tmp/readme-test.XXXXXX)
cleanup() { if [ "$keep" = 1 ]; then echo "readme-test: kept $tmp"; else rm -rf "$tmp"; fi; }
trap cleanup EXIT
start=$(date +%s)

git clone -q "$root" "$tmp/repo"
git -C "$tmp/repo" checkout -q --detach "$commit"
mkdir -p "$tmp/home"

# README.md -> one script: each block preceded by an echo of its line number; board-only blocks and lines left out.
awk -v skip="${README_TEST_SKIP:-}" -v reuse="${README_TEST_REUSE_AOT:-0}" '
  /^```bash[[:space:]]*$/ { inblock = 1; first = 1; start = NR; buf = ""; board = 0; cont = 0; next }
  inblock && /^```[[:space:]]*$/ {
    inblock = 0
    if (board) { printf "echo \"== README.md line %d: board-only block, skipped\"\n", start }
    else { printf "echo \"== README.md line %d\"\n%s", start, buf }
    next
  }
  inblock {
    line = $0
    if (first) { first = 0; if (line ~ /^#[[:space:]]*board-only/) board = 1 }
    if (cont) { cont = (line ~ /\\$/); next }                       # continuation of a skipped line
    if (line ~ /#[[:space:]]*board-only[[:space:]]*$/ || (skip != "" && line ~ skip)) {
      cont = (line ~ /\\$/)
      q = "\047"; gsub(q, "", line)                                  # shown in single quotes, as text
      buf = buf "echo " q "   skipped: " line q "\n"
      next
    }
    if (reuse == "1" && line ~ /^\.\/build-aot\.sh( --release)?( linux-(arm64|x64))+[[:space:]]*(#.*)?$/) sub(/^\.\/build-aot\.sh/, "readme_build_aot", line)
    buf = buf line "\n"
  }
' "$root/README.md" >"$tmp/body.sh"
blocks=$(grep -c '^echo "== README.md line' "$tmp/body.sh")
skipped=$(grep -c 'board-only block, skipped\|   skipped: ' "$tmp/body.sh" || true)
echo "readme-test: ${commit:0:7}, $blocks blocks from README.md ($skipped blocks/lines skipped), budget $budget s, in $tmp/repo"

cat >"$tmp/run.sh" <<PRELUDE
set -eo pipefail
cd "$tmp/repo"
# Reuse of this tree's NativeAOT builds (README_TEST_REUSE_AOT=1): only binaries built from commit $commit.
readme_build_aot() {
  local release=0 rid ok=1
  [ "\${1:-}" = --release ] && { release=1; shift; }
  for rid in "\$@"; do
    grep -qa "$commit" "$root/artifacts/\$rid/edge-attention" 2>/dev/null || ok=0
    [ "\$rid" != linux-x64 ] || grep -qa "$commit" "$root/artifacts/\$rid/edge-attention-v3" 2>/dev/null || ok=0
  done
  if [ \$ok = 1 ]; then
    for rid in "\$@"; do mkdir -p artifacts; rm -rf "artifacts/\$rid"; cp -r "$root/artifacts/\$rid" "artifacts/\$rid"; done
    echo "   (README_TEST_REUSE_AOT: artifacts/\$* copied from $root, built from this commit)"
    [ \$release = 0 ] || tools/release-bundle.sh "\$@"
  else
    echo "   (README_TEST_REUSE_AOT: no build of this commit in $root/artifacts; building, sysroot cache reused)"
    EA_SYSROOT_CACHE="$root/artifacts/.sysroot" ./build-aot.sh \$( [ \$release = 1 ] && echo --release ) "\$@"
  fi
}
PS4='+ '
set -x
PRELUDE
cat "$tmp/body.sh" >>"$tmp/run.sh"
if [ "$dry" = 1 ]; then cat "$tmp/run.sh"; exit 0; fi

nuget=${NUGET_PACKAGES:-$HOME/.nuget/packages}
rm -rf "$nuget/edgeattention.convert"
set +e
HOME="$tmp/home" NUGET_PACKAGES="$nuget" DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 \
  timeout --foreground "$budget" bash "$tmp/run.sh"
rc=$?
set -e
elapsed=$(( $(date +%s) - start ))
if [ $rc -eq 124 ]; then echo "readme-test: FAIL: over the $budget s budget ($elapsed s)"; exit 1; fi
if [ $rc -ne 0 ]; then echo "readme-test: FAIL (exit $rc, $elapsed s): the last command above failed as written in README.md"; exit 1; fi
echo "readme-test: PASS ($elapsed s, $blocks blocks)"
