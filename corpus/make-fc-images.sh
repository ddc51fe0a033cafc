#!/usr/bin/env bash
# Makes corpus/fc/: small ext4 images whose journals hold *un-replayed fast commits* written by the running Linux
# kernel, plus the kernel's own replay of each image as ground truth for a fast-commit reader/replayer.
#
# Method (format-notes.md section 9): mke2fs -O fast_commit, loop mount with commit=600,noatime (no periodic full
# commit), some files made before a first full commit (touch + sync -f: the first fsync after mount is never fast),
# then a workload in which every step ends with an fsync of a regular file (only that makes a fast commit; after
# link/unlink/rename/mkdir ... an "anchor" file is appended to and fsynced). Then a crash: `xfs_io -x -c shutdown`
# (no -f: nothing more is committed) and a copy of the backing file taken after the shutdown and before umount.
# The copy must have needs_recovery, a journal superblock with s_start != 0 and the jbd2 fast-commit feature,
# else the variant fails.
#
# For each variant <name> it writes
#   <name>.img.gz      the crash image (16 MiB sparse, before any replay), gzip -9n
#   <name>.tree        the tree the kernel shows after its own replay (a copy of the crash image mounted rw, so jbd2
#                      replays the log and ext4 the fast commits), LC_ALL=C sorted, tab-separated:
#                        path type mode uid gid nlink size rdev inode content
#                      path: "/" for the root, else "/dir/name"; type: f d l c b p s; mode: 4 octal digits;
#                      rdev: major:minor in decimal (0:0 unless c/b); content: sha256 of a regular file's bytes,
#                      a symlink's target, "-" otherwise. (Same format as corpus/kernel/*.tree.)
#   <name>.live.tree   the same dump of the live fs just before the crash: every workload step ended in an fsync, so
#                      any difference from <name>.tree is a replay deviation (or data not covered by an fsync)
#   <name>.mount-error instead of <name>.tree when the kernel could not mount (replay) the copy: mount's stderr and
#                      the kernel messages for the loop device
#   <name>.dmesg       kernel messages for the loop device from the replay mount to its umount (no timestamps)
#   <name>.fsck        e2fsck -fn of the kernel-replayed copy (after umount), then "exit N"
#   <name>.logdump     debugfs -R "logdump -aS" of the crash image: journal superblock, the normal log with all
#                      descriptor tags, and the fast-commit area as tag lines (debugfs 1.47.0 goes on past the last
#                      valid TAIL through the first stale commit, unmarked, and stops at its TAIL; its "Fast commit
#                      length: 0" is wrong: s_num_fc_blks at jsb 0x54 holds the real count)
#   <name>.fcinfo      /proc/fs/ext4/<loop>/fc_info read just before the shutdown (fast commits, ineligible reasons)
# and MANIFEST.tsv: name, mkfs options, blocksize, workload, fast commits (fc_info), ineligible (fc_info), replay
# mount (ok/FAILED), kernel-replay e2fsck -fn exit, gz bytes, fast-commit tags counted in the logdump.
#
# Variants: fc-4k-basic, fc-1k-basic, fc-4k-nocsum, fc-4k-no64bit (file data workload: creates, appends, holes,
# fallocate + partial writes, keep-size fallocate, truncate, punch, zero range, a batch of creates in one commit),
# fc-4k-namespace (link, unlink, rename in/across dirs and over a file, mkdir, rmdir, O_TMPFILE + linkat, chmod/chown),
# fc-4k-dirreuse (rmdir then mkdir reusing the inode: a known 6.18 replay failure), fc-4k-tmpreuse (rmdir then an
# O_TMPFILE + linkat reusing the inode), fc-4k-inline (inline_data files and a dir, one growing out of the inode),
# fc-4k-stale (40 fast commits, a full commit, 5 fast commits: stale
# commits with an older tid follow the valid ones), fc-4k-overlay (overlayfs upper+work dirs on the ext4 with a lower
# dir on it too: copy-up, rename over a lower file, whiteouts). Details in the workload functions below.
# Usage: make-fc-images.sh [variant ...]   (no arguments: all variants)
#
# Needs: root, loop devices, a kernel with ext4 and fast commit (and overlay for fc-4k-overlay), e2fsprogs (mke2fs,
# e2fsck, debugfs, dumpe2fs), xfsprogs (xfs_io), util-linux (losetup, mount), coreutils, gzip. Mounts only its own
# scratch images (in a mktemp directory) and always unmounts them and detaches the loop devices it attached.
#
# Deterministic apart from what the kernel picks at run time: timestamps, inode generations, checksums covering them,
# block placement (pblk values in the logdump vary between runs), and the name of overlayfs's shared whiteout in
# ovlwork/work ("#<hex counter>"). UUIDs, hash seeds, labels, names, sizes, contents and inode numbers are fixed; the
# .tree files came out identical in two runs apart from that whiteout name.
set -euo pipefail
export LC_ALL=C
umask 022
here=$(cd "$(dirname "$0")" && pwd)
outdir="$here/fc"
work=$(mktemp -d)
mnt="$work/mnt"          # the ext4 fs being crashed
ovl="$work/ovl"          # overlayfs (fc-4k-overlay)
rmnt="$work/rmnt"        # the copy being replayed by the kernel
stage="$work/out"
loopdev="" rloopdev=""
cleanup() {
    local rc=$?
    set +e
    if mountpoint -q "$ovl"; then umount "$ovl"; fi
    if mountpoint -q "$mnt"; then umount "$mnt"; fi
    if mountpoint -q "$rmnt"; then umount "$rmnt"; fi
    if [ -n "$loopdev" ]; then losetup -d "$loopdev"; loopdev=""; fi
    if [ -n "$rloopdev" ]; then losetup -d "$rloopdev"; rloopdev=""; fi
    rm -rf "$work"
    exit $rc
}
trap cleanup EXIT
trap "exit 130" INT TERM HUP
set -E; trap 'echo "make-fc-images: failed at line $LINENO: $BASH_COMMAND" >&2' ERR
mkdir "$mnt" "$ovl" "$rmnt" "$stage"

