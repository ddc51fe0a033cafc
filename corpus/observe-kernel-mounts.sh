#!/usr/bin/env bash
# Records what the running Linux kernel does when asked to mount each disk image of the e2fsprogs test corpus,
# as ground truth for a "kernel mount verdict" predictor (would the kernel mount this image, how, and what does it
# complain about).
#
# Usage: corpus/observe-kernel-mounts.sh [CORPUS_DIR] [OUT_TSV]
#   CORPUS_DIR  default <repo>/../shared/e2fs-corpus  (needs manifest.tsv with columns id, corpus_file,
#               compression, sha256_uncompressed; images gzip / bzip2 / tar+bzip2, see its README.md)
#   OUT_TSV     default <repo>/corpus/e2fs-kernel-mounts.tsv
#
# Needs: root (mount, losetup, /dev/kmsg), loop devices, util-linux (mount >= 2.38 for LIBMOUNT_DEBUG errno
# reporting, losetup, umount), coreutils (timeout, cp, sha256sum), gzip, bzip2, tar, dd, awk.
#
# For each image (manifest order) it decompresses the image once into a mktemp directory (for tar+bzip2 only the
# filesystem member; the external journal .jnl is NOT attached, so mounts of external-journal images see no
# journal device), checks it against sha256_uncompressed, and then makes three attempts, each on a FRESH sparse
# copy of that image attached with `losetup -f --show` as a WRITABLE loop device (so that the result depends only
# on the mount options; note that a plain `ro` mount may replay the journal onto a writable device):
#   1. mount -t ext4 -o ro,noload      2. mount -t ext4 -o ro      3. mount -t ext4 -o rw
# External journals: for images whose manifest journal_location is "external ..." (f_ext_journal,
# j_corrupt_ext_jnl_sb_block, j_corrupt_ext_jnl_sb_csum) the corpus's journal (the tar's .jnl member, or the
# gzip file named in aux_copied) is also copied fresh for every attempt, attached as a second writable loop device,
# and ",journal_path=<that device>" is appended to all three option strings. Without it the kernel would open
# whatever block device has the dev_t stored in s_journal_dev (0x0700/0x0701 = /dev/loop0 / loop1 on this
# machine: possibly our own image or another process's loop device), which is neither safe nor reproducible.
# Every mount runs under `timeout -k 5 20`; a successful mount is unmounted at once (attempt 3 first runs
# `timeout 2 ls -R` over the tree). The loop device is always detached and the copy deleted, also on failure.
# Loop devices have whole 512-byte sectors: an image whose size is not a multiple of 512 (f_detect_junk, f_dup_de_crypt)
# loses its tail on the loop device (losetup warns on stderr); the kernel sees the truncated device.
# Original corpus files are only ever read, never mounted or copied into the repository.
#
# Output: TSV with '#' comment lines first (kernel release from `uname -r`, date, script), then a header line and
# one row per image. Columns:
#   id, corpus_file     from the manifest
#   ro_noload, ro, rw   outcome of attempt 1 / 2 / 3:
#                         ok            mount(2) succeeded
#                         fail:<ERRNO>  mount(8) failed; ERRNO is the errno of the mount(2) syscall as reported by
#                                       libmount (LIBMOUNT_DEBUG=cxt: "mount(2) failed [errno=N ...]"), e.g.
#                                       fail:EINVAL, fail:EUCLEAN, fail:EIO. mount(8) exited 32 unless a
#                                       ":rc=N" suffix says otherwise. If no errno was reported:
#                                       fail:rc=N:<last line of mount's stderr, compacted>
#                         hang          mount(8) did not finish within 20 s (killed)
#   rw_mode             for attempt 3 when ok: the mode in /proc/mounts right after mount(2): `rw`, or `ro` if the
#                       kernel mounted read-only although rw was requested; `rw>ro` if it was rw after mount but had
#                       become ro (errors=remount-ro) by the end of `ls -R`. `-` if the rw mount did not succeed.
#                       The option "emergency_ro" counts as ro: newer kernels (here 6.18) handle errors=remount-ro by
#                       setting it and keep "rw" as the first option ("Remounting filesystem read-only" in the log).
#   ro_noload_msg, ro_msg, rw_msg
#                       kernel messages of the attempt, in order, joined with " | " (`-` if none). Window: kernel
#                       log records (read from /dev/kmsg by sequence number, so no timestamps) logged between just
#                       before mount(8) and after umount. Kept are
#                         - records naming this attempt's loop device (e.g. "EXT4-fs (loop5): ...",
#                           "EXT4-fs error (device loop5): ...", "jbd2/loop5-8", "I/O error, dev loop5"), except the
#                           noise "detected capacity change" and "unmounting filesystem";
#                         - HEURISTIC: records starting with JBD2/jbd2 that name no loop device at all (journal
#                           recovery messages such as "JBD2: Invalid checksum recovering ..." carry no device name)
#                           when they fall inside the window; another process mounting concurrently could add some;
#                         - HEURISTIC: kernel trouble lines inside the window (WARNING:, BUG:, kernel BUG, Oops,
#                           general protection fault, UBSAN:, INFO: task ... blocked), with "CPU: N PID: N" removed.
#                       - the VFS line "ext4 filesystem being mounted at <mnt> supports timestamps until ..." (names the
#                         mount point, not the device; printed for rw mounts of filesystems with 128-byte inodes).
#                       Kernel WARN_ON_ONCE() sites print only on their first hit per boot, so a WARNING line may be
#                       missing on a second run (e.g. j_recover_fast_commit -o ro: ext4_journal_check_start).
#                       A successful mount whose "mounted filesystem" line is missing (global ext4 mount-message
#                       ratelimit, 64 per 30 s) is redone after 31 s, see attempt_retry.
#                       The external journal's loop device also counts as "this attempt's" and is written "jloop#".
#                       The mount point path (a mktemp directory) is written "<mnt>" wherever it appears.
#                       The loop device name is normalised to "loop#" (e.g. "EXT4-fs (loop#): ...") so that rows do
#                       not depend on which loop device was free. At most 30 records per field, then "... (+N more)".
#                       In rw_msg, records logged during `ls -R` and umount follow after " || after ls -R: ", and
#                       " || ls -R rc=N" is added if ls exited non-zero (124 = still running after 2 s).
# Run time and a summary go to stderr. The output is written to OUT_TSV.tmp and renamed at the end.
set -euo pipefail
export LC_ALL=C

