#!/usr/bin/env python3
"""bench-vm: the kernel's hot paths in guest instructions, Pagoda vs Linux.

Boots build/bench/vmcost (bench/vmcost.c) twice under the same QEMU (TCG,
`-icount shift=0`, so rdtsc counts retired guest instructions):
  - on Pagoda, as the first process (tools/pagoda-run --icount);
  - on Debian's Linux kernel (/boot/vmlinuz-*, package linux-image-cloud-amd64,
    which tools/setup.sh --bench installs), as /init of a one-file initramfs.
and prints both with the ratio. Lower is better.
"""
import glob
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROG = os.path.join(ROOT, "build", "bench", "vmcost")
CPU = "qemu64,+smep,+smap,+pdpe1gb"


def figures(text):
    return {k: int(v) for k, v in re.findall(r"vmcost: (\w+)=(\d+)", text)}


def run_pagoda():
    p = subprocess.run([os.path.join(ROOT, "tools", "pagoda-run"), "--icount", PROG],
                       capture_output=True, text=True, timeout=300)
    return figures(p.stdout)


def run_linux():
    kernels = sorted(glob.glob("/boot/vmlinuz-*"))
    if not kernels:
        return None, None
    with tempfile.TemporaryDirectory() as tmp:
        os.makedirs(os.path.join(tmp, "root"))
        subprocess.run(["cp", PROG, os.path.join(tmp, "root", "init")], check=True)
        cpio = os.path.join(tmp, "init.cpio")
        with open(cpio, "wb") as out:
            subprocess.run(["cpio", "-o", "-H", "newc", "--quiet"], input=b"init\n",
                           cwd=os.path.join(tmp, "root"), stdout=out, check=True)
        cmd = ["qemu-system-x86_64", "-machine", "pc", "-cpu", CPU, "-m", "256M", "-no-reboot",
               "-display", "none", "-serial", "stdio", "-icount", "shift=0",
               "-kernel", kernels[-1], "-initrd", cpio,
               "-append", "console=ttyS0 quiet panic=-1 rdinit=/init"]
        p = subprocess.run(cmd, capture_output=True, timeout=300, stdin=subprocess.DEVNULL)
    return figures(p.stdout.decode("utf-8", "replace")), os.path.basename(kernels[-1])


def main():
    pagoda = run_pagoda()
    linux, name = run_linux()
    ref = "Linux %s" % name.replace("vmlinuz-", "") if name else "Linux (no /boot/vmlinuz-*)"
    print("%-22s %12s %22s %8s" % ("guest instructions", "Pagoda", ref[:22], "ratio"))
    for key in ("getpid", "demand_zero_fault", "cow_fault_copy"):
        p = pagoda.get(key)
        l = linux.get(key) if linux else None
        ratio = "%.2f" % (p / l) if p and l else "-"
        print("%-22s %12s %22s %8s" % (key, p if p is not None else "?", l if l is not None else "?", ratio))
    print("vm: getpid=%s demand_zero=%s cow_copy=%s linux_getpid=%s linux_demand_zero=%s linux_cow_copy=%s"
          % tuple(str(d.get(k, "?")) if d else "?" for d in (pagoda, linux)
                  for k in ("getpid", "demand_zero_fault", "cow_fault_copy")))
    return 0 if pagoda else 1


if __name__ == "__main__":
    sys.exit(main())