die() { echo "make-fc-images: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "must run as root (loop mounts, xfs_io shutdown, /proc/fs/ext4)"
need() { command -v "$1" >/dev/null || die "missing tool: $1 (install the $2 package)"; }
need xfs_io xfsprogs
for t in mke2fs e2fsck debugfs dumpe2fs; do need $t e2fsprogs; done
for t in losetup mount umount mountpoint dmesg; do need $t "util-linux (or mount)"; done
for t in gzip sha256sum stat find xargs awk; do need $t "coreutils/findutils/gawk/gzip"; done
[ -e /sys/fs/ext4/features/fast_commit ] || die "this kernel's ext4 has no fast_commit support"
export E2FSPROGS_FAKE_TIME=1262304000   # mke2fs timestamps: 2010-01-01 UTC

# gen BYTES TAG: BYTES bytes of deterministic, compressible, line-numbered text.
gen() {
    (seq -f "$2 %07g the quick brown fox jumps over the lazy dog" 1 $(( $1 / 50 + 1 )) || true) | head -c "$1"
}
fs() { xfs_io -c fsync "$@"; }                          # fsync (of a regular file: a fast commit)
put() { gen "$2" "$3" > "$1"; fs "$1"; }                # put FILE BYTES TAG: create/overwrite + fsync
app() { gen "$2" "$3" >> "$1"; fs "$1"; }               # app FILE BYTES TAG: append + fsync
anchor() { echo "$1" >> "$mnt/anchor"; fs "$mnt/anchor"; }   # anchor STEP: make the previous steps fast-committed

# dump_tree ROOT OUT: the .tree file (format in the header)
. "$here/tree-dump.sh"

# kmsg_since MARK LOOPNAME UUID: kernel messages after the last line containing MARK that mention LOOPNAME (e.g.
# loop3, also as jbd2's "loop3-8"), without (un)mount lines of other filesystems (other processes may reuse the loop
# device name), plus ext4 "callbacks suppressed" notes (then lines are missing); timestamps stripped
kmsg_since() {
    dmesg --notime | awk -v mark="$1" 'index($0, mark) { n = 0; delete l; next } { l[++n] = $0 }
        END { for (i = 1; i <= n; i++) print l[i] }' |
        awk -v re="(^|[^a-z0-9])$2([^0-9]|\$)" -v u="$3" '
            /EXT4-fs.*callbacks suppressed/ { print; next }
            $0 ~ re && !(/mounted filesystem|unmounting filesystem/ && !index($0, u))' || true
}

# ---------------------------------------------------------------- workloads (r = the ext4 mount point)
# Each has a "pre" part (run before the first full commit, i.e. already on disk at the crash) and a "fc" part.

# file data: BS is the block size
basic_pre() {
    local r=$1
    mkdir "$r/pre" "$r/batch"
    gen 5000 old > "$r/pre/old"                      # appended to later (ADD_RANGE without CREAT)
    gen 20000 shrink > "$r/pre/shrink"               # truncated later (DEL_RANGE)
    gen 65536 punch > "$r/pre/punch"                 # punched and zero-ranged later
}
basic_fc() {
    local r=$1 bs=$2 i
    put "$r/new1" 10000 new1                                             # create
    app "$r/new1" 5000 "new1 appended"                                   # append
    gen 100 new2 > "$r/new2"; gen 3000 new3 > "$r/new3"; fs "$r/new3"   # two creates, one fsync
    app "$r/pre/old" 3000 "old appended"
    # holes: block 0, block 40, size 100 blocks
    xfs_io -f -c "pwrite -q -S 0x48 0 $bs" -c "pwrite -q -S 0x49 $(( 40 * bs )) $bs" -c "truncate $(( 100 * bs ))" \
        -c fsync "$r/holes"
    # fallocate (unwritten), then partial writes into it (splits into written/unwritten extents)
    xfs_io -f -c "falloc 0 256k" -c fsync "$r/prealloc"
    xfs_io -c "pwrite -q -S 0x50 64k 4096" -c "pwrite -q -S 0x51 200000 100" -c fsync "$r/prealloc"
    # keep-size fallocate: unwritten extent past EOF
    xfs_io -f -c "pwrite -q -S 0x4b 0 1000" -c "falloc -k 0 64k" -c fsync "$r/keepsize"
    # truncate (shrink), a pre-existing and a new file
    xfs_io -c "truncate 5000" -c fsync "$r/pre/shrink"
    xfs_io -c "truncate 7000" -c fsync "$r/new1"
    # punch a hole, zero a range
    xfs_io -c "fpunch 16k 16k" -c fsync "$r/pre/punch"
    xfs_io -c "fzero 40k 8k" -c fsync "$r/pre/punch"
    # a batch of creates in one fast commit: spans several fc blocks (PAD); sync_range writes each file's data
    # (allocating its block) without a commit, so the INODE/ADD_RANGE tags of all 30 carry data
    for i in $(seq -w 1 30); do
        gen $(( 10#$i * 37 )) "batch$i" > "$r/batch/file$i"; xfs_io -c "sync_range -w 0 0" -c "sync_range -a 0 0" "$r/batch/file$i"
    done
    fs "$r/batch/file30"
    # rewrite in place, then a last append
    xfs_io -c "pwrite -q -S 0x52 0 100" -c fsync "$r/new2"
    app "$r/new2" 200 "new2 appended"
}

# namespace operations
namespace_pre() {
    local r=$1
    mkdir "$r/d1" "$r/d2" "$r/d1/sub-rm" "$r/d2/sub-rm2"
    for f in a b c x multi; do gen 700 "$f" > "$r/d1/$f"; done
    gen 900 victim > "$r/d2/victim"
}
namespace_fc() {
    local r=$1
    ln "$r/d1/a" "$r/d1/a.link";               anchor "link same dir"
    ln "$r/d1/a" "$r/d2/a.link2";              anchor "link across dirs"
    rm "$r/d1/b";                              anchor "unlink"
    mv "$r/d1/c" "$r/d1/c.renamed";            anchor "rename same dir"
    mv "$r/d1/c.renamed" "$r/d2/c.moved";      anchor "rename across dirs"
    mv "$r/d1/x" "$r/d2/victim";               anchor "rename over an existing file"
    gen 400 new > "$r/d1/new"; mv "$r/d1/new" "$r/d2/new.moved"; fs "$r/d2/new.moved"   # create + rename, one commit
    mkdir "$r/d3"; put "$r/d3/inside" 1234 inside                     # mkdir + create inside
    mkdir "$r/d3/nested";                      anchor "mkdir nested"
    # O_TMPFILE, written, then linkat(AT_EMPTY_PATH) into d2 and fsynced
    xfs_io -T -c "pwrite -q -S 0x54 0 3000" -c "flink $r/d2/tmpfile" -c fsync "$r/d2"
    rmdir "$r/d1/sub-rm";                      anchor "rmdir"
    ln "$r/d1/multi" "$r/d1/multi2"; rm "$r/d1/multi"; anchor "link then unlink the original"
    rm "$r/d1/a";                              anchor "unlink one of three links"
    chmod 0600 "$r/d2/c.moved"; chown 1000:1000 "$r/d2/victim"; anchor "chmod chown"
    rm "$r/d2/a.link2"; rmdir "$r/d2/sub-rm2"; put "$r/d2/last" 321 last   # unlink + rmdir + create, one commit
}

# rmdir, then mkdir that reuses the inode number (6.18: the kernel's replay may fail the mount)
dirreuse_pre() { mkdir "$1/old-dir"; gen 100 keep > "$1/keep"; }
dirreuse_fc() {
    local r=$1
    rmdir "$r/old-dir";   anchor "rmdir"
    mkdir "$r/new-dir";   anchor "mkdir (reuses the inode)"
    put "$r/new-dir/file" 500 file
}

# rmdir, then an O_TMPFILE linked in that reuses the inode number (6.18: the replayed dirent keeps the dir type,
# since LINK is replayed before the INODE tag that restores the mode)
tmpreuse_pre() { mkdir "$1/old-dir"; gen 100 keep > "$1/keep"; }
tmpreuse_fc() {
    local r=$1
    rmdir "$r/old-dir";   anchor "rmdir"
    xfs_io -T -c "pwrite -q -S 0x55 0 2000" -c "flink $r/tmpfile" -c fsync "$r"
    app "$r/tmpfile" 100 "tmpfile appended"
}

# inline data (4k blocks, 256-byte inodes: about 60 + 70 bytes fit in the inode)
inline_pre() { mkdir "$1/inl"; gen 40 presmall > "$1/inl/pre-small"; }
inline_fc() {
    local r=$1
    put "$r/inl/s1" 10 s1
    gen 59 s2 > "$r/inl/s2"; gen 60 s3 > "$r/inl/s3"; put "$r/inl/s4" 100 s4
    # shrinking s4 changes its system.data xattr: ineligible, so this fsync is a full commit (early on purpose:
    # the fast commits below start a new fc area)
    xfs_io -c "truncate 30" -c fsync "$r/inl/s4"
    app "$r/inl/s1" 20 "s1 appended"
    app "$r/inl/pre-small" 30 "pre appended"
    put "$r/inl/grows" 50 grows
    app "$r/inl/grows" 3000 "grows past the inode"         # converted from inline data to an extent
    mkdir "$r/inl/idir"; put "$r/inl/idir/f" 20 idir       # an inline directory
    put "$r/inl/empty-then-small" 0 x; app "$r/inl/empty-then-small" 5 tiny
}

# stale commits: LONG fast commits, a full commit (sync -f), SHORT fast commits
# htree directories: creates, unlinks and a link in an indexed directory (leaf splits), and a new directory that
# outgrows its first block, all in fast commits
htree_pre() {
    local i
    mkdir "$1/big"
    for i in $(seq 1 400); do : > "$1/big/pre-file-with-a-longer-name-$i"; done
}
htree_fc() {
    local r=$1 i
    for i in $(seq 1 200); do
        : > "$r/big/fc-created-entry-number-$i"     # empty: no data left behind unsynced
        if [ $(( i % 20 )) -eq 0 ]; then fs "$r/big/fc-created-entry-number-$i"; fi
    done
    for i in $(seq 1 50); do rm "$r/big/pre-file-with-a-longer-name-$i"; done; anchor htree-unlink
    ln "$r/big/fc-created-entry-number-7" "$r/big/hardlink-to-seven"; anchor htree-link
    mkdir "$r/grow"
    for i in $(seq 1 200); do : > "$r/grow/growing-directory-entry-$i"; done
    fs "$r/grow/growing-directory-entry-200"
}
stale_pre() { mkdir "$1/run1" "$1/run2"; }
stale_fc() {
    local r=$1 i
    for i in $(seq -w 1 40); do put "$r/run1/f$i" $(( 10#$i * 50 )) "run1 $i"; done
    sync -f "$r"
    for i in $(seq -w 1 5); do app "$r/run2/log" 300 "run2 $i"; done
}

# overlayfs: lower, upper and work dirs all on the ext4; the overlay is mounted before the first full commit. The
# workdir is /ovlwork (overlayfs makes ovlwork/work inside it).
overlay_pre() {
    local r=$1
    mkdir "$r/lower" "$r/upper" "$r/ovlwork" "$r/lower/ldir"
    for f in l1 l2 l3 l5; do gen 600 "$f" > "$r/lower/$f"; done
    gen 800 l4 > "$r/lower/ldir/l4"
    mount -t overlay overlay -o "lowerdir=$r/lower,upperdir=$r/upper,workdir=$r/ovlwork" "$ovl"
}
overlay_fc() {
    local r=$1
    # whiteouts and copy-ups: ineligible (char-device inodes, xattrs, directory rename), i.e. full commits
    put "$ovl/new1" 1000 new1                               # new upper file
    mv "$ovl/new1" "$ovl/l1"; anchor "ovl rename over a lower file"
    rm "$ovl/l2"; anchor "ovl unlink a lower file (whiteout linked to the shared one in ovlwork/work)"
    mv "$ovl/l3" "$ovl/l3.moved"; anchor "ovl rename a lower file (copy-up + RENAME_WHITEOUT)"
    app "$ovl/ldir/l4" 300 "l4 appended (copy-up of the dir and the file)"
    app "$ovl/l5" 100 "l5 appended (copy-up)"
    # then plain upper-layer work through the overlay: fast commits
    app "$ovl/l1" 500 "l1 appended"
    put "$ovl/new2" 2000 new2
    gen 700 new3 > "$ovl/new3"; mv "$ovl/new3" "$ovl/new3.renamed"; fs "$ovl/new3.renamed"
    put "$ovl/new4" 100 new4; rm "$ovl/new4"; anchor "ovl unlink an upper-only file"
    app "$ovl/ldir/l4" 200 "l4 appended again"
    mkdir "$ovl/newdir"; put "$ovl/newdir/f" 300 newdir
    ln "$ovl/new2" "$ovl/new2.link"; anchor "ovl link"
    rm "$ovl/new3.renamed"; anchor "ovl unlink"
}

# ---------------------------------------------------------------- one variant

# build NAME BLOCKSIZE "MKE2FS OPTIONS" WORKLOAD DESCRIPTION
build() {
    local name=$1 bs=$2 opts wl=$4 desc=$5 img="$work/$1.img" crash="$work/$1.crash" copy="$work/$1.copy"
    local lname rname mark rc fcs inel mountok=ok tags fsuuid
    opts=$(printf '%s ' $3); opts=${opts% }      # squeeze the spaces of the continued lines
    fsuuid=$(printf '%s\n' "$opts" | sed -n 's/.*-U \([^ ]*\).*/\1/p')
    echo "== $name"
    rm -f "$img" "$crash" "$copy"; truncate -s 16M "$img"
    # shellcheck disable=SC2086
    mke2fs -q -F -t ext4 -b "$bs" $opts "$img"
    loopdev=$(losetup --find --show "$img"); lname=${loopdev#/dev/}
    mount -t ext4 -o rw,commit=600,noatime "$loopdev" "$mnt"
    "${wl}_pre" "$mnt"
    touch "$mnt/anchor"; sync -f "$mnt"                # full commit; later fsyncs can be fast
    "${wl}_fc" "$mnt" "$bs"
    cat "/proc/fs/ext4/$lname/fc_info" > "$stage/$name.fcinfo"
    dump_tree "$mnt" "$stage/$name.live.tree"          # what the fsyncs made durable (reading commits nothing)
    xfs_io -x -c shutdown "$mnt"                       # crash: abort the journal, commit nothing more
    cp --sparse=always "$img" "$crash"                 # the power-cut image
    if mountpoint -q "$ovl"; then umount "$ovl"; fi
    umount "$mnt"; losetup -d "$loopdev"; loopdev=""
    rm -f "$img"

    # the crash image must need a replay and have a fast-commit journal
    dumpe2fs -h "$crash" > "$work/dumpe2fs" 2>/dev/null || die "$name: dumpe2fs failed"
    grep -E '^Filesystem features:' "$work/dumpe2fs" | grep -qw needs_recovery || die "$name: no needs_recovery"
    grep -E '^Filesystem features:' "$work/dumpe2fs" | grep -qw fast_commit || die "$name: no fast_commit feature"
    grep -Eq '^Journal start: +[1-9]' "$work/dumpe2fs" || die "$name: journal s_start is 0 (clean journal)"
    grep -E '^Journal features:' "$work/dumpe2fs" | grep -Eq 'FEATURE_I5|fast_commit' \
        || die "$name: the journal superblock lacks the fast-commit feature"
    debugfs -R "logdump -aS" "$crash" > "$stage/$name.logdump" 2>/dev/null || die "$name: debugfs logdump failed"
    grep -q '^\*\*\* Fast Commit Area \*\*\*' "$stage/$name.logdump" || die "$name: logdump shows no fast-commit area"
    grep -q '^tag TAIL' "$stage/$name.logdump" || die "$name: no fast commit (TAIL) in the fc area"
    if [ "$wl" = stale ]; then check_stale "$name"; fi

    # the kernel's replay, on a copy
    cp --sparse=always "$crash" "$copy"
    rloopdev=$(losetup --find --show "$copy"); rname=${rloopdev#/dev/}
    mark="make-fc-images[$$]: replay $name on $rname"
    sleep 5                                            # let ext4's message rate limit (10 per 5 s) recover
    echo "$mark" > /dev/kmsg
    if mount -t ext4 -o rw,noatime "$rloopdev" "$rmnt" 2> "$work/mount.err"; then
        dump_tree "$rmnt" "$stage/$name.tree"
        umount "$rmnt"
    else
        mountok=FAILED
        # the scratch mount point and loop device are this run's, not the image's: name them generically
        { echo "# mount -t ext4 -o rw,noatime of the crash image copy failed:"
          sed -e "s|$rmnt|<mnt>|g" -e "s|$rloopdev|/dev/loop#|g" "$work/mount.err"
          echo "# kernel messages:"; kmsg_since "$mark" "$rname" "$fsuuid"; } > "$stage/$name.mount-error"
        echo "   kernel replay mount FAILED (see $name.mount-error)"
    fi
    kmsg_since "$mark" "$rname" "$fsuuid" > "$stage/$name.dmesg"
    losetup -d "$rloopdev"; rloopdev=""
    if [ -f "$stage/$name.tree" ] && ! cmp -s "$stage/$name.live.tree" "$stage/$name.tree"; then
        echo "   kernel replay differs from the live tree:"
        diff "$stage/$name.live.tree" "$stage/$name.tree" | grep '^[<>]' | cut -f1-9 | sed 's/^/     /' || true
    fi
    rc=0; e2fsck -fn "$copy" > "$stage/$name.fsck" 2>&1 || rc=$?
    echo "exit $rc" >> "$stage/$name.fsck"
    rm -f "$copy"

    gzip -9n < "$crash" > "$stage/$name.img.gz"
    rm -f "$crash"
    fcs=$(sed -n 's/^\([0-9]*\) commits$/\1/p' "$stage/$name.fcinfo")
    inel=$(sed -n 's/^\([0-9]*\) ineligible$/\1/p' "$stage/$name.fcinfo")
    tags=$(fc_tags "$stage/$name.logdump")
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "-t ext4 -b $bs $opts" "$bs" "$desc" "$fcs" "$inel" \
        "$mountok" "$rc" "$(stat -c %s "$stage/$name.img.gz")" "$tags" >> "$stage/MANIFEST.rows"
    echo "   $(stat -c %s "$stage/$name.img.gz") bytes gz, $fcs fast commits, $inel ineligible, replay mount $mountok," \
        "e2fsck -fn exit $rc"
    echo "   tags: $tags"
}

# fc_tags LOGDUMP: "NAME=count ..." for the tag lines of the fast-commit area
fc_tags() {
    awk '/^\*\*\* Fast Commit Area \*\*\*/ { fc = 1; next }
         fc && /^tag / { t = $2; sub(/,$/, "", t); n[t]++ }
         END { split("HEAD INODE ADD_RANGE DEL_RANGE CREAT_DENTRY ADD_ENTRY DEL_ENTRY PAD TAIL", o, " ")
               s = ""; for (i = 1; i <= 9; i++) if (n[o[i]]) s = s (s == "" ? "" : " ") o[i] "=" n[o[i]]
               for (t in n) { k = 0; for (i = 1; i <= 9; i++) if (o[i] == t) k = 1; if (!k) s = s " " t "=" n[t] }
               print s }' "$1"
}

# check_stale NAME: after the last TAIL with the HEAD's tid there must be tags of an older fast-commit run
check_stale() {
    awk '/^\*\*\* Fast Commit Area \*\*\*/ { fc = 1; next }
         fc && /^tag HEAD/ { head = $NF }
         fc && /^tag / { n++; if ($2 ~ /^TAIL/ && $NF == head) last = n; if ($2 ~ /^TAIL/ && $NF != head) old++ }
         END { if (head == "" || last == 0 || n <= last || old == 0) exit 1 }' "$stage/$1.logdump" \
        || die "$1: no stale fast-commit tags (older tid) after the last valid TAIL"
}

# ---------------------------------------------------------------- variants
ext4=has_journal,ext_attr,resize_inode,dir_index,filetype,sparse_super,large_file,extent,flex_bg,huge_file,dir_nlink,extra_isize
common_e="lazy_itable_init=0,lazy_journal_init=0,nodiscard"
uuid=5c1a7e00-fc00-4c0d-8e11-00000000
seed=9b3e51d2-fc00-4a7b-b6c4-0000000000
# mkfs_opts FEATURES LABEL N: what every variant shares (256-byte inodes, a 4 MiB journal with a 256 KiB fast-commit
# area, fixed UUID and hash seed numbered N) around its own feature list and label
mkfs_opts() {
    echo "-I 256 -i 4096 -O none,$ext4,$1 -J size=4,fast_commit_size=256 -L $2 -U ${uuid}00$3 -E $common_e,hash_seed=${seed}$3"
}

variant() {
    local name=$1 basic="creates, appends, holes, fallocate + partial writes, keep-size falloc, truncate, punch, zero range, 30 creates in one commit"
    case "$name" in
    fc-4k-basic) build "$name" 4096 "$(mkfs_opts metadata_csum,64bit,fast_commit fc4basic 01)" basic "$basic" ;;
    fc-1k-basic) build "$name" 1024 "$(mkfs_opts metadata_csum,64bit,fast_commit fc1basic 02)" basic "fc-4k-basic's workload at 1k blocks" ;;
    fc-4k-namespace)
        build "$name" 4096 "$(mkfs_opts metadata_csum,64bit,fast_commit fc4ns 03)" namespace \
            "link, unlink, rename (same dir, across dirs, over a file), mkdir, rmdir, O_TMPFILE+linkat, chmod/chown" ;;
    fc-4k-dirreuse)
        build "$name" 4096 "$(mkfs_opts metadata_csum,64bit,fast_commit fc4reuse 04)" dirreuse \
            "rmdir of an old dir, then mkdir reusing its inode number, a file in it" ;;
    fc-4k-tmpreuse)
        build "$name" 4096 "$(mkfs_opts metadata_csum,64bit,fast_commit fc4tmpreuse 0a)" tmpreuse \
            "rmdir, then O_TMPFILE + linkat reusing the dir's inode number, then an append" ;;
    fc-4k-inline)
        build "$name" 4096 "$(mkfs_opts metadata_csum,64bit,inline_data,fast_commit fc4inline 05)" inline \
            "inline-data files created/appended/truncated, one growing into an extent, an inline dir" ;;
    fc-4k-stale)
        build "$name" 4096 "$(mkfs_opts metadata_csum,64bit,fast_commit fc4stale 06)" stale \
            "40 fast commits, sync -f (full commit), 5 fast commits: stale older-tid commits after the valid ones" ;;
    fc-4k-htree)
        build "$name" 4096 "$(mkfs_opts metadata_csum,64bit,fast_commit fc4htree 0b)" htree \
            "creates (leaf splits), unlinks and a link in an htree directory; a new directory outgrowing its first block" ;;
    fc-4k-nocsum) build "$name" 4096 "$(mkfs_opts 64bit,fast_commit fc4nocsum 07)" basic "fc-4k-basic's workload without metadata_csum" ;;
    fc-4k-no64bit) build "$name" 4096 "$(mkfs_opts metadata_csum,fast_commit fc4no64 08)" basic "fc-4k-basic's workload without 64bit" ;;
    fc-4k-overlay)
        grep -qw overlay /proc/filesystems || modprobe overlay 2>/dev/null || true
        grep -qw overlay /proc/filesystems || die "$name: the kernel has no overlayfs"
        build "$name" 4096 "$(mkfs_opts metadata_csum,64bit,fast_commit fc4ovl 09)" overlay \
            "overlay (lower/upper/ovlwork on this fs): new files, rename over a lower file, unlink + rename of lower files (whiteouts), copy-ups" ;;
    *) die "unknown variant $name" ;;
    esac
}

