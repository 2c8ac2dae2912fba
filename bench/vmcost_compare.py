#!/usr/bin/env python3
"""bench-vm: the kernel's hot paths in guest instructions, Pagoda vs Linux.

Boots build/bench/vmcost (bench/vmcost.c) twice under the same QEMU (TCG,
`-icount shift=0`, so rdtsc counts retired guest instructions):
  - on Pagoda, as the first process (tools/pagoda-run --icount);
  - on Debian's Linux kernel (/boot/vmlinuz-*, package linux-image-cloud-amd64,
    which tools/setup.sh --bench installs), as /init of a one-file initramfs.
and prints both with the ratio, then `vm: worst_ratio=R`: the highest
Pagoda/Linux ratio over the rows that measure kernel work (a write to a
present page counts user instructions only and is left out). Lower is better.
"""
import concurrent.futures
import glob
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROG = os.path.join(ROOT, "build", "bench", "vmcost")
CPU = "qemu64,+smep,+smap,+pdpe1gb"
# Debian's kernel has transparent huge pages "always": a large touched area
# would be 2 MiB pages there (fork copies one entry per 2 MiB). Pagoda maps
# user memory in 4 KiB pages only, so Linux is measured with them too.
LINUX_ARGS = "transparent_hugepage=never"
LINUX_INIT = os.path.join(ROOT, "build", "bench", "linux_init")
LINUX_TIMEOUT = 3000   # seconds per CPU


def figures(text, tag):
    """The `TAG: key=N` lines a benchmark prints, as a dict."""
    return {k: int(v) for k, v in re.findall(r"%s: (\w+)=(\d+)" % tag, text)}


def run_pagoda(prog=PROG, mem="128M"):
    """The program's output on Pagoda (the first process), under -icount."""
    p = subprocess.run([os.path.join(ROOT, "tools", "pagoda-run"), "--icount", "--mem", mem, "--timeout", "3000",
                        prog], capture_output=True, text=True, timeout=3000)
    return p.stdout


def run_linux(prog=PROG, mem="256M", cpu=CPU, smp=1, append="", args=(), init=False):
    """The program's output on Linux (/boot/vmlinuz-*), and the kernel's
    name; (None, None) without a kernel. smp: CPUs; append: more
    command-line words; args: the program's arguments. The program is /init
    itself, or with init (always with several CPUs) a child of
    build/bench/linux_init, which brings the CPUs online first (the kernel
    boots with maxcpus=1: see bench/linux_init.c) and lets the console drain
    before power-off."""
    kernels = sorted(glob.glob("/boot/vmlinuz-*"))
    if not kernels:
        return None, None
    init = init or smp > 1
    with tempfile.TemporaryDirectory() as tmp:
        root = os.path.join(tmp, "root")
        os.makedirs(root)
        name = os.path.basename(prog) if init else "init"
        subprocess.run(["cp", prog, os.path.join(root, name)], check=True)
        words = ["--"] + [str(a) for a in args]
        if init:
            subprocess.run(["cp", LINUX_INIT, os.path.join(root, "init")], check=True)
            words = ["--"] + (["--cpus"] if smp > 1 else []) + ["/" + name] + words[1:]
            if smp > 1:
                append = "maxcpus=1 " + append
        cpio = os.path.join(tmp, "init.cpio")
        names = "init\n" + ("%s\n" % name if init else "")
        with open(cpio, "wb") as out:
            subprocess.run(["cpio", "-o", "-H", "newc", "--quiet"], input=names.encode(), cwd=root, stdout=out,
                           check=True)
        cmd = ["qemu-system-x86_64", "-machine", "pc", "-cpu", cpu, "-m", mem, "-no-reboot",
               "-display", "none", "-serial", "stdio", "-icount", "shift=0", "-smp", str(smp),
               "-kernel", kernels[-1], "-initrd", cpio,
               "-append", "console=ttyS0 quiet panic=-1 rdinit=/init %s %s %s" % (LINUX_ARGS, append,
                                                                                   " ".join(words))]
        try:
            out = subprocess.run(cmd, capture_output=True, timeout=LINUX_TIMEOUT * smp,
                                 stdin=subprocess.DEVNULL).stdout
        except subprocess.TimeoutExpired as e:
            out = e.stdout or b""
    return out.decode("utf-8", "replace"), os.path.basename(kernels[-1])


# (key, description, counts kernel work: in worst_ratio)
ROWS = (
    ("getpid", "getpid round trip", True),
    ("demand_zero_fault", "demand-zero fault", True),
    ("cow_fault_copy", "COW fault, copy (child)", True),
    ("cow_fault_reuse", "COW fault, reuse (parent)", True),
    ("present_write", "write to a present page", False),
    ("mprotect", "mprotect 1 page (split/merge)", True),
    ("mmap_munmap", "mmap + munmap 1 page", True),
    ("mmap_touch_munmap", "mmap + touch + munmap", True),
    ("munmap_per_page", "munmap touched, per page", True),
    ("fork_16m", "fork 16 MiB touched (parent)", True),
)


def ratio(p, l):
    return p / l if p is not None and l else None


def main():
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        fp, fl = pool.submit(run_pagoda), pool.submit(run_linux)
        (linux, name) = fl.result()
        pagoda, linux = figures(fp.result(), "vmcost"), figures(linux or "", "vmcost")
    ref = "Linux %s" % name.replace("vmlinuz-", "") if name else "Linux (no /boot/vmlinuz-*)"
    print("%-32s %10s %22s %7s" % ("guest instructions", "Pagoda", ref[:22], "ratio"))
    worst = None
    for key, what, kernel in ROWS:
        p, l = pagoda.get(key), linux.get(key)
        r = ratio(p, l)
        if kernel and r is not None:
            worst = max(worst or 0, r)
        shown = "%.2f" % r if r is not None else "-"
        print("%-32s %10s %22s %7s%s" % (what, "?" if p is None else p, "?" if l is None else l, shown,
                                         "" if kernel else "  (user only)"))
    print("vm: worst_ratio=%s" % ("%.2f" % worst if worst is not None else "?"))
    return 0 if len(pagoda) == len(ROWS) else 1


if __name__ == "__main__":
    sys.exit(main())
