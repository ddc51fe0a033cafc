#!/usr/bin/env bash
# Runs one harness target under libFuzzer through the libfuzzer-dotnet driver, in structured mode over the corpus
# seeds, for a bounded time.
#
# Usage: fuzz/libfuzzer.sh TARGET [SECONDS] [LIBFUZZER-FLAG...]
#   TARGET   check | info | journal | fc | replay | compat
#   SECONDS  -max_total_time (default 60; 0 = until Ctrl-C); further arguments go to libFuzzer as they are
# Environment:
#   FUZZ_OUT              output folder (default ./libfuzzer-out); this target's corpus and crashes go to $FUZZ_OUT/TARGET
#   LIBFUZZER_DOTNET_SRC  libfuzzer-dotnet.cc or a checkout holding it (default: a clone at the pinned commit)
#   CXX                   clang++ with libFuzzer (default clang++; Debian: apt-get install clang libclang-rt-dev)
set -euo pipefail

usage() { sed -n '4,12p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
target=${1:-}
seconds=${2:-60}
case "$target" in check | info | journal | fc | replay | compat) ;; *) usage ;; esac
[[ $seconds =~ ^[0-9]+$ ]] || usage
shift $(($# < 2 ? $# : 2))

# The driver's source, pinned: it is the other half of SharpFuzz's libFuzzer protocol.
driver_repo=https://github.com/Metalnem/libfuzzer-dotnet
driver_commit=6a629972f570da2dc9d67d122b4e2071b8b88afa

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(dirname "$here")
mkdir -p "${FUZZ_OUT:-./libfuzzer-out}"
out="$(cd "${FUZZ_OUT:-./libfuzzer-out}" && pwd)/$target"
cxx=${CXX:-clang++}

if ! command -v "$cxx" >/dev/null 2>&1; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "libfuzzer.sh: $cxx is missing; install it as root: apt-get install clang libclang-rt-dev" >&2
    exit 1
  fi
  echo "libfuzzer.sh: installing clang and its libFuzzer runtime (apt-get)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clang libclang-rt-dev >/dev/null
fi

# shellcheck source=harness.sh
. "$here/harness.sh"

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

src=${LIBFUZZER_DOTNET_SRC:-}
if [ -z "$src" ]; then
  git clone -q "$driver_repo" "$scratch/libfuzzer-dotnet"
  git -C "$scratch/libfuzzer-dotnet" checkout -q "$driver_commit"
  src=$scratch/libfuzzer-dotnet
fi
[ -d "$src" ] && src=$src/libfuzzer-dotnet.cc
echo "libfuzzer.sh: building the driver from $src"
"$cxx" -O2 -fsanitize=fuzzer "$src" -o "$scratch/libfuzzer-dotnet"

echo "libfuzzer.sh: publishing the harness and instrumenting Ext4Codec.Runtime.dll"
publish_instrumented "$scratch/bin"

# The driver execs its target with one argument at most, so the harness's command line goes in a script.
printf '#!/bin/sh\nexec %s --libfuzzer\n' "$(printf '%q ' "$scratch/bin/ext4codec-fuzz" "$target" --structured "${seeds[@]}")" >"$scratch/target.sh"
chmod +x "$scratch/target.sh"

mkdir -p "$out/corpus"
# seeds.txt records which image each seed index names (a folder that gains an image shifts the indices).
"$scratch/bin/ext4codec-fuzz" "$target" --structured "${seeds[@]}" --make-inputs "$out/corpus" >"$out/seeds.txt"

limit=()
[ "$seconds" -gt 0 ] && limit=(-max_total_time="$seconds")
echo "libfuzzer.sh: libFuzzer on '$target' for ${seconds}s; corpus and crashes in $out"
status=0
# Structured inputs mean at most 11 bytes (StructuredInput), so longer ones only waste the engine's effort.
"$scratch/libfuzzer-dotnet" --target_path="$scratch/target.sh" -max_len=16 -timeout=25 -dict="$here/ext4.dict" \
  -artifact_prefix="$out/" "${limit[@]}" "$@" "$out/corpus" || status=$?

replay=$(printf '%q ' dotnet run -c Release --project "$here/Ext4Codec.Fuzz" -- "$target" --structured "${seeds[@]}" --replay)
crashes=$(find "$out" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' \) | wc -l)
echo "libfuzzer.sh: $crashes saved crashes and timeouts in $out"
[ "$crashes" -gt 0 ] && echo "libfuzzer.sh: replay one with: ${replay}$out/crash-..."
exit "$status"
