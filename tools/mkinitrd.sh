#!/bin/sh
# mkinitrd.sh OUT.cpio FILE...
# Packs the files into a cpio "newc" archive: each under /bin/ by its base
# name. The kernel's ramfs (kernel/ramfs.c) serves it read-only.
set -e
out=$1; shift
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mkdir -p "$dir/bin"
for f in "$@"; do
  cp "$f" "$dir/bin/$(basename "$f")"
done
(cd "$dir" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc --quiet) > "$out"
