#!/usr/bin/env bash
# Makes corpus/compat/: the ground truth behind `ext4codec compat` (issue 6) — what the running kernel and the local
# e2fsck really do with images written under each format proposal, beside what the reader profiles predict.
#
# It writes
#   base.img.gz        the scenario's starting point: a clean 16 MiB ext4 (4k blocks, metadata_csum, 64bit,
#                      fast_commit, a 4 MiB journal with a 256 KiB fast-commit area) holding empty /upper and /work,
#                      made by mke2fs and debugfs with fixed UUID, hash seed and time: byte-for-byte reproducible
#   VARIANT.img.gz     four of the variants, as fuzzing seeds that carry each proposal's records (fc_feature-gated-later,
#                      sb_incompat-gated-later, static_whiteout-later, CREAT_DEV-ungated-later)
#   variants.sha256    sha256 of each scenario variant `ext4codec compat base.img --write-scenarios` writes from it
#                      (today, fc_feature / sb_incompat gated or not with the whiteouts in the first or a later commit,
#                      static_whiteout): the writer is deterministic, so tests rewrite the variants and check these
#   observations.tsv   one line per variant and oracle (compat --observe): the prediction made with the profile that
#                      describes the running kernel / local e2fsck, what the live system did, and its messages:
#                        mount             a read-write loop mount of a copy: outcome, character devices 0:0 in
#                                          /upper (stat), lower files an overlay with upperdir=/upper hides
#                        e2fsck -fn        exit code
#                        e2fsck -fy        refused (unsupported features) or checks, journal recovery (none,
#                                          recovered, failed:ERRNO), whiteouts left in /upper (debugfs)
#                        replay+mount, replay+e2fsck -fn   the same on `ext4codec replay --proposal P` of the variant
#                      then the same for kernel-today.img (variant "kernel-today"). Lines starting with # name the
#                      kernel and e2fsck observed.
#   kernel-today.img.gz   the standard scenario done by the running kernel through real overlayfs, crashed: a copy
#                      of base.img mounted (commit=600,noatime), a first full commit, overlayfs with lowerdir = a
#                      scratch directory holding a, b, c, upperdir=/upper, workdir=/work; create n + fsync; mv b a;
#                      rm c; append + fsync of /anchor; xfs_io shutdown; copy (format-notes §9)
#   kernel-today.fcinfo   /proc/fs/ext4/<loop>/fc_info before the overlay steps and at the crash
#   static-whiteout-fc.tsv  whether a link to one shared character device 0:0 (proposal static_whiteout's whiteout)
#                      is fast-commit eligible today: fc_info's fast-commit and ineligible counts and reasons before
#                      and after each operation (each followed by an append + fsync of a regular file), beside a
#                      link to a regular file and a mknod of a whiteout
#
# Usage: make-compat-images.sh   (root; builds the CLI with dotnet)
# Needs: root, loop devices, a kernel with ext4 fast commit and overlayfs, e2fsprogs, xfsprogs (xfs_io), util-linux,
# coreutils, gzip, the .NET SDK. Mounts only its own scratch copies and always unmounts and detaches them.
set -euo pipefail
export LC_ALL=C
umask 022
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
outdir="$here/compat"
work=$(mktemp -d)
mnt="$work/mnt" ovl="$work/ovl" lower="$work/lower"
loopdev=""
cleanup() {
    local rc=$?
    set +e
    if mountpoint -q "$ovl"; then umount "$ovl"; fi
    if mountpoint -q "$mnt"; then umount "$mnt"; fi
    if [ -n "$loopdev" ]; then losetup -d "$loopdev"; loopdev=""; fi
    rm -rf "$work"
    exit $rc
}
trap cleanup EXIT
trap "exit 130" INT TERM HUP
set -E; trap 'echo "make-compat-images: failed at line $LINENO: $BASH_COMMAND" >&2' ERR

