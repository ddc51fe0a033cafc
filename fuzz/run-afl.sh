#!/usr/bin/env bash
# Runs one harness target under AFL++ in structured mode (inputs drive the structure-aware mutator over the corpus
# seeds), for a bounded time.
#
# Usage: fuzz/run-afl.sh TARGET [SECONDS]
#   TARGET   check | info | journal | fc | replay | compat
#   SECONDS  how long afl-fuzz runs (default 60; 0 = until Ctrl-C)
# Environment:
#   FUZZ_OUT        output folder (default ./afl-out); this target's run goes to $FUZZ_OUT/TARGET
#   FUZZ_TIMEOUT_MS per-input timeout (default 10000: the harness is one .NET process, a hang costs a restart)
#   FUZZ_RESUME=1   continue an earlier run in $FUZZ_OUT/TARGET instead of starting over
# Needs afl-fuzz (Debian package afl++, installed here when missing and running as root) and the .NET SDK.
set -euo pipefail

usage() { sed -n '4,11p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
target=${1:-}
seconds=${2:-60}
case "$target" in check | info | journal | fc | replay | compat) ;; *) usage ;; esac
[[ $seconds =~ ^[0-9]+$ ]] || usage

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(dirname "$here")
mkdir -p "${FUZZ_OUT:-./afl-out}"
out="$(cd "${FUZZ_OUT:-./afl-out}" && pwd)/$target"

if ! command -v afl-fuzz >/dev/null 2>&1; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "run-afl.sh: afl-fuzz is missing; install it as root: apt-get install afl++" >&2
    exit 1
  fi
  echo "run-afl.sh: installing afl++ (apt-get)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq afl++ >/dev/null
fi

# shellcheck source=harness.sh
. "$here/harness.sh"

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

echo "run-afl.sh: publishing the harness and instrumenting Ext4Codec.Runtime.dll"
publish_instrumented "$scratch/bin"
harness=("$scratch/bin/ext4codec-fuzz" "$target" --structured "${seeds[@]}")

resume=${FUZZ_RESUME:-0}
if [ "$resume" != 1 ]; then
  # An earlier run's findings are kept beside the new run, never deleted.
  [ -e "$out" ] && mv "$out" "$out.$(date +%Y%m%d-%H%M%S)"
  mkdir -p "$out"
  # seeds.txt records which image each seed index names: a folder that gains an image shifts the indices.
  "${harness[@]}" --make-inputs "$out/inputs" >"$out/seeds.txt"
fi

replay=$(printf '%q ' dotnet run -c Release --project "$here/Ext4Codec.Fuzz" -- "$target" --structured "${seeds[@]}" --replay)
printf '#!/usr/bin/env bash\n# Replays saved findings (or the inputs given) through the uninstrumented harness.\nset -euo pipefail\n[ $# -gt 0 ] || set -- %q %q\nexec %s"$@"\n' \
  "$out/default/crashes" "$out/default/hangs" "$replay" >"$out/replay.sh"
chmod +x "$out/replay.sh"

# AFL_SKIP_BIN_CHECK: a .NET app carries no AFL instrumentation marker. The fork server starts after the seeds
# are loaded, hence the long init timeout. The CPU-frequency, core-pattern and affinity checks do not apply in
# containers and CI.
export AFL_SKIP_BIN_CHECK=1 AFL_FORKSRV_INIT_TMOUT=120000 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1
[ -t 1 ] || export AFL_NO_UI=1
limit=()
[ "$seconds" -gt 0 ] && limit=(-V "$seconds")
input=(-i "$out/inputs")
[ "$resume" = 1 ] && input=(-i -)

echo "run-afl.sh: afl-fuzz on '$target' for ${seconds}s; output in $out"
status=0
afl-fuzz "${input[@]}" -o "$out" -t "${FUZZ_TIMEOUT_MS:-10000}" -m none -x "$here/ext4.dict" "${limit[@]}" -- "${harness[@]}" || status=$?

stats="$out/default/fuzzer_stats"
if [ -f "$stats" ]; then
  grep -E '^(run_time|execs_done|execs_per_sec|corpus_count|saved_crashes|saved_hangs|bitmap_cvg|stability) ' "$stats" || true
fi
crashes=$(find "$out/default/crashes" "$out/default/hangs" -type f -name 'id:*' 2>/dev/null | wc -l)
echo "run-afl.sh: $crashes saved crashes and hangs under $out/default/{crashes,hangs}"
[ "$crashes" -gt 0 ] && echo "run-afl.sh: replay them with: $out/replay.sh   (or: ${replay}FILE...)"
exit "$status"
