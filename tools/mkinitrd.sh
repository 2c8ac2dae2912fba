#!/bin/sh
# mkinitrd.sh OUT.cpio FILE... [--dir NAME FILE...]...
# Packs the files into a cpio "newc" archive, each under /bin/ by its base
# name, or under /NAME/ after `--dir NAME`. The kernel's ramfs
# (kernel/ramfs.c) serves it read-only. The ramdisk stays in RAM for the
# whole boot, so programs go in without their debug sections (gdb reads
# those from build/, not from the ramdisk): a 32 MiB machine must boot.
set -e
out=$1; shift
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
dir=bin
mkdir -p "$tmp/$dir"
while [ $# -gt 0 ]; do
  if [ "$1" = "--dir" ]; then
    dir=$2; shift 2
    mkdir -p "$tmp/$dir"
    continue
  fi
  dst="$tmp/$dir/$(basename "$1")"
  if readelf -S "$1" 2>/dev/null | grep -q '\.debug_info'; then
    strip --strip-debug -o "$dst" "$1"
  else
    cp "$1" "$dst"
  fi
  shift
done
(cd "$tmp" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc --quiet) > "$out"
