#!/usr/bin/env bash
# Makes corpus/images/demo-ext4.img.gz: a small ext4 filesystem written by the running kernel (mkfs, then
# files created through a loop mount), the default image of the README's first command.
# Needs root, a loop device and e2fsprogs. Mounts only the scratch copy, always unmounts and detaches.
set -euo pipefail
out="$(cd "$(dirname "$0")" && pwd)/images/demo-ext4.img.gz"
work=$(mktemp -d)
mnt="$work/mnt"
cleanup() { mountpoint -q "$mnt" && umount "$mnt"; rm -rf "$work"; }
trap cleanup EXIT
mkdir "$mnt"
img="$work/demo.img"
truncate -s 16M "$img"
mkfs.ext4 -q -F -b 4096 -O metadata_csum,64bit,fast_commit,inline_data -E lazy_itable_init=0 -L demo -U 6b1c2d3e-4f50-4a61-8b72-93a4b5c6d7e8 "$img"
mount -o loop "$img" "$mnt"
mkdir -p "$mnt/etc" "$mnt/srv/data/deep/deeper"
printf 'hello from the kernel\n' > "$mnt/etc/motd"
head -c 300000 /dev/zero | tr '\0' 'x' > "$mnt/srv/data/big.bin"
for i in $(seq 1 200); do echo "file $i" > "$mnt/srv/data/deep/f$i"; done
ln -s ../etc/motd "$mnt/srv/motd-link"
ln "$mnt/etc/motd" "$mnt/srv/motd-hardlink"
sync
umount "$mnt"
e2fsck -fn "$img" >/dev/null
gzip -9n < "$img" > "$out"
echo "wrote $out ($(stat -c %s "$out") bytes)"
