#!/usr/bin/env python3
"""bench-scale: do the VM's costs stay flat as a process grows? Pagoda vs Linux.

Runs build/bench/vmscale (bench/vmscale.c) on Pagoda and on Debian's Linux
under the same QEMU (TCG, `-icount shift=0`: guest instructions), both with
1 GiB of RAM (256 MiB is touched), the way bench/vmcost_compare.py does, and
prints each row beside Linux's with the ratio, then each family's growth:
fork from 16 to 256 MiB (16x the pages: linear is 16), the area rows from
1,000 to 60,000 areas (a balanced tree's log n: about 1.6x). Lower is better.
"""
import concurrent.futures
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vmcost_compare as vc  # noqa: E402

PROG = os.path.join(vc.ROOT, "build", "bench", "vmscale")
MEM = "1G"
ROWS = (
    ("fork_1m", "fork, 1 MiB touched (parent)"),
    ("fork_16m", "fork, 16 MiB touched (parent)"),
    ("fork_256m", "fork, 256 MiB touched (parent)"),
    ("exit_256m", "exit, 256 MiB touched"),
    ("pte_pages_per_million", "page-table pages per 1e6 resident"),
) + tuple(("areas%d_%s" % (n, op), "%s, %d areas" % (what, n))
          for op, what in (("mmap", "mmap+munmap 1 page"), ("mprotect", "mprotect 1 page"),
                           ("fault", "demand-zero fault"))
          for n in (10, 1000, 60000))
GROWTH = (("fork_256m", "fork_16m", "fork 16 -> 256 MiB (pages x16)"),
          ("areas60000_mmap", "areas1000_mmap", "mmap 1,000 -> 60,000 areas"),
          ("areas60000_mprotect", "areas1000_mprotect", "mprotect 1,000 -> 60,000 areas"),
          ("areas60000_fault", "areas1000_fault", "fault 1,000 -> 60,000 areas"))


def show(v):
    return "?" if v is None else str(v)


def main():
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        fp, fl = pool.submit(vc.run_pagoda, PROG, MEM), pool.submit(vc.run_linux, PROG, MEM)
        linux, name = fl.result()
        pagoda, linux = vc.figures(fp.result(), "vmscale"), vc.figures(linux or "", "vmscale")
    ref = "Linux %s" % name.replace("vmlinuz-", "") if name else "Linux (no /boot/vmlinuz-*)"
    print("%-40s %11s %22s %7s" % ("guest instructions", "Pagoda", ref[:22], "ratio"))
    for key, what in ROWS:
        p, l = pagoda.get(key), linux.get(key)
        r = "%.2f" % (p / l) if p is not None and l else "-"
        print("%-40s %11s %22s %7s" % (what, show(p), show(l), r))
    print("growth (cost at the larger size / at the smaller):")
    for big, small, what in GROWTH:
        g = ["%.2f" % (d[big] / d[small]) if d.get(big) is not None and d.get(small) else "?"
             for d in (pagoda, linux)]
        print("  %-38s Pagoda %6s   Linux %6s" % (what, g[0], g[1]))
    print("scale: " + " ".join("%s=%s" % (k, show(pagoda.get(k))) for k, _ in ROWS))
    return 0 if len(pagoda) == len(ROWS) else 1


if __name__ == "__main__":
    sys.exit(main())
