#!/usr/bin/env python3
"""bench-smp: what several CPUs cost, in guest instructions, Pagoda vs Linux.

Boots build/bench/smpcost (bench/smpcost.c) under the same QEMU (TCG,
`-icount shift=0`: the CPUs take turns on one host thread and rdtsc counts
the instructions of all of them, so a figure is the whole machine's work)
with 1, 2 and 4 CPUs, on Pagoda (the first process, tools/pagoda-run
--icount --smp N) and on Debian's Linux 6.1 (the same -smp N; booted with
maxcpus=1 and its other CPUs brought online by bench/linux_init before the
program starts: under -icount QEMU 7.2 never gives a starting CPU a turn
while Linux's CPU 0 waits for it, see bench/linux_init.c). The 1-CPU boots
have `nopcid` on both command lines; the context switch is measured with
PCID as well only where the CPU offers it (QEMU 7.2's TCG does not).
Then build/bench/thpcost (bench/thpcost.c): a TLB-heavy loop over 1 GiB
with 4 KiB and with 2 MiB pages, page walks counted.

Prints one table per program, each figure beside Linux's and the ratio
(lower is better), and for the rows the issue sets a goal (a switch and a
shootdown at <= 1/3 of Linux's instructions; >= 4x fewer page walks) whether
it is met. Progress goes to stderr.
"""
import concurrent.futures
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vmcost_compare as vc  # noqa: E402

ROOT = vc.ROOT
PROG = os.path.join(ROOT, "build", "bench", "smpcost")
CPU = "qemu64,+smep,+smap,+pdpe1gb,+pcid,+invpcid"
GOAL = 1 / 3

# (label, cpus, figure, the goal applies)
ROWS = (
    ("context switch, 1 CPU, nopcid", 1, "ctx_switch", True),
    ("munmap 1 page, 1 thread on 1 CPU", 1, "munmap_1page", False),
    ("munmap 1 page, 2 threads on 2 CPUs", 2, "munmap_threads", True),
    ("munmap 1 page, 4 threads on 4 CPUs", 4, "munmap_threads", True),
    ("munmap 1 page, 1 thread, 2 CPUs", 2, "munmap_1page", False),
    ("munmap 1 page, 1 thread, 4 CPUs", 4, "munmap_1page", False),
)
PCID_ROW = "context switch, 1 CPU, PCID"


def progress(msg):
    print("bench-smp: %s" % msg, file=sys.stderr, flush=True)


def figures(text, tag):
    return {k: int(v) for k, v in re.findall(r"%s: (\w+)=(\d+)" % tag, text or "")}


def run_pagoda(prog, cpus, words, args, mem="256M"):
    cmd = [os.path.join(ROOT, "tools", "pagoda-run"), "--icount", "--smp", str(cpus), "--cpu", CPU, "--mem", mem,
           "--timeout", "3000"] + (["--cmdline", words] if words else []) + [prog] + [str(a) for a in args]
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=3100).stdout
    except subprocess.TimeoutExpired as e:
        return e.stdout.decode("utf-8", "replace") if isinstance(e.stdout, bytes) else e.stdout


def run_linux(prog, cpus, words, args, mem="256M"):
    return vc.run_linux(prog, mem=mem, cpu=CPU, smp=cpus, append=words, args=args, init=True)[0]


def boot(kernel, prog, tag, cpus, words, args, mem="256M"):
    """Figures of one boot, timed, with a progress line."""
    t = time.time()
    got = figures((run_pagoda if kernel == "pagoda" else run_linux)(prog, cpus, words, args, mem), tag)
    progress("%-6s %-8s -smp %d %-28s %4.0f s, %d figures" % (kernel, tag, cpus, words, time.time() - t, len(got)))
    return got


def boots(jobs):
    """Runs (kernel, prog, tag, cpus, words, args[, mem]) boots two at a time; their figures by job."""
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        futures = {job: pool.submit(boot, *job) for job in jobs}
        return {job: f.result() for job, f in futures.items()}


def cell(v):
    return "-" if v is None else "{:,}".format(v)


def row(label, p, l, goal_ratio=None, note=""):
    r = p / l if p is not None and l else None
    verdict = ""
    if goal_ratio is not None and r is not None:
        verdict = "met" if r <= goal_ratio else "not met"
    print("%-38s %12s %12s %6s  %-8s %s" % (label, cell(p), cell(l), "-" if r is None else "%.2f" % r, verdict,
                                           note))


