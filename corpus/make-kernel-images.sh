#!/usr/bin/env bash
# Makes corpus/kernel/: small ext2/3/4 images whose contents were written by the running Linux kernel
# (mke2fs makes the empty filesystem, then every file, directory, xattr, hole, preallocation ... is created
# through a loop mount), plus the kernel's own view of each image as ground truth for a reader/validator.
#
# For each variant <name> it writes
#   <name>.img.gz   the image (sparse 16-32 MiB), gzip -9n
#   <name>.tree     one line per path, as the kernel shows it on a read-only mount, LC_ALL=C sorted, tab-separated:
#                     path type mode uid gid nlink size rdev inode content
#                   path: "/" for the root, else "/dir/name"; type: f d l c b p s; mode: 4 octal digits
#                   (permission bits incl. setuid/setgid/sticky); rdev: major:minor in decimal (0:0 unless c/b);
#                   content: sha256 of a regular file's bytes, a symlink's target, "-" otherwise.
#   <name>.xattrs   one line per extended attribute (getfattr -d -m - -e hex, security.* left out), sorted:
#                     path name value        (value as 0x<hex>; "0x" for an empty value)
# and MANIFEST.tsv (name, mkfs options, blocksize, e2fsck -fn exit code, gz size).
#
# Variants: ext4-4k-csum (default ext4 features), ext4-1k-nocsum (no metadata_csum/64bit: uninit_bg),
# ext4-inline (inline_data + ea_inode), ext3-blockmap (1k, indirect block maps up to triple indirect),
# ext4-1k-csum-htree (1k, metadata_csum, two-level htree), ext4-casefold (only if the kernel has
# CONFIG_UNICODE, i.e. /sys/fs/ext4/features/casefold exists; skipped otherwise).
# Usage: make-kernel-images.sh [variant ...]   (no arguments: all variants)
#
# Every image holds the same workload (see populate): nested directories, a 12-level deep path, an htree directory
# (3000 entries at 4k, 500 elsewhere, plus 600 long names in /htree2 at 1k for a two-level htree), holes, a file past
# 4 GiB, a fragmented file (400 one-block extents: extent tree depth 1 at 4k, 2 at 1k), unwritten extents (fallocate,
# fallocate + partial write, keep-size, zero range; extent variants only), a punched hole, hard links, fast/slow/
# dangling symlinks (59/60-byte edge), user/trusted/ACL xattrs in the inode, in a block and in a shared block, special
# files (fifo, char/block devices, a socket), setuid/setgid/sticky modes, uid/gid above 65535, UTF-8 and 255-byte
# names, and /times/{nanoseconds,pre1970,post2038} with mtimes 2020-02-29 12:34:56.123456789, 1960-06-15 00:00:00
# and 2100-01-01 00:00:00.5 UTC (times are not in the .tree). After umount it requires e2fsck -fn to pass and checks
# with debugfs that the intended structures exist (htree flag, extent index blocks, unwritten extents, DIND/TIND,
# inline data, EA inode, two-level htree); the outputs are copied to corpus/kernel/ only if everything succeeded.
#
# Needs: root, loop devices, a kernel with ext4 (and ext3 through ext4), e2fsprogs (mke2fs, e2fsck, debugfs),
# the attr package (setfattr/getfattr), util-linux (losetup, fallocate), coreutils, findutils, gzip, and
# python3 or perl (to bind one unix socket). Mounts only its own scratch images (in a mktemp directory) and always
# unmounts them and detaches (losetup -d) the loop devices it attached, also on failure.
#
# Deterministic apart from what the kernel or mke2fs pick at run time: timestamps, inode generation numbers
# (and the checksums covering them), and possibly block/inode placement if writeback timing differs. UUIDs,
# labels, hash seeds, features, geometry, names, contents, modes, owners and xattrs are fixed, so the .tree
# and .xattrs files should come out byte-identical from run to run (inode numbers included, in practice).
set -euo pipefail
export LC_ALL=C
umask 022
here=$(cd "$(dirname "$0")" && pwd)
outdir="$here/kernel"
work=$(mktemp -d)
mnt="$work/mnt"
stage="$work/out"
loopdev=""
cleanup() {
    local rc=$?
    set +e
    if mountpoint -q "$mnt"; then umount "$mnt"; fi
    if [ -n "$loopdev" ]; then losetup -d "$loopdev"; loopdev=""; fi
    rm -rf "$work"
    exit $rc
}
trap cleanup EXIT
trap "exit 130" INT TERM HUP
mkdir "$mnt" "$stage"