die() { echo "observe-kernel-mounts: $*" >&2; exit 2; }

[[ ${EUID:-$(id -u)} -eq 0 ]] || die "needs root (loop devices, mount, /dev/kmsg); run it as root"

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(dirname "$here")
corpus=${1:-$repo/../shared/e2fs-corpus}
out=${2:-$repo/corpus/e2fs-kernel-mounts.tsv}
manifest=$corpus/manifest.tsv
[[ -f $manifest ]] || die "no manifest: $manifest"
[[ -r /dev/kmsg ]] || die "/dev/kmsg not readable"
for t in mount umount losetup timeout gzip bzip2 tar dd awk sha256sum cp; do
  command -v "$t" >/dev/null || die "missing tool: $t"
done

MOUNT_TIMEOUT=20
LS_TIMEOUT=2
MAX_MSGS=30

tmp=$(mktemp -d -t observe-kernel-mounts.XXXXXX)
cur_loop='' cur_jloop='' cur_mnt=''
cleanup() {
  local rc=$?
  if [[ -n $cur_mnt ]] && awk -v m="$cur_mnt" '$2 == m {f=1} END {exit !f}' /proc/mounts; then
    umount "$cur_mnt" 2>/dev/null || umount -l "$cur_mnt" 2>/dev/null || true
  fi
  if [[ -n $cur_loop ]]; then losetup -d "$cur_loop" 2>/dev/null || true; fi
  if [[ -n $cur_jloop ]]; then losetup -d "$cur_jloop" 2>/dev/null || true; fi
  rm -rf "$tmp" "$out.tmp" 2>/dev/null || true
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---- kernel log via /dev/kmsg (records "prio,seq,usec,flags;message"; continuation lines start with a space) ----
kmsg_dump() { dd if=/dev/kmsg iflag=nonblock bs=65536 2>/dev/null || true; }
kmsg_last_seq() { kmsg_dump | awk -F, '/^[0-9]+,[0-9]+,/ {s = $2} END {print s + 0}'; }
# kmsg_window FROM_SEQ(exclusive) TO_SEQ(inclusive, "" = to the end) LOOPNAME [JOURNAL_LOOPNAME]
#   -> filtered, normalised messages
kmsg_window() {
  kmsg_dump | awk -v a="$1" -v b="$2" -v dev="$3" -v jdev="${4:-}" -v mnt="$tmp/mnt" '
    /^[0-9]+,[0-9]+,/ {
      i = index($0, ";"); split(substr($0, 1, i - 1), h, ","); msg = substr($0, i + 1); seq = h[2] + 0
      if (seq <= a || (b != "" && seq > b + 0)) next
      if (msg ~ ("(^|[^A-Za-z0-9_])" dev "([^0-9]|$)") || (jdev != "" && msg ~ ("(^|[^A-Za-z0-9_])" jdev "([^0-9]|$)"))) {
        if (msg ~ /detected capacity change|unmounting filesystem/) next
      } else if (msg ~ /loop[0-9]/) {
        next
      } else if (index(msg, mnt " ")) {     # VFS: "ext4 filesystem being mounted at <mnt> supports timestamps until ..."
      } else if (msg ~ /^(JBD2|jbd2)/) {
      } else if (msg ~ /^(WARNING:|BUG:|kernel BUG|Oops|general protection fault|UBSAN:|INFO: task .* blocked)/) {
        gsub(/CPU: [0-9]+ PID: [0-9]+ /, "", msg)
      } else next
      if (jdev != "") {  # "loopJ" (not followed by a digit) -> "jloop#"
        out = ""; rest = msg
        while (match(rest, jdev)) {
          nxt = substr(rest, RSTART + RLENGTH, 1)
          if (nxt ~ /[0-9]/) { out = out substr(rest, 1, RSTART + RLENGTH - 1) }
          else { out = out substr(rest, 1, RSTART - 1) "jloop#" }
          rest = substr(rest, RSTART + RLENGTH)
        }
        msg = out rest
      }
      while ((i = index(msg, mnt)) > 0) msg = substr(msg, 1, i - 1) "<mnt>" substr(msg, i + length(mnt))
      gsub(/loop[0-9]+/, "loop#", msg); gsub(/[\t\r]/, " ", msg)
      print msg
    }'
}
# join stdin lines with " | ", at most MAX_MSGS; "-" if none
join_msgs() {
  awk -v max="$MAX_MSGS" '{ n++; if (n <= max) s = (n == 1 ? $0 : s " | " $0) }
    END { if (n == 0) print "-"; else if (n > max) print s " | ... (+" (n - max) " more)"; else print s }'
}

errno_name() {
  case $1 in
    1) echo EPERM;; 2) echo ENOENT;; 5) echo EIO;; 6) echo ENXIO;; 7) echo E2BIG;; 9) echo EBADF;;
    11) echo EAGAIN;; 12) echo ENOMEM;; 13) echo EACCES;; 14) echo EFAULT;; 15) echo ENOTBLK;; 16) echo EBUSY;;
    19) echo ENODEV;; 20) echo ENOTDIR;; 21) echo EISDIR;; 22) echo EINVAL;; 24) echo EMFILE;; 27) echo EFBIG;;
    28) echo ENOSPC;; 30) echo EROFS;; 34) echo ERANGE;; 36) echo ENAMETOOLONG;; 40) echo ELOOP;;
    61) echo ENODATA;; 74) echo EBADMSG;; 75) echo EOVERFLOW;; 95) echo EOPNOTSUPP;; 110) echo ETIMEDOUT;;
    117) echo EUCLEAN;; *) echo "E$1";;
  esac
}

