#!/usr/bin/env bash
# Times `ext4codec check IMAGE` (the native, ahead-of-time compiled CLI) against `e2fsck -fn IMAGE` on a 4 GiB
# ext4 image holding about 200,000 inodes, alternating the two for several rounds in the same run; prints the
# median wall time of each, the median CPU time (user + sys, at /usr/bin/time's 10 ms resolution), the peak
# RSS (ours counts the image pages it maps) and the ratio ours / e2fsck of the median wall times.
#
# The image: a sparse 4 GiB file, `mke2fs -t ext4` with the default features and 4 KiB blocks (fixed UUID and
# hash seed; inode tables and journal initialised at mkfs time, so no lazy-init thread writes while it is
# mounted), loop-mounted and populated deterministically by one python3 process: 20 top directories x 10
# subdirectories x 900 entries, plus 2 directories of 10,000 entries (those 202 are htree directories),
# mostly empty files, 1 in 10 small (up to 3 KiB), 1 in 500 of 64 KiB..1 MiB, 4 fragmented 16 MiB files
# (depth-1 extent trees), fast and slow symlinks, hard links, in-inode and block xattrs: about 200,200 inodes
# in use of 262,144. Then umount, detach, and `e2fsck -fn` must pass (exit 0) before anything is timed.
#
# Warm cache: one untimed run of each tool first (it also checks that both find the image clean); then the
# rounds, both to /dev/null. The ratio compares whole processes (start-up included), as a user runs them.
# Needs root, loop devices, mke2fs/e2fsck/dumpe2fs, python3 and the .NET SDK (unless --cli is given).
#
# Usage: benchmarks/check-vs-e2fsck.sh [--rounds N] [--image PATH] [--rebuild] [--cli PATH]
#   --rounds N    timed rounds of each tool (default 5)
#   --image PATH  cached image (or $CHECK_BENCH_IMAGE): reused if it exists, else built there and kept, so
#                 rounds can be rerun quickly; without it the image is built in a temporary directory and deleted
#   --rebuild     build the cached image again even if it exists
#   --cli PATH    an already published native ext4codec (or $EXT4CODEC_CLI); default: publish one with
#                 `dotnet publish runtime/Ext4Codec.Cli -c Release -r linux-x64 -p:Aot=true`
set -euo pipefail
export LC_ALL=C
here=$(cd "$(dirname "$0")/.." && pwd)
rounds=5
image=${CHECK_BENCH_IMAGE:-}
cli=${EXT4CODEC_CLI:-}
rebuild=0
while [ $# -gt 0 ]; do
  case $1 in
    --rounds) rounds=$2; shift 2 ;;
    --image) image=$2; shift 2 ;;
    --rebuild) rebuild=1; shift ;;
    --cli) cli=$2; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done
[ "$(id -u)" -eq 0 ] || { echo "needs root (the image is populated through a loop mount)" >&2; exit 2; }
for tool in mke2fs e2fsck dumpe2fs losetup python3; do
  command -v "$tool" > /dev/null || { echo "needs $tool" >&2; exit 2; }
done

work=$(mktemp -d)
mnt="$work/mnt"
mkdir -p "$mnt"
loop=""
partial=""
cleanup() {
  if mountpoint -q "$mnt"; then umount "$mnt" || umount -l "$mnt" || true; fi
  if [ -n "$loop" ]; then losetup -d "$loop" || true; fi
  if [ -n "$partial" ]; then rm -f "$partial"; fi
  rm -rf "$work"
}
trap cleanup EXIT
trap "exit 130" INT TERM HUP

now() { date +%s%N; }
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
minimum() { sort -n | head -1; }
ms() { awk -v ns="$1" 'BEGIN { printf "%.1f", ns / 1e6 }'; }

# The tree, deterministic: the same names, sizes, contents, links and xattrs on every build.
cat > "$work/populate.py" <<'EOF'
import os, sys
root = sys.argv[1]
pattern = bytes((i * 131 + (i >> 8)) & 0xFF for i in range(1 << 20))
stats = {"dirs": 0, "files": 0, "symlinks": 0, "hardlinks": 0, "xattrs": 0, "bytes": 0}
serial = 0