die() { echo "make-kernel-images: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "must run as root"
for t in mke2fs e2fsck debugfs dumpe2fs losetup fallocate setfattr getfattr gzip sha256sum mkfifo mknod; do
    command -v "$t" >/dev/null || die "missing tool: $t (setfattr/getfattr: apt-get install -y attr)"
done
export E2FSPROGS_FAKE_TIME=1262304000   # mke2fs timestamps (mkfs time, root, lost+found): 2010-01-01 UTC

# Attach $1 (rw, or ro if $2 = ro) and mount it on $mnt with fs type $3 and options $4.
mount_img() {
    local img=$1 mode=$2 fstype=$3 opts=$4
    if [ "$mode" = ro ]; then loopdev=$(losetup --find --show --read-only "$img")
    else loopdev=$(losetup --find --show "$img"); fi
    mount -t "$fstype" -o "$opts" "$loopdev" "$mnt"
}
umount_img() {
    umount "$mnt"
    losetup -d "$loopdev"
    loopdev=""
}

# gen BYTES TAG: BYTES bytes of deterministic, compressible, line-numbered text.
gen() {
    (seq -f "$2 %07g the quick brown fox jumps over the lazy dog" 1 $(( $1 / 50 + 1 )) || true) | head -c "$1"
}
# block_of BS TEXT: one BS-byte block of TEXT lines.
block_of() { (yes "$2" || true) | head -c "$1"; }
# write_at FILE BS BLOCKNR TEXT: write one block of TEXT at block BLOCKNR of FILE, in place.
write_at() { block_of "$2" "$4" | dd of="$1" bs="$2" seek="$3" count=1 iflag=fullblock conv=notrunc status=none; }

# populate ROOT BS: the common workload. Uses the variant settings EXTENTS, INLINE, EA_INODE, BIGDIR_N, BIGDIR_NAME,
# BIG_XATTR, FRAG_N, BIG_FILE.
populate() {
    local r=$1 bs=$2 i j k p
    gen 1000 readme > "$r/README"
    : > "$r/empty"
    mkdir "$r/emptydir"

    # many files in nested directories
    mkdir "$r/tree"
    for i in $(seq 1 5); do
        for j in $(seq 1 4); do
            mkdir -p "$r/tree/a$i/b$j"
            for k in $(seq 1 5); do gen $(( (i * 997 + j * 131 + k * 61) % 5000 )) "t$i.$j.$k" > "$r/tree/a$i/b$j/f$k.txt"; done
        done
    done
    # a deep path: 12 directory levels, a file at each level
    p="$r/deep"
    for i in $(seq -w 1 12); do p="$p/level$i"; mkdir -p "$p"; gen $(( 10#$i * 10 )) "deep$i" > "$p/file$i"; done
    gen 300 leaf > "$p/leaf.txt"

    # a large (htree) directory of empty files
    mkdir "$r/bigdir"
    for i in $(seq -w 1 "$BIGDIR_N"); do : > "$r/bigdir/$BIGDIR_NAME$i"; done
    gen 100 "bigdir" > "$r/bigdir/${BIGDIR_NAME}content"

    # a bigger contiguous-ish file (for block maps: past the indirect block into the double indirect one)
    mkdir "$r/big"
    gen "$BIG_FILE" big > "$r/big/file"

    # holes
    mkdir "$r/sparse"
    truncate -s 1M "$r/sparse/holes"
    write_at "$r/sparse/holes" "$bs" 0 "holes first block"
    write_at "$r/sparse/holes" "$bs" $(( 300 * 1024 / bs )) "holes middle block"
    write_at "$r/sparse/holes" "$bs" $(( 1024 * 1024 / bs - 1 )) "holes last block"
    write_at "$r/sparse/hole-start" "$bs" $(( 64 * 1024 / bs )) "after a leading hole"
    gen 3000 "before a trailing hole" > "$r/sparse/hole-end"; truncate -s 1M "$r/sparse/hole-end"
    truncate -s 100K "$r/sparse/all-hole"
    printf 'short tail' > "$r/sparse/partial-block"           # size not a multiple of the block size
    # beyond 4 GiB (i_size_high; with 1k block maps this reaches the triple indirect block)
    truncate -s 5G "$r/sparse/huge"
    write_at "$r/sparse/huge" "$bs" $(( 4 * 1024 * 1024 * 1024 / bs + 3 )) "huge block past 4GiB"

    # a fragmented file: every other block written, FRAG_N separate extents (extent tree depth >= 1)
    for i in $(seq 0 $(( FRAG_N - 1 ))); do write_at "$r/frag" "$bs" $(( 2 * i )) "frag block $(printf %06d "$i")"; done

    # preallocation (unwritten extents) and hole punching
    mkdir "$r/prealloc"
    gen 65536 punched > "$r/prealloc/punched"
    fallocate -p -o 16384 -l 16384 "$r/prealloc/punched"
    if [ "$EXTENTS" = 1 ]; then
        fallocate -l 256K "$r/prealloc/unwritten"
        fallocate -l 256K "$r/prealloc/partial"
        sync "$r/prealloc/partial"
        gen 4096 "written inside a preallocation" | dd of="$r/prealloc/partial" bs=4096 seek=25 conv=notrunc status=none
        gen 1000 keepsize > "$r/prealloc/keepsize"
        fallocate -n -o 0 -l 64K "$r/prealloc/keepsize"          # unwritten extent past EOF
        gen 65536 zeroed > "$r/prealloc/zeroed"
        sync "$r/prealloc/zeroed"
        fallocate -z -o 16384 -l 16384 "$r/prealloc/zeroed"      # zero range: becomes unwritten
    fi

    # hard links
    mkdir "$r/links"
    gen 500 "hard linked" > "$r/links/target"
    ln "$r/links/target" "$r/links/hard1"
    ln "$r/links/target" "$r/tree/a1/b1/hard2"
    # symlinks: fast (< 60 bytes), 59 and 60 byte edges, slow, dangling, to a directory
    ln -s target "$r/links/fast"
    ln -s "$(printf 'x%.0s' $(seq 1 59))" "$r/links/len59"
    ln -s "$(printf 'y%.0s' $(seq 1 60))" "$r/links/len60"
    ln -s "../deep/level01/level02/level03/level04/level05/level06/level07/level08/file08" "$r/links/slow"
    ln -s "/this/target/does/not/exist" "$r/links/dangling"
    ln -s ../deep "$r/links/dir"
    ln -s "$(printf 'long/%.0s' $(seq 1 100))end" "$r/links/long500"

    # extended attributes
    mkdir "$r/xattr"
    gen 10 small > "$r/xattr/small"
    setfattr -n user.small -v "abc" "$r/xattr/small"
    setfattr -n user.empty "$r/xattr/small"
    setfattr -n trusted.note -v "trusted value" "$r/xattr/small"
    : > "$r/xattr/many"
    for i in $(seq -w 1 20); do setfattr -n "user.attr$i" -v "value number $i" "$r/xattr/many"; done
    : > "$r/xattr/big"
    setfattr -n user.big -v "$(gen "$BIG_XATTR" bigxattr)" "$r/xattr/big"
    : > "$r/xattr/shared1"; : > "$r/xattr/shared2"          # identical xattr blocks: shared, refcount 2
    setfattr -n user.shared -v "$(gen "$BIG_XATTR" shared)" "$r/xattr/shared1"
    setfattr -n user.shared -v "$(gen "$BIG_XATTR" shared)" "$r/xattr/shared2"
    mkdir "$r/xattr/dir"
    setfattr -n user.dirattr -v "on a directory" "$r/xattr/dir"
    ln -s small "$r/xattr/symlink"
    setfattr -h -n trusted.link -v "on a symlink" "$r/xattr/symlink"
    # POSIX ACL (system.posix_acl_access, user-space xattr format v2): u::rw- u:1000:r-- g::r-- m::r-- o::r--
    : > "$r/xattr/acl"
    setfattr -n system.posix_acl_access \
        -v 0x0200000001000600ffffffff02000400e803000004000400ffffffff10000400ffffffff20000400ffffffff "$r/xattr/acl"
    if [ "$EA_INODE" = 1 ]; then
        : > "$r/xattr/huge"
        setfattr -n user.huge -v "$(gen 8000 hugexattr)" "$r/xattr/huge"   # > block size: its own EA inode
    fi

    # special files
    mkdir "$r/special"
    mkfifo "$r/special/fifo"
    mknod "$r/special/null" c 1 3
    mknod "$r/special/loop7" b 7 7
    mknod "$r/special/bigdev" c 300 70000                        # major > 255 / minor > 255: new encoding
    if command -v python3 >/dev/null; then
        python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$r/special/socket"
    else
        perl -MIO::Socket::UNIX -e 'IO::Socket::UNIX->new(Local => $ARGV[0], Listen => 1) or die' "$r/special/socket"
    fi

    # modes and owners
    mkdir "$r/perm"
    for p in setuid setgid private none readonly owned nobody highid; do gen 20 "$p" > "$r/perm/$p"; done
    chmod 4755 "$r/perm/setuid"; chmod 2755 "$r/perm/setgid"; chmod 0600 "$r/perm/private"
    chmod 0000 "$r/perm/none"; chmod 0444 "$r/perm/readonly"
    chown 1000:1000 "$r/perm/owned"; chown 65534:65534 "$r/perm/nobody"
    chown 100000:200000 "$r/perm/highid"                        # needs the high 16 bits of uid/gid
    mkdir "$r/perm/sticky"; chmod 1777 "$r/perm/sticky"
    mkdir "$r/perm/userdir"; chown 1000:100 "$r/perm/userdir"; chmod 0750 "$r/perm/userdir"
    chown -h 1000:1000 "$r/links/fast"

    # UTF-8 names and spaces
    mkdir "$r/utf8 dir"
    gen 77 "utf8" > "$r/utf8 dir/naïve café — ünïcödé 文件.txt"
    setfattr -n user.ünïcödé -v "ünïcödé value" "$r/utf8 dir/naïve café — ünïcödé 文件.txt"
    gen 33 "spaces" > "$r/utf8 dir/  leading and trailing  "
    gen 5 "emoji" > "$r/utf8 dir/😀"
    : > "$r/utf8 dir/$(printf 'n%.0s' $(seq 1 255))"            # longest name

    # fixed timestamps (not in the .tree; for readers: see the comments)
    mkdir "$r/times"
    gen 10 t > "$r/times/nanoseconds"; touch -m -d '2020-02-29 12:34:56.123456789 UTC' "$r/times/nanoseconds"
    gen 10 t > "$r/times/pre1970";     touch -m -d '1960-06-15 00:00:00 UTC' "$r/times/pre1970"
    gen 10 t > "$r/times/post2038";    touch -m -d '2100-01-01 00:00:00.5 UTC' "$r/times/post2038"
}

# inline data extras (4k blocks, 256-byte inodes: about 60 + 72 bytes fit in the inode)
populate_inline() {
    local r=$1 i
    mkdir "$r/inline"
    for i in 1 59 60 61 100 120 200 3000; do gen "$i" "inline$i" > "$r/inline/f$i"; done
    mkdir "$r/inline/smalldir"                                  # stays inline
    gen 5 a > "$r/inline/smalldir/a"; gen 5 b > "$r/inline/smalldir/b"
    mkdir "$r/inline/grows"                                     # outgrows the inode into a block
    for i in $(seq -w 1 40); do gen 7 "g$i" > "$r/inline/grows/entry$i"; done
    gen 40 appended > "$r/inline/appended"
    sync "$r/inline/appended"
    gen 6000 "appended more" >> "$r/inline/appended"          # inline, then converted to extents
}

# 1k two-level htree: long names, so the root's 123 slots fill up quickly
populate_htree2() {
    local r=$1 i pad
    pad=$(printf 'abcdefghijklmnopqrstuvwxyz%.0s' $(seq 1 8))   # 208 characters
    mkdir "$r/htree2"
    for i in $(seq -w 1 "$HTREE2_N"); do : > "$r/htree2/$i-$pad"; done
}

# dump_tree ROOT OUT: the .tree file (format in the header)
. "$here/tree-dump.sh"

# dump_xattrs ROOT OUT: the .xattrs file (format in the header)
dump_xattrs() {
    local root=$1 out=$2
    (cd "$root" && getfattr -R -P -h -d -m - -e hex --absolute-names .) | awk '
        function unescape(s,   o, c) { o = ""
            while (match(s, /\\[0-7][0-7][0-7]/)) {
                c = substr(s, RSTART + 1, 3)
                o = o substr(s, 1, RSTART - 1) sprintf("%c", (substr(c, 1, 1) * 64) + (substr(c, 2, 1) * 8) + substr(c, 3, 1))
                s = substr(s, RSTART + 4) }
            return o s }
        /^# file: / { p = unescape(substr($0, 9)); p = p == "." ? "/" : substr(p, 2); next }
        /^$/ { next }
        {
            i = index($0, "="); if (i) { n = substr($0, 1, i - 1); v = substr($0, i + 1) } else { n = $0; v = "" }
            if (n ~ /^security\./) next
            printf "%s\t%s\t%s\n", p, unescape(n), v
        }' | sort > "$out"
}

# debugfs helpers for the structure checks (read the image file; no mount)
dbg() { debugfs -R "$2" "$1" 2>/dev/null; }
inode_flags() { dbg "$1" "stat $2" | sed -n 's/.*Flags: \(0x[0-9a-f]*\).*/\1/p'; }
expect() { # expect IMG DESCRIPTION DEBUGFS-COMMAND REGEX
    dbg "$1" "$3" | grep -Eq "$4" || die "$(basename "$1"): expected $2 ($3 !~ /$4/)"
}
has_flag() { # has_flag IMG PATH MASK DESCRIPTION
    local f; f=$(inode_flags "$1" "$2")
    [ -n "$f" ] && [ $(( f & $3 )) -ne 0 ] || die "$(basename "$1"): $2 lacks $4 (flags ${f:-?})"
}
lacks_flag() {
    local f; f=$(inode_flags "$1" "$2")
    [ -n "$f" ] && [ $(( f & $3 )) -eq 0 ] || die "$(basename "$1"): $2 has $4 (flags ${f:-?})"
}

check_structure() {
    local name=$1 img=$2
    has_flag "$img" /bigdir 0x1000 "the htree index flag"
    expect "$img" "an htree root" "htree_dump /bigdir" "Root node dump"
    expect "$img" "a hard link count of 3" "stat /links/target" "Links: 3"
    expect "$img" "an xattr block" "stat /xattr/big" "File ACL: [1-9]"
    local b1 b2
    b1=$(dbg "$img" "stat /xattr/shared1" | sed -n 's/.*File ACL: \([0-9]*\).*/\1/p')
    b2=$(dbg "$img" "stat /xattr/shared2" | sed -n 's/.*File ACL: \([0-9]*\).*/\1/p')
    [ -n "$b1" ] && [ "$b1" != 0 ] && [ "$b1" = "$b2" ] || echo "note: $name: shared1/shared2 xattr blocks not shared ($b1, $b2)" >&2
    if [ "$EXTENTS" = 1 ]; then
        expect "$img" "an extent index block (depth >= 1)" "stat /frag" "\\(ETB0\\)"
        expect "$img" "unwritten extents" "ex /prealloc/unwritten" "Uninit"
        expect "$img" "written and unwritten extents" "ex /prealloc/partial" "Uninit"
        expect "$img" "an unwritten extent past EOF" "ex /prealloc/keepsize" "Uninit"
        expect "$img" "a zeroed (unwritten) range" "ex /prealloc/zeroed" "Uninit"
    else
        dumpe2fs -h "$img" 2>/dev/null | grep -E '^Filesystem features:' | grep -qw extent && die "$name: has extents"
        lacks_flag "$img" /big/file 0x80000 "the extents flag"
        expect "$img" "a double indirect block" "stat /big/file" "\\(DIND\\)"
        expect "$img" "a triple indirect block" "stat /sparse/huge" "\\(TIND\\)"
    fi
    if [ "$INLINE" = 1 ]; then
        has_flag "$img" /inline/f59 0x10000000 "inline data"
        has_flag "$img" /inline/f100 0x10000000 "inline data"
        lacks_flag "$img" /inline/f3000 0x10000000 "inline data"
        has_flag "$img" /inline/smalldir 0x10000000 "inline data"
        lacks_flag "$img" /inline/grows 0x10000000 "inline data"
        lacks_flag "$img" /inline/appended 0x10000000 "inline data"
    fi
    if [ "$EA_INODE" = 1 ]; then
        expect "$img" "an EA inode" "id -x /xattr/huge" "value_inum = [1-9]"
    fi
    if [ "$HTREE2_N" -gt 0 ]; then
        expect "$img" "a two-level htree" "htree_dump /htree2" "Indirect levels: 1"
    fi
}

# build NAME FSTYPE BLOCKSIZE SIZE "MKE2FS OPTIONS": one variant (the settings come from the caller's variables)
build() {
    local name=$1 fstype=$2 bs=$3 size=$4 opts img="$work/$1.img" rc sum1 sum2
    opts=$(printf '%s ' $5); opts=${opts% }      # squeeze the spaces of the continued lines
    echo "== $name"
    rm -f "$img"; truncate -s "$size" "$img"
    # shellcheck disable=SC2086
    mke2fs -q -F -t "$fstype" -b "$bs" $opts "$img"
    mount_img "$img" rw "$fstype" rw,commit=600     # one journal transaction at the final sync, mostly: smaller .gz
    populate "$mnt" "$bs"
    if [ "$INLINE" = 1 ]; then populate_inline "$mnt"; fi
    if [ "$HTREE2_N" -gt 0 ]; then populate_htree2 "$mnt"; fi
    if [ -n "$EXTRA" ]; then "$EXTRA" "$mnt"; fi
    sync
    umount_img
    rc=0; e2fsck -fn "$img" > "$work/fsck.log" 2>&1 || rc=$?
    if [ "$rc" -ne 0 ]; then cat "$work/fsck.log" >&2; die "$name: e2fsck -fn exited $rc"; fi
    check_structure "$name" "$img"
    # ground truth from a read-only mount of a read-only loop device (the image must not change)
    sum1=$(sha256sum < "$img")
    mount_img "$img" ro "$fstype" ro
    dump_tree "$mnt" "$stage/$name.tree"
    dump_xattrs "$mnt" "$stage/$name.xattrs"
    umount_img
    sum2=$(sha256sum < "$img")
    [ "$sum1" = "$sum2" ] || die "$name: the read-only mount changed the image"
    gzip -9n < "$img" > "$stage/$name.img.gz"
    rm -f "$img"
    printf '%s\t%s\t%s\t%s\t%s\n' "$name" "-t $fstype -b $bs $opts" "$bs" "$rc" "$(stat -c %s "$stage/$name.img.gz")" \
        >> "$stage/MANIFEST.rows"
    echo "   $(stat -c %s "$stage/$name.img.gz") bytes gz, $(wc -l < "$stage/$name.tree") paths, $(wc -l < "$stage/$name.xattrs") xattrs"
}

# settings shared by the variants; each variant overrides some
defaults() {
    EXTENTS=1 INLINE=0 EA_INODE=0 BIGDIR_N=500 BIGDIR_NAME=file- BIG_XATTR=2000 FRAG_N=400 BIG_FILE=300000
    HTREE2_N=0 EXTRA=
}
base=has_journal,ext_attr,resize_inode,dir_index,filetype,sparse_super,large_file
ext4=$base,extent,flex_bg,huge_file,dir_nlink,extra_isize
common_e="lazy_itable_init=0,lazy_journal_init=0,nodiscard"

variant() {
    local name=$1
    defaults
    case "$name" in
    ext4-4k-csum)
        BIGDIR_N=3000
        build "$name" ext4 4096 32M "-I 256 -i 4096 -O none,$ext4,metadata_csum,64bit -L k4csum \
            -U 3f0e6a52-0b7d-4c1e-9a3f-1d2c3b4a5f01 -E $common_e,hash_seed=8d5c0f3e-7a21-4b6d-9e4f-0a1b2c3d4e01" ;;
    ext4-1k-nocsum)
        BIG_XATTR=800
        build "$name" ext4 1024 16M "-I 256 -i 4096 -O none,$ext4,uninit_bg -L k1nocsum \
            -U 3f0e6a52-0b7d-4c1e-9a3f-1d2c3b4a5f02 -E $common_e,hash_seed=8d5c0f3e-7a21-4b6d-9e4f-0a1b2c3d4e02" ;;
    ext4-inline)
        INLINE=1 EA_INODE=1
        build "$name" ext4 4096 16M "-I 256 -i 4096 -O none,$ext4,metadata_csum,64bit,inline_data,ea_inode -L k4inline \
            -U 3f0e6a52-0b7d-4c1e-9a3f-1d2c3b4a5f03 -E $common_e,hash_seed=8d5c0f3e-7a21-4b6d-9e4f-0a1b2c3d4e03" ;;
    ext3-blockmap)
        EXTENTS=0 BIG_XATTR=800 BIG_FILE=1200000
        build "$name" ext3 1024 16M "-I 256 -i 4096 -O none,$base -L k1ext3 \
            -U 3f0e6a52-0b7d-4c1e-9a3f-1d2c3b4a5f04 -E $common_e,hash_seed=8d5c0f3e-7a21-4b6d-9e4f-0a1b2c3d4e04" ;;
    ext4-1k-csum-htree)
        BIG_XATTR=800 HTREE2_N=600
        build "$name" ext4 1024 24M "-I 256 -i 4096 -O none,$ext4,metadata_csum,64bit -L k1htree \
            -U 3f0e6a52-0b7d-4c1e-9a3f-1d2c3b4a5f05 -E $common_e,hash_seed=8d5c0f3e-7a21-4b6d-9e4f-0a1b2c3d4e05" ;;
    ext4-casefold)
        if [ ! -e /sys/fs/ext4/features/casefold ]; then
            echo "== $name skipped: this kernel has no casefold support (CONFIG_UNICODE)" >&2
            : > "$stage/$name.skipped"; return 0
        fi
        EXTRA=populate_casefold
        build "$name" ext4 4096 16M "-I 256 -i 4096 -O none,$ext4,metadata_csum,64bit,casefold -L k4casefold \
            -U 3f0e6a52-0b7d-4c1e-9a3f-1d2c3b4a5f06 -E $common_e,hash_seed=8d5c0f3e-7a21-4b6d-9e4f-0a1b2c3d4e06" ;;
    *) die "unknown variant $name" ;;
    esac
}
populate_casefold() {
    local r=$1 i
    mkdir "$r/folded"; chattr +F "$r/folded"
    gen 10 cf > "$r/folded/MixedCase.TXT"; gen 10 cf > "$r/folded/Straße"
    for i in $(seq -w 1 300); do : > "$r/folded/Entry-$i"; done   # a casefolded htree
}