is_mounted() { awk -v m="$1" '$2 == m {f = 1} END {exit !f}' /proc/mounts; }
# effective mode: "ro" if the options start with ro or contain emergency_ro (since ~6.16 ext4 marks errors=remount-ro
# this way and leaves "rw" first), else "rw"
mount_mode() {
  awk -v m="$1" '$2 == m {n = split($4, o, ","); mode = o[1]; for (i = 1; i <= n; i++) if (o[i] == "emergency_ro") mode = "ro"}
    END {print (mode == "" ? "?" : mode)}' /proc/mounts
}

# release the current mount point and loop device, whatever state they are in
release() {
  if [[ -n $cur_mnt ]] && is_mounted "$cur_mnt"; then
    timeout -k 5 20 umount "$cur_mnt" 2>/dev/null || timeout -k 5 20 umount -l "$cur_mnt" 2>/dev/null \
      || echo "observe-kernel-mounts: WARNING: could not unmount $cur_mnt" >&2
  fi
  if [[ -n $cur_loop ]]; then
    timeout -k 5 20 losetup -d "$cur_loop" 2>/dev/null \
      || echo "observe-kernel-mounts: WARNING: could not detach $cur_loop (in use? autoclear should follow)" >&2
  fi
  if [[ -n $cur_jloop ]]; then
    timeout -k 5 20 losetup -d "$cur_jloop" 2>/dev/null \
      || echo "observe-kernel-mounts: WARNING: could not detach $cur_jloop (in use? autoclear should follow)" >&2
  fi
  cur_loop='' cur_jloop='' cur_mnt=''
}

