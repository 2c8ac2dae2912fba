#!/bin/sh
# mkinitrd.sh OUT.cpio FILE... [--dir NAME FILE...]...
# Packs the files into a cpio "newc" archive, each under /bin/ by its base
# name, or under /NAME/ after `--dir NAME`. The kernel's ramfs
# (kernel/ramfs.c) serves it read-only.
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
  cp "$1" "$tmp/$dir/$(basename "$1")"
  shift
done
(cd "$tmp" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc --quiet) > "$out"