def smp_table():
    words = {1: "nopcid", 2: "", 4: ""}
    jobs = [(k, PROG, "smpcost", c, words[c], (c,)) for c in (1, 2, 4) for k in ("pagoda", "linux")]
    got = boots(jobs)
    fig = {(k, c): got[(k, PROG, "smpcost", c, words[c], (c,))] for k, _, _, c, _, _ in jobs}
    pcid = {k: fig[(k, 1)].get("pcid") for k in ("pagoda", "linux")}
    if any(pcid.values()):
        extra = boots([(k, PROG, "smpcost", 1, "", (1,)) for k in ("pagoda", "linux")])
        pc = {k: extra[(k, PROG, "smpcost", 1, "", (1,))].get("ctx_switch") for k in ("pagoda", "linux")}
    print("%-38s %12s %12s %6s  %-8s" % ("guest instructions (-icount shift=0)", "Pagoda", "Linux 6.1", "ratio",
                                        "<= 1/3"))
    if any(pcid.values()):
        row(PCID_ROW, pc["pagoda"], pc["linux"], GOAL)
    else:
        row(PCID_ROW, None, None, note="not measured: this QEMU's CPU has no PCID (CPUID.01H:ECX bit 17)")
    for label, c, key, goal in ROWS:
        row(label, fig[("pagoda", c)].get(key), fig[("linux", c)].get(key), GOAL if goal else None)
    for c in (2, 4):
        print("  shootdown IPIs counted in the 128 munmaps with %d threads (one per other CPU: %d): Pagoda %s, "
              "Linux %s" % (c, 128 * (c - 1), cell(fig[("pagoda", c)].get("tlb_ipis")),
                            cell(fig[("linux", c)].get("tlb_ipis"))))
        print("  CPUs the %d pinned threads ran on (sched_getcpu, want %d): Pagoda %s, Linux %s"
              % (c, c, cell(fig[("pagoda", c)].get("cpus_used")), cell(fig[("linux", c)].get("cpus_used"))))
    print("(- : not measured: the program did not report it, or no Linux kernel in /boot)")


# ---- 2 MiB pages (bench/thpcost.c): a TLB-heavy loop over 1 GiB, 1 CPU ----
# Both kernels get 1.5 GiB and the same binary; Linux with
# transparent_hugepage=madvise (after LINUX_ARGS' never), so MADV_HUGEPAGE
# gives 2 MiB pages and MADV_NOHUGEPAGE 4 KiB ones on both.
THP_PROG = os.path.join(ROOT, "build", "bench", "thpcost")
THP_MEM = "1536M"
THP_ROWS = (
    ("1 GiB first touch, 4 KiB pages", "thp_touch_4k"),
    ("1 GiB first touch, 2 MiB pages", "thp_touch_2m"),
    ("1 GiB TLB loop, 4 KiB pages", "thp_loop_4k"),
    ("1 GiB TLB loop, 2 MiB pages", "thp_loop_2m"),
    ("  page walks (accessed bits), 4 KiB", "thp_walks_4k"),
    ("  page walks (accessed bits), 2 MiB", "thp_walks_2m"),
)


def thp_table():
    jobs = [(k, THP_PROG, "thpcost", 1, "transparent_hugepage=madvise" if k == "linux" else "", (s,), THP_MEM)
            for k in ("pagoda", "linux") for s in ("4k", "2m")]
    got = {}
    for job, f in boots(jobs).items():
        got.setdefault(job[0], {}).update(f)
    print("%-38s %12s %12s %6s" % ("2 MiB pages (thpcost, 1 CPU)", "Pagoda", "Linux 6.1", "ratio"))
    for label, key in THP_ROWS:
        row(label, got["pagoda"].get(key), got["linux"].get(key))
    for k in ("pagoda", "linux"):
        w4, w2 = got[k].get("thp_walks_4k"), got[k].get("thp_walks_2m")
        fewer = w4 / w2 if w4 and w2 else None
        print("%s: %s times fewer page walks with 2 MiB pages (goal >= 4: %s); AnonHugePages %s kB / %s kB"
              % (k, "-" if fewer is None else "%.0f" % fewer, "-" if fewer is None else
                 "met" if fewer >= 4 else "not met", got[k].get("thp_huge_kb_2m"), got[k].get("thp_huge_kb_4k")))


def main():
    progress("6 boots of smpcost (Pagoda and Linux at 1, 2, 4 CPUs), then 4 of thpcost, two at a time")
    smp_table()
    thp_table()
    return 0


if __name__ == "__main__":
    sys.exit(main())