def entry(d, i):
    global serial
    serial += 1
    n = serial
    name = os.path.join(d, "f%06d%s" % (i, "x" * (n % 23)))
    if n % 250 == 7:  # slow symlink: the target does not fit in i_block
        os.symlink("../" * 4 + "long-target-" + "y" * 80 + str(n), name); stats["symlinks"] += 1; return
    if n % 50 == 7:   # fast symlink
        os.symlink("../d%02d/s%d/f%06d" % (n % 20, n % 10, i), name); stats["symlinks"] += 1; return
    if n % 500 == 0:
        size = 65536 * (1 + (n // 500) % 16)
    elif n % 10 in (1, 2, 3):
        size = 1 + (n * 37) % 3000
    else:
        size = 0
    fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    if size:
        off = n % 4096
        os.write(fd, pattern[off:off + size]); stats["bytes"] += size
    os.close(fd)
    stats["files"] += 1
    if n % 1000 == 5:
        os.setxattr(name, "user.bench", b"v" * 32); stats["xattrs"] += 1
    if n % 5000 == 5:  # too big for the inode body: an xattr block
        os.setxattr(name, "user.big", pattern[:2000]); stats["xattrs"] += 1
    if n % 100 == 42:
        os.link(name, os.path.join(d, "h%06d" % i)); stats["hardlinks"] += 1

def mkdir(path):
    os.mkdir(path); stats["dirs"] += 1

for t in range(20):
    top = os.path.join(root, "d%02d" % t)
    mkdir(top)
    for s in range(10):
        sub = os.path.join(top, "s%d" % s)
        mkdir(sub)
        for i in range(900):
            entry(sub, i)
for b in range(2):
    big = os.path.join(root, "big%d" % b)
    mkdir(big)
    for i in range(10000):
        entry(big, i)

# Four 16 MiB files written in turn, 256 KiB at a time with a sync in between, so their extents interleave.
frag = os.path.join(root, "frag"); mkdir(frag)
fds = [os.open(os.path.join(frag, "z%d" % k), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644) for k in range(4)]
for chunk in range(64):
    for k, fd in enumerate(fds):
        off = (chunk * 4 + k) * 1024
        os.write(fd, pattern[off:off + 262144]); stats["bytes"] += 262144
        os.fsync(fd)
for fd in fds:
    os.close(fd)
stats["files"] += 4
print(" ".join("%s=%d" % kv for kv in stats.items()))
EOF

build_image() {
  local target=$1
  partial="$target.partial"
  rm -f "$partial"
  truncate -s 4G "$partial"
  mke2fs -q -F -t ext4 -b 4096 -U 6c0e2a4e-7f6b-4d0e-9b7a-4a5e2c1d3f10 \
    -E hash_seed=2f0b5c3a-1d4e-4f6a-8b9c-0d1e2f3a4b5c,lazy_itable_init=0,lazy_journal_init=0 "$partial"
  loop=$(losetup -f --show "$partial")
  mount -t ext4 "$loop" "$mnt"
  local t0 t1 t2
  t0=$(now)
  populated=$(python3 "$work/populate.py" "$mnt")
  t1=$(now)
  sync -f "$mnt"
  umount "$mnt"
  losetup -d "$loop"
  loop=""
  t2=$(now)
  echo "populated in $(ms $((t1 - t0))) ms (+ $(ms $((t2 - t1))) ms sync and umount): $populated" >&2
  mv "$partial" "$target"
  partial=""
}

if [ -n "$image" ]; then
  mkdir -p "$(dirname "$image")"
  if [ ! -f "$image" ] || [ "$rebuild" -eq 1 ]; then
    echo "building $image ..." >&2
    build_image "$image"
  else
    echo "reusing $image" >&2
  fi
else
  image="$work/check.img"
  echo "building a temporary image ..." >&2
  build_image "$image"
fi

# e2fsck must find the image clean before anything is timed (this also warms the cache for its side).
if ! e2fsck -fnv "$image" > "$work/e2fsck.txt" 2>&1; then
  cat "$work/e2fsck.txt" >&2
  echo "e2fsck -fn does not pass on $image; not timing" >&2
  exit 1
fi
dumpe2fs -h "$image" 2>/dev/null > "$work/sb.txt"
field() { awk -F: -v k="$1" '$1 == k { gsub(/^ +/, "", $2); print $2 }' "$work/sb.txt"; }
inodes=$(field "Inode count")
inodes_used=$((inodes - $(field "Free inodes")))
blocks=$(field "Block count")
blocks_used=$((blocks - $(field "Free blocks")))
stat_line() { awk -v k="$1" '$2 == k || ($2 " " $3) == k { print $1; exit }' "$work/e2fsck.txt"; }
echo "image: $image, $(du -h --apparent-size "$image" | cut -f1) ($(du -h "$image" | cut -f1) allocated), features: $(field "Filesystem features")"
echo "inodes: $inodes_used used of $inodes; blocks: $blocks_used used of $blocks (4 KiB)"
fast=$(sed -n 's/.*symbolic links (\([0-9]*\) fast.*/\1/p' "$work/e2fsck.txt")
depths=$(sed -n 's/.*Extent depth histogram: *//p' "$work/e2fsck.txt")
echo "e2fsck -fnv: $(stat_line "regular files") regular files, $(stat_line directories) directories, $(stat_line "symbolic links") symlinks ($fast fast), $(stat_line links) extra hard links, extent depth histogram $depths"

if [ -z "$cli" ]; then
  echo "publishing the native ext4codec ..." >&2
  build_log=$(dotnet publish "$here/runtime/Ext4Codec.Cli" -c Release -r linux-x64 -p:Aot=true -nologo -o "$work/aot" 2>&1) || { echo "$build_log" >&2; exit 1; }
  cli="$work/aot/ext4codec"
fi
[ -x "$cli" ] || { echo "no executable ext4codec at $cli" >&2; exit 2; }

# Warm-up: one untimed run of ours; it must find the image clean as e2fsck does.
ours_clean=yes
set +e
"$cli" check "$image" > "$work/ours.txt" 2>&1
rc=$?
set -e
if [ "$rc" -ne 0 ]; then
  ours_clean="NO (exit $rc)"
  echo "ext4codec check exits $rc on an image e2fsck -fn finds clean:" >&2
  head -20 "$work/ours.txt" >&2
fi

# One timed run: wall time from the shell; user + sys and peak RSS from /usr/bin/time when it is there.
run() {
  local out=$1; shift
  local t0 t1 rc
  t0=$(now)
  set +e
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -f '%U %S %M' -o "$work/rusage" "$@" > /dev/null 2>&1; rc=$?
  else
    "$@" > /dev/null 2>&1; rc=$?; echo "0 0 0" > "$work/rusage"
  fi
  set -e
  t1=$(now)
  echo "$((t1 - t0)) $(tail -n 1 "$work/rusage" | awk '{ printf "%d %d", ($1 + $2) * 1e9, $3 }') $rc" >> "$out"
}

for ((r = 0; r < rounds; r++)); do
  run "$work/ours.runs" "$cli" check "$image"
  run "$work/e2fsck.runs" e2fsck -fn "$image"
done

summary() { # file -> median wall ns, min wall ns, median cpu ns, max rss KiB, worst exit
  echo "$(cut -d' ' -f1 "$1" | median) $(cut -d' ' -f1 "$1" | minimum) $(cut -d' ' -f2 "$1" | median) $(cut -d' ' -f3 "$1" | sort -n | tail -1) $(cut -d' ' -f4 "$1" | sort -n | tail -1)"
}
read -r o_med o_min o_cpu o_rss o_rc <<< "$(summary "$work/ours.runs")"
read -r e_med e_min e_cpu e_rss e_rc <<< "$(summary "$work/e2fsck.runs")"
[ "$o_rc" -eq 0 ] || ours_clean="NO (exit $o_rc)"

echo
echo "$rounds rounds, alternating, warm cache"
printf '%-18s %12s %10s %12s %10s %s\n' tool "median ms" "min ms" "cpu ms" "RSS MiB" exit
printf '%-18s %12s %10s %12s %10s %s\n' "ext4codec check" "$(ms "$o_med")" "$(ms "$o_min")" "$(ms "$o_cpu")" "$((o_rss / 1024))" "$o_rc"
printf '%-18s %12s %10s %12s %10s %s\n' "e2fsck -fn" "$(ms "$e_med")" "$(ms "$e_min")" "$(ms "$e_cpu")" "$((e_rss / 1024))" "$e_rc"
awk -v o="$o_med" -v e="$e_med" 'BEGIN { printf "ratio ours / e2fsck (median wall): %.2f  (target <= 0.50)\n", o / e }'
echo "ext4codec finds the image clean: $ours_clean"
[ "$ours_clean" = yes ]