# attempt MASTER OPTS [JOURNAL_MASTER] -> sets a_outcome, a_msg, a_mode
attempt() {
  local master=$1 opts=$2 jmaster=${3:-} work=$tmp/work.img jwork=$tmp/work.jnl mnt=$tmp/mnt dev name jname=''
  local seq0 seq1 rc errfile=$tmp/mount.err e lsrc mode2 msgs2
  a_outcome='' a_msg='-' a_mode='-'
  rm -f "$work" "$jwork"; cp --sparse=always "$master" "$work"
  mkdir -p "$mnt"
  dev=$(losetup -f --show "$work"); cur_loop=$dev; name=${dev##*/}
  if [[ -n $jmaster ]]; then
    cp --sparse=always "$jmaster" "$jwork"
    cur_jloop=$(losetup -f --show "$jwork"); jname=${cur_jloop##*/}
    opts="$opts,journal_path=$cur_jloop"
  fi
  seq0=$(kmsg_last_seq)
  rc=0
  LIBMOUNT_DEBUG=cxt timeout -k 5 "$MOUNT_TIMEOUT" mount -t ext4 -o "$opts" "$dev" "$mnt" 2>"$errfile" || rc=$?
  if [[ $rc -eq 0 ]]; then
    cur_mnt=$mnt
    a_outcome=ok
    if [[ $opts == rw || $opts == rw,* ]]; then
      a_mode=$(mount_mode "$mnt")
      seq1=$(kmsg_last_seq)
      lsrc=0; timeout -k 1 "$LS_TIMEOUT" ls -R "$mnt" >/dev/null 2>&1 || lsrc=$?
      mode2=$(mount_mode "$mnt")
      if [[ $a_mode == rw && $mode2 == ro ]]; then a_mode='rw>ro'; fi
      release
      a_msg=$(kmsg_window "$seq0" "$seq1" "$name" "$jname" | join_msgs)
      msgs2=$(kmsg_window "$seq1" '' "$name" "$jname" | join_msgs)
      if [[ $msgs2 != - ]]; then a_msg="$a_msg || after ls -R: $msgs2"; fi
      if [[ $lsrc -ne 0 ]]; then a_msg="$a_msg || ls -R rc=$lsrc"; fi
    else
      release
      a_msg=$(kmsg_window "$seq0" '' "$name" "$jname" | join_msgs)
    fi
  else
    if [[ $rc -eq 124 || $rc -eq 137 ]]; then
      a_outcome=hang
      if is_mounted "$mnt"; then cur_mnt=$mnt; fi
    else
      e=$(sed -n 's/.*mount(2) failed \[errno=\([0-9]*\).*/\1/p' "$errfile" | tail -n 1)
      if [[ -n $e ]]; then
        a_outcome="fail:$(errno_name "$e")"
        if [[ $rc -ne 32 ]]; then a_outcome="$a_outcome:rc=$rc"; fi
      else
        a_outcome="fail:rc=$rc:$(grep -v 'libmount' "$errfile" | grep -v '^ *$' | tail -n 1 \
          | sed 's#^mount: [^:]*: ##; s/[\t]/ /g; s/  */ /g' | cut -c1-160)"
      fi
    fi
    release
    a_msg=$(kmsg_window "$seq0" '' "$name" "$jname" | join_msgs)
  fi
  rm -f "$work" "$jwork" "$errfile"
}

# attempt_retry like attempt, but repeats a successful attempt whose "mounted filesystem" line is missing: ext4
# prints mount/unmount lines through a global ratelimit (ext4_mount_msg_ratelimit: 64 per 30 s, shared with every
# other ext4 mount on the machine), so after a burst of mounts they are silently dropped. Wait 31 s for a new
# ratelimit window and redo the attempt on a fresh copy (at most 3 retries).
SUPPRESS_RETRIES=3
retries=0
attempt_retry() {
  local try
  for ((try = 0; ; try++)); do
    attempt "$@"
    [[ $a_outcome == ok && $a_msg != *"mounted filesystem"* ]] || return 0
    if ((try >= SUPPRESS_RETRIES)); then
      a_msg="$a_msg || (mount message suppressed by ratelimit)"; return 0
    fi
    retries=$((retries + 1))
    echo "observe-kernel-mounts: $id -o $2: mount message missing (ratelimited?), retrying in 31 s" >&2
    sleep 31
  done
}

# ---- manifest columns ----
col() { awk -F'\t' -v c="$1" 'NR == 1 {for (i = 1; i <= NF; i++) if ($i == c) {print i; exit}}' "$manifest"; }
c_id=$(col id); c_file=$(col corpus_file); c_comp=$(col compression); c_sha=$(col sha256_uncompressed)
c_jloc=$(col journal_location); c_aux=$(col aux_copied)
[[ -n $c_id && -n $c_file && -n $c_comp ]] || die "manifest lacks id/corpus_file/compression columns"

start=$(date +%s)
{
  echo "# Kernel mount behaviour for the e2fsprogs test-corpus images, made by corpus/observe-kernel-mounts.sh"
  echo "# kernel: $(uname -r)   date: $(date -u +%Y-%m-%dT%H:%M:%SZ)   mount: $(mount --version | head -n 1)"
  echo "# /sys/fs/ext4/features: $(ls /sys/fs/ext4/features 2>/dev/null | tr '\n' ' ')"
  echo "# attempts on fresh writable loop copies: ro_noload = -o ro,noload, ro = -o ro, rw = -o rw (all -t ext4)"
  echo "# images with an external journal (manifest journal_location = external): the corpus journal is attached as a"
  echo "# second fresh loop device and ,journal_path=<it> is added to all three option strings; see the script header"
  printf 'id\tcorpus_file\tro_noload\tro_noload_msg\tro\tro_msg\trw\trw_mode\trw_msg\n'
} >"$out.tmp"

n=0 trouble=0
while IFS=$'\037' read -r -u 3 id file comp sha jloc aux; do
  n=$((n + 1))
  src=$corpus/$file
  [[ -f $src ]] || die "missing corpus file: $src"
  master=$tmp/master.img
  rm -rf "$tmp/x"; mkdir -p "$tmp/x"
  case $comp in
    gzip) gzip -dc "$src" >"$master" ;;
    bzip2) bzip2 -dc "$src" >"$master" ;;
    tar+bzip2)
      tar -xjf "$src" -C "$tmp/x"
      member=$(tar -tjf "$src" | grep -v '\.jnl$' | grep -v '/$' | head -n 1)
      [[ -n $member && -f $tmp/x/$member ]] || die "$id: no filesystem member in $src"
      mv "$tmp/x/$member" "$master" ;;
    *) die "$id: unknown compression '$comp'" ;;
  esac
  jmaster=''
  if [[ $jloc == external* ]]; then
    jmaster=$tmp/master.jnl
    jmember=''
    if [[ $comp == tar+bzip2 ]]; then jmember=$(tar -tjf "$src" | grep '\.jnl$' | head -n 1 || true); fi
    if [[ -n $jmember ]]; then
      mv "$tmp/x/$jmember" "$jmaster"
    else
      jfile=$(tr ',' '\n' <<<"$aux" | grep -i 'journal' | head -n 1 || true)
      [[ -n $jfile && -f $corpus/$jfile ]] || die "$id: external journal ($jloc) but no journal file in the corpus"
      case $jfile in *.gz) gzip -dc "$corpus/$jfile" >"$jmaster" ;; *.bz2) bzip2 -dc "$corpus/$jfile" >"$jmaster" ;;
        *) cp "$corpus/$jfile" "$jmaster" ;; esac
    fi
  fi
  if [[ -n $sha ]]; then
    got=$(sha256sum "$master" | cut -d' ' -f1)
    [[ $got == "$sha" ]] || die "$id: sha256 of decompressed image $got != manifest $sha"
  fi
  attempt_retry "$master" ro,noload "$jmaster"; o1=$a_outcome m1=$a_msg
  attempt_retry "$master" ro "$jmaster";        o2=$a_outcome m2=$a_msg
  attempt_retry "$master" rw "$jmaster";        o3=$a_outcome m3=$a_msg mode3=$a_mode
  rm -rf "$master" "$tmp/master.jnl" "$tmp/x"
  case "$m1$m2$m3" in *WARNING:*|*BUG*|*Oops*|*"general protection"*|*UBSAN:*|*"INFO: task"*) trouble=$((trouble + 1));
    echo "observe-kernel-mounts: kernel trouble line while mounting $id" >&2 ;; esac
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$id" "$file" "$o1" "$m1" "$o2" "$m2" "$o3" "$mode3" "$m3" >>"$out.tmp"
  printf '%3d %-45s %-14s %-14s %-14s %s\n' "$n" "$id" "$o1" "$o2" "$o3" "$mode3" >&2
done 3< <(awk -F'\t' -v a="$c_id" -v b="$c_file" -v c="$c_comp" -v d="${c_sha:-0}" -v e="${c_jloc:-0}" \
           -v f="${c_aux:-0}" 'NR > 1 {print $a "\037" $b "\037" $c "\037" (d ? $d : "") "\037" (e ? $e : "") "\037" (f ? $f : "")}' \
           "$manifest")

mv "$out.tmp" "$out"
echo "observe-kernel-mounts: $n images in $(( $(date +%s) - start )) s; images with kernel trouble lines: $trouble; ratelimit retries: $retries; wrote $out" >&2