die() { echo "make-compat-images: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "must run as root (loop mounts, overlayfs, xfs_io shutdown, /proc/fs/ext4)"
need() { command -v "$1" >/dev/null || die "missing tool: $1 (install the $2 package)"; }
need xfs_io xfsprogs
for t in mke2fs e2fsck debugfs; do need $t e2fsprogs; done
for t in losetup mount umount mountpoint; do need $t "util-linux (or mount)"; done
for t in gzip sha256sum stat dotnet; do need $t "coreutils/gzip/dotnet-sdk"; done
[ -e /sys/fs/ext4/features/fast_commit ] || die "this kernel's ext4 has no fast_commit support"
mkdir -p "$mnt" "$ovl" "$lower" "$outdir"

echo "== building ext4codec"
dotnet build "$repo/runtime/Ext4Codec.Cli" -c Release -v quiet -nologo >/dev/null
codec="$repo/runtime/Ext4Codec.Cli/bin/Release/net10.0/ext4codec"

# ---------------------------------------------------------------- base image
echo "== base.img"
export E2FSPROGS_FAKE_TIME=1262304000   # 2010-01-01 UTC, for mke2fs and debugfs alike
base="$work/base.img"
truncate -s 16M "$base"
mke2fs -q -F -t ext4 -b 4096 -I 256 -i 4096 -O metadata_csum,64bit,fast_commit -J size=4,fast_commit_size=256 \
    -L compat -U 5c1a7e00-c0a7-4c0d-8e11-000000000001 \
    -E lazy_itable_init=0,lazy_journal_init=0,nodiscard,hash_seed=9b3e51d2-c0a7-4a7b-b6c4-000000000001 "$base"
# debugfs rather than mke2fs -d, which copies the source directories' ctime
for d in upper work; do debugfs -w -R "mkdir $d" "$base" >/dev/null 2>&1; done
unset E2FSPROGS_FAKE_TIME
[ "$(e2fsck -fn "$base" >/dev/null 2>&1; echo $?)" = 0 ] || die "the base image is not clean"
for f in a b c; do echo "lower $f" > "$lower/$f"; done

fcinfo() { cat "/proc/fs/ext4/${loopdev#/dev/}/fc_info"; }
fsync() { xfs_io -c fsync "$1"; }
anchor() { echo "$1" >> "$mnt/anchor"; fsync "$mnt/anchor"; }

# mount_copy IMG: loop-mounts IMG at $mnt as the fast-commit workloads do, with a first full commit done
mount_copy() {
    loopdev=$(losetup --find --show "$1")
    mount -t ext4 -o rw,commit=600,noatime "$loopdev" "$mnt"
    touch "$mnt/anchor"; sync -f "$mnt"
}
release() {
    if mountpoint -q "$ovl"; then umount "$ovl"; fi
    umount "$mnt"; losetup -d "$loopdev"; loopdev=""
}

# ---------------------------------------------------------------- kernel-today
echo "== kernel-today.img"
today="$work/kernel-today.img"
cp --sparse=always "$base" "$work/today.live"
mount_copy "$work/today.live"
{ echo "# before the overlay steps"; fcinfo; } > "$work/kernel-today.fcinfo"
mount -t overlay overlay -o "lowerdir=$lower,upperdir=$mnt/upper,workdir=$mnt/work" "$ovl"
echo "new n" > "$ovl/n"; fsync "$ovl/n"
mv "$ovl/b" "$ovl/a"
rm "$ovl/c"
anchor "whiteouts"
{ echo "# at the crash"; fcinfo; } >> "$work/kernel-today.fcinfo"
xfs_io -x -c shutdown "$mnt"
cp --sparse=always "$work/today.live" "$today"
release
rm -f "$work/today.live"

# ---------------------------------------------------------------- static whiteout eligibility
echo "== static-whiteout-fc.tsv"
cp --sparse=always "$base" "$work/sw.img"
mount_copy "$work/sw.img"
mknod "$mnt/shared-whiteout" c 0 0
echo "regular" > "$mnt/regular"
sync -f "$mnt"                       # both on disk through a full commit: only the links below are new
# counts: "N commits" and "N ineligible" of fc stats, then every reason with a non-zero count
counts() {
    fcinfo | awk '/ commits$/ { c = $1 } / ineligible$/ { i = $1 }
        /^"/ { split($0, p, "\t"); gsub(/^"|":$/, "", p[1]); if (p[2] + 0 > 0) r = r (r == "" ? "" : ",") p[1] "=" p[2] }
        END { printf "%s\t%s\t%s\n", c, i, (r == "" ? "-" : r) }'
}
measure() {
    local what=$1 before after
    shift
    before=$(counts)
    "$@"
    anchor "$what"
    after=$(counts)
    printf '%s\t%s\t%s\n' "$what" "$before" "$after"
}
{
    echo "# Linux $(uname -r): fc_info counts around each operation, each followed by an append + fsync of /anchor"
    printf 'operation\tcommits_before\tineligible_before\treasons_before\tcommits_after\tineligible_after\treasons_after\n'
    measure "link to a regular file" ln "$mnt/regular" "$mnt/upper/regular-link"
    measure "link to the shared whiteout (c 0:0)" ln "$mnt/shared-whiteout" "$mnt/upper/b"
    measure "mknod of a whiteout (c 0:0)" mknod "$mnt/upper/c" c 0 0
} > "$work/static-whiteout-fc.tsv"
release
rm -f "$work/sw.img"

# ---------------------------------------------------------------- predictions against observations
echo "== observations.tsv"
"$codec" compat "$base" --write-scenarios "$work/sc" --observe > "$work/compat.txt" || true
"$codec" compat "$today" --no-scenario --write-scenarios "$work/today" --observe > "$work/today.txt" || true
{
    echo "# Linux $(uname -r), $(e2fsck -V 2>&1 | head -1)"
    cat "$work/sc/observations.tsv"
    tail -n +2 "$work/today/observations.tsv"
} > "$work/observations.tsv"
(cd "$work/sc" && sha256sum -- *.img) > "$work/variants.sha256"

gzip -9n < "$base" > "$outdir/base.img.gz"
gzip -9n < "$today" > "$outdir/kernel-today.img.gz"
for v in fc_feature-gated-later sb_incompat-gated-later static_whiteout-later CREAT_DEV-ungated-later; do
    gzip -9n < "$work/sc/$v.img" > "$outdir/$v.img.gz"
done
cp "$work/kernel-today.fcinfo" "$work/static-whiteout-fc.tsv" "$work/observations.tsv" "$work/variants.sha256" "$outdir/"
disagree=$(awk -F'\t' '!/^#/ && NR > 2 && $6 != "yes"' "$outdir/observations.tsv" | wc -l)
echo "wrote $outdir: $(grep -vc '^#' "$outdir/observations.tsv") lines of observations ($disagree disagreeing)"