all="fc-4k-basic fc-1k-basic fc-4k-namespace fc-4k-dirreuse fc-4k-tmpreuse fc-4k-inline fc-4k-stale fc-4k-nocsum fc-4k-no64bit fc-4k-overlay fc-4k-htree"
if [ $# -gt 0 ]; then todo="$*"; else todo=$all; fi
start=$(date +%s)
for v in $todo; do variant "$v"; done
for v in $todo; do [ -f "$stage/$v.img.gz" ] || die "$v was not made"; done
if [ $# -eq 0 ]; then      # all variants together must show every fast-commit tag
    cat "$stage"/*.logdump | awk '/^\*\*\* Fast Commit Area/ { fc = 1; next } /^Journal starts/ { fc = 0 }
        fc && /^tag / { t = $2; sub(/,$/, "", t); print t }' | sort -u > "$work/alltags"
    for t in HEAD INODE ADD_RANGE DEL_RANGE CREAT_DENTRY ADD_ENTRY DEL_ENTRY PAD TAIL; do
        grep -qx "$t" "$work/alltags" || die "no variant has a $t fast-commit tag"
    done
fi

# install: the new files, and MANIFEST rows for the variants made now (rows of variants not remade are kept)
mkdir -p "$outdir"
for v in $todo; do rm -f "$outdir/$v".{img.gz,tree,live.tree,mount-error,dmesg,fsck,logdump,fcinfo}; done
rows="$stage/MANIFEST.rows"; touch "$rows"
{
    printf 'name\tmkfs options\tblocksize\tworkload\tfast commits\tineligible\treplay mount\te2fsck -fn exit after kernel replay\tgz bytes\tfc tags in logdump\n'
    {
        if [ $# -gt 0 ] && [ -f "$outdir/MANIFEST.tsv" ]; then
            tail -n +2 "$outdir/MANIFEST.tsv" | awk -F'\t' 'NR == FNR { made[$1] = 1; next } !($1 in made)' "$rows" -
        fi
        cat "$rows"
    } | sort -t "$(printf '\t')" -k1,1
} > "$stage/MANIFEST.tsv"
rm -f "$rows"
cp "$stage"/* "$outdir/"
echo "wrote $outdir: $(du -cb "$outdir"/* | tail -1 | cut -f1) bytes in all, $(( $(date +%s) - start )) s"
