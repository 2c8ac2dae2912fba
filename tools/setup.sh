#!/usr/bin/env bash
# Install the Debian packages Pagoda's build, tests, benchmarks and gdb need.
# Idempotent: asks apt-get only for what is missing, and runs `apt-get update`
# only when something is. Uses sudo when not root. Called by the Makefile when
# a tool is missing; safe to run by hand.
set -euo pipefail

# package -> a file that proves it is installed
packages=(
  "qemu-system-x86:/usr/bin/qemu-system-x86_64"
  "nasm:/usr/bin/nasm"
  "grub-pc-bin:/usr/lib/grub/i386-pc/multiboot2.mod"
  "grub-common:/usr/bin/grub-mkrescue"
  "xorriso:/usr/bin/xorriso"
  "mtools:/usr/bin/mcopy"
  "musl-tools:/usr/bin/musl-gcc"
  "gdb:/usr/bin/gdb"
  "cpio:/usr/bin/cpio"
  "libgc-dev:/usr/include/gc.h"
  "python3:/usr/bin/python3"
  "binutils:/usr/bin/objdump"
  "gcc:/usr/bin/gcc"
  "make:/usr/bin/make"
  "e2fsprogs:/usr/sbin/mke2fs"
  "libc6-dev:/usr/lib/x86_64-linux-gnu/libc.a"
  "busybox-static:/bin/busybox"
  "bash-static:/bin/bash-static"
  "chromium:/usr/bin/chromium"
)

# A Linux kernel image to compare against: the benchmarks boot it under the
# same QEMU (bench/vmcost_compare.py), and so does the pagoda suite, whose
# soft-dirty test needs a kernel built with CONFIG_MEM_SOFT_DIRTY (Debian's).
if ! ls /boot/vmlinuz-* >/dev/null 2>&1; then
  packages+=("linux-image-cloud-amd64:/boot/vmlinuz-missing")
fi

# `setup.sh --bench-malloc`: the allocators make bench-malloc compares with.
if [ "${1:-}" = "--bench-malloc" ]; then
  packages+=(
    "libjemalloc2:/usr/lib/x86_64-linux-gnu/libjemalloc.so.2"
    "libmimalloc2.0:/usr/lib/x86_64-linux-gnu/libmimalloc.so.2"
    "libtcmalloc-minimal4:/usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4"
  )
fi

missing=()
for entry in "${packages[@]}"; do
  pkg=${entry%%:*}
  file=${entry#*:}
  [ -e "$file" ] || missing+=("$pkg")
done

[ ${#missing[@]} -eq 0 ] && exit 0

echo "setup: installing ${missing[*]}" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