all="ext4-4k-csum ext4-1k-nocsum ext4-inline ext3-blockmap ext4-1k-csum-htree ext4-casefold"
if [ $# -gt 0 ]; then todo="$*"; else todo=$all; fi
for v in $todo; do variant "$v"; done
# (an expansion error in bash abandons the whole loop without tripping set -e: check every variant got made)
for v in $todo; do [ -f "$stage/$v.tree" ] || [ -f "$stage/$v.skipped" ] || die "$v was not made"; done
rm -f "$stage"/*.skipped

# install: the new files, and MANIFEST rows for the variants made now (rows of variants not remade are kept)
mkdir -p "$outdir"
rows="$stage/MANIFEST.rows"; touch "$rows"
{
    printf 'name\tmkfs options\tblocksize\te2fsck -fn exit\tgz bytes\n'
    {
        if [ $# -gt 0 ] && [ -f "$outdir/MANIFEST.tsv" ]; then
            tail -n +2 "$outdir/MANIFEST.tsv" | awk -F'\t' 'NR == FNR { made[$1] = 1; next } !($1 in made)' "$rows" -
        fi
        cat "$rows"
    } | sort -t "$(printf '\t')" -k1,1
} > "$stage/MANIFEST.tsv"
rm -f "$rows"
cp "$stage"/* "$outdir/"
echo "wrote $outdir: $(du -cb "$outdir"/* | tail -1 | cut -f1) bytes in all"
