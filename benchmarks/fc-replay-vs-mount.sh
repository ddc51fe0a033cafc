#!/usr/bin/env bash
# Times fast-commit replay: `ext4codec replay` (jbd2 log + fast commits, written to a new image) against the
# kernel's own replay, i.e. `mount -o loop` of a copy of the same crash image (jbd2 recovery and ext4 fast-commit
# replay run inside mount) followed by umount. Several rounds each, median wall time per image, on the images of
# corpus/fc (or the .img.gz files given as arguments).
#
# Both sides start from a decompressed copy in page cache; copying is outside the timings. The ext4codec side is
# timed twice: the whole CLI process (start-up included) and the replay alone (`replay --json` elapsed_ms).
# Needs root and loop devices (for the kernel side); mounts only its own copies and always detaches them.
# Usage: benchmarks/fc-replay-vs-mount.sh [rounds=7] [image.img.gz ...]
set -euo pipefail
export LC_ALL=C
here=$(cd "$(dirname "$0")/.." && pwd)
rounds=${1:-7}
shift || true
images=("$@")
[ ${#images[@]} -gt 0 ] || images=("$here"/corpus/fc/*.img.gz)
[ "$(id -u)" -eq 0 ] || { echo "needs root (the kernel side loop-mounts copies)" >&2; exit 2; }

work=$(mktemp -d)
mnt="$work/mnt"
mkdir -p "$mnt"
cleanup() {
  mountpoint -q "$mnt" && umount "$mnt" || true
  rm -rf "$work"
}
trap cleanup EXIT

# The native (ahead-of-time compiled) CLI, as a user timing replay would install it.
echo "publishing the native ext4codec ..." >&2
build_log=$(dotnet publish "$here/runtime/Ext4Codec.Cli" -c Release -r linux-x64 -p:Aot=true -nologo -o "$work/aot" 2>&1) || { echo "$build_log" >&2; exit 1; }
cli="$work/aot/ext4codec"

now() { date +%s%N; }
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
ms() { awk -v ns="$1" 'BEGIN { printf "%.1f", ns / 1e6 }'; }

printf '%-20s %8s %12s %12s %12s %s\n' image records "cli ms" "replay ms" "mount ms" "kernel mount"
for gz in "${images[@]}"; do
  name=$(basename "$gz" .img.gz)
  gunzip -c "$gz" > "$work/crash.img"
  cli_ns=() replay_ms=() mount_ns=() kernel=ok records=-
  for ((r = 0; r < rounds; r++)); do
    rm -f "$work/out.img"
    t0=$(now)
    "$cli" replay "$work/crash.img" -o "$work/out.img" --json > "$work/replay.json" || true
    t1=$(now)
    cli_ns+=($((t1 - t0)))
    replay_ms+=("$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d.get("elapsed_ms", "nan"))' "$work/replay.json")")
    records=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d.get("fc_records", "-"))' "$work/replay.json")

    cp --sparse=always "$work/crash.img" "$work/copy.img"
    sync -f "$work/copy.img"
    t0=$(now)
    if mount -t ext4 -o loop "$work/copy.img" "$mnt" 2>/dev/null; then
      umount "$mnt"
    else
      kernel=FAILED
    fi
    t1=$(now)
    mount_ns+=($((t1 - t0)))
  done
  printf '%-20s %8s %12s %12s %12s %s\n' "$name" "$records" \
    "$(ms "$(printf '%s\n' "${cli_ns[@]}" | median)")" \
    "$(printf '%s\n' "${replay_ms[@]}" | median)" \
    "$(ms "$(printf '%s\n' "${mount_ns[@]}" | median)")" "$kernel"
done
