#!/usr/bin/env python3
"""bench-file: file-backed memory in guest instructions, Pagoda vs Linux.

Runs build/bench/filecost (bench/filecost.c) under the same QEMU (TCG,
`-icount shift=0`: rdtsc counts retired guest instructions), with its
directory on an ext2 disk image made by mke2fs -d (cold.bin, 16 MiB, is read
from the disk by the "disk-read fault" figure):
  - on Pagoda: tools/pagoda-run --icount --disk IMG filecost /mnt;
  - on Debian's Linux kernel (/boot/vmlinuz-*, from tools/setup.sh --bench),
    from an initramfs holding filecost, the virtio-blk modules, and
    a loader (bench/linux_init.c) that loads them and mounts the image.
Prints both with the ratio; lower is better.
"""
import glob
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROG = os.path.join(ROOT, "build", "bench", "filecost")
LINUX_INIT = os.path.join(ROOT, "build", "bench", "linux_init")
CPU = "qemu64,+smep,+smap,+pdpe1gb"
KEYS = ("cached_file_fault", "disk_read_fault", "demand_zero_fault", "msync_1000_dirty", "read_cached_1mib")


def figures(text):
    return {k: int(v) for k, v in re.findall(r"filecost: (\w+)=(\d+)", text)}


def make_image(tmp):
    seed = os.path.join(tmp, "seed")
    os.makedirs(seed)
    with open(os.path.join(seed, "cold.bin"), "wb") as f:
        f.write(os.urandom(16 << 20))
    img = os.path.join(tmp, "disk.img")
    subprocess.run(["mke2fs", "-q", "-F", "-t", "ext2", "-b", "4096", "-d", seed, img, "96M"], check=True,
                   capture_output=True)
    return img


def run_pagoda(tmp):
    img = make_image(os.path.join(tmp, "pagoda"))
    p = subprocess.run([os.path.join(ROOT, "tools", "pagoda-run"), "--icount", "--timeout", "600",
                        "--disk", img, PROG, "/mnt"], capture_output=True, text=True, timeout=900)
    return figures(p.stdout)


def run_linux(tmp):
    """Returns (figures, kernel name) or (None, why there is no Linux column)."""
    kernels = sorted(glob.glob("/boot/vmlinuz-*"))
    if not kernels:
        return None, "no Linux kernel image in /boot (tools/setup.sh --bench installs one)"
    version = os.path.basename(kernels[-1]).replace("vmlinuz-", "")
    mods = glob.glob("/lib/modules/%s/kernel/drivers/virtio/*.ko" % version) + \
        glob.glob("/lib/modules/%s/kernel/drivers/block/virtio_blk.ko" % version)
    if len(mods) < 6:
        return None, "the virtio modules of %s are missing" % version
    root = os.path.join(tmp, "linux", "root")
    os.makedirs(os.path.join(root, "modules"))
    for m in mods:
        subprocess.run(["cp", m, os.path.join(root, "modules")], check=True)
    subprocess.run(["cp", PROG, os.path.join(root, "filecost")], check=True)
    subprocess.run(["cp", LINUX_INIT, os.path.join(root, "init")], check=True)
    cpio = os.path.join(tmp, "linux", "init.cpio")
    names = "\n".join(["init", "filecost", "modules"] + ["modules/" + os.path.basename(m) for m in mods]) + "\n"
    with open(cpio, "wb") as out:
        subprocess.run(["cpio", "-o", "-H", "newc", "--quiet"], input=names.encode(), cwd=root, stdout=out,
                       check=True)
    img = make_image(os.path.join(tmp, "linux"))
    cmd = ["qemu-system-x86_64", "-machine", "pc", "-cpu", CPU, "-m", "256M", "-no-reboot",
           "-display", "none", "-serial", "stdio", "-icount", "shift=0",
           "-kernel", kernels[-1], "-initrd", cpio, "-drive", "file=%s,format=raw,if=virtio" % img,
           "-append", "console=ttyS0 quiet panic=-1 rdinit=/init -- --disk /filecost /mnt"]
    p = subprocess.run(cmd, capture_output=True, timeout=900, stdin=subprocess.DEVNULL)
    return figures(p.stdout.decode("utf-8", "replace")), "Linux " + version


def main():
    with tempfile.TemporaryDirectory() as tmp:
        os.makedirs(os.path.join(tmp, "pagoda"))
        os.makedirs(os.path.join(tmp, "linux"))
        pagoda = run_pagoda(tmp)
        linux, name = run_linux(tmp)
    ref = name if linux else "Linux"
    print("%-22s %12s %26s %8s" % ("guest instructions", "Pagoda", ref[:26], "ratio"))
    for key in KEYS:
        p = pagoda.get(key)
        l = linux.get(key) if linux else None
        ratio = "%.2f" % (p / l) if p and l else "-"
        print("%-22s %12s %26s %8s" % (key, p if p is not None else "?", l if l is not None else "?", ratio))
    if not linux:
        print("(no Linux column: %s)" % name)
    return 0 if pagoda else 1


if __name__ == "__main__":
    sys.exit(main())
