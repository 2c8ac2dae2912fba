#!/usr/bin/env python3
"""bench-swap: the kernel's replacement policies beside Belady's MIN and exact LRU.

1. A probe boot (--mem 32M, a swap disk) touches twice RAM and reports how
   many of its pages stayed resident: F, the frames a process gets.
2. tools/refstrings.py records the five reference strings for F frames in
   build/bench/swap/ (sequential, random, a loop 10% larger than RAM, a
   working set that shifts, a hot set with a scan going by).
3. For each policy (`swap_policy=` on the kernel command line) one boot runs
   bench/swapreplay.c over every string, each in a fresh process (fault
   counts do not depend on time: no -icount needed); one more boot replays
   the random string under `-icount shift=0` for the wall cost of a major
   fault (guest instructions per faulting touch, the idle wait for the disk
   included), tools/kprof majfault counts the kernel instructions of one
   (no idle loop), and one boot runs the `thrash` sweep (under lru2). With
   --jobs N, N of these boots run at once.
4. tools/swapsim.py computes, for each string at the frame count that run
   held (its largest mincore-resident count), the major faults of MIN,
   exact LRU and the model of each kernel policy.

The table puts the kernel's counted major faults (ru_majflt) beside the
models; the cost of a major fault is the mean span, in guest instructions,
of a touch that took one (rdtsc under -icount counts instructions).
Lower is better everywhere. Goals (issue 14): clock within 15% of LRU (the
classic clock, the lab's, and gclock, the kernel's clock with use counts);
lru2 within 10% of LRU and 1.5x MIN on `shift`; on `hotscan` the hot set
survives the scan (lru2 below LRU).

5. With --readahead N (instead of 3-4): swap-in readahead off and at N
   (`swap_readahead=`), each in one -icount boot replaying seq and random
   under lru2: major faults, pages read from swap (pswpin), faults that
   found a page read ahead, and the replay's guest instructions.

usage: bench/swap_compare.py [--mem 32M] [--swap 256M] [--policies fifo,clock,gclock,lru2] [--thrash-policy lru2]
                              [--counts-only] [--jobs N]
       bench/swap_compare.py --frames FRAMES --readahead N
       bench/swap_compare.py --offline FRAMES   (the models only, no boot)
       bench/swap_compare.py --frames FRAMES    (no probe boot: a frame count measured before)
"""
import argparse
import concurrent.futures
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import refstrings  # noqa: E402
import swapsim  # noqa: E402

OUT = os.path.join(ROOT, "build", "bench", "swap")
REPLAY = os.path.join(ROOT, "build", "bench", "swapreplay")
KINDS = ("seq", "random", "loop", "shift", "hotscan")
MODELS = ("min", "lru", "fifo", "clock", "gclock", "lru2")


def pagoda(args, prog, prog_args, policy, adds=(), timeout=3600, icount=False, extra=""):
    cmd = [os.path.join(ROOT, "tools", "pagoda-run"), "--mem", args.mem, "--swap", args.swap,
           "--timeout", str(timeout), "--cmdline", "swap_policy=" + policy + extra] + (["--icount"] if icount else [])
    for f in adds:
        cmd += ["--add", f]
    p = subprocess.run(cmd + [prog] + list(prog_args), capture_output=True, text=True, timeout=timeout + 60)
    return p.stdout, p.returncode


def probe(args):
    pages = 2 * parse_size(args.mem) // 4096
    out, status = pagoda(args, REPLAY, ["--probe", str(pages)], "fifo")
    m = re.search(r"swapreplay: probe pages=\d+ resident=(\d+)", out)
    if not m:
        sys.exit("bench-swap: the probe boot printed no resident count (status %d):\n%s" % (status, out[-2000:]))
    return int(m.group(1))


def parse_size(s):
    return int(s[:-1]) << {"K": 10, "M": 20, "G": 30}[s[-1].upper()] if s[-1].isalpha() else int(s)


def record(frames):
    os.makedirs(OUT, exist_ok=True)
    paths = []
    for kind in KINDS:
        path = os.path.join(OUT, "%s.ref" % kind)
        refstrings.write(path, kind, frames)
        paths.append(path)
    return paths


def replay(args, policy, paths, icount=False, extra=""):
    out, status = pagoda(args, REPLAY, ["/bin/" + os.path.basename(p) for p in paths], policy, adds=paths,
                         icount=icount, extra=extra)
    runs = {}
    for line in out.splitlines():
        if line.startswith("swapreplay: kind="):
            fields = dict(w.split("=", 1) for w in line.split()[1:])
            runs[fields["kind"]] = fields
    return runs, status, out


def thrash(args, policy):
    out, _ = pagoda(args, os.path.join(ROOT, "build", "user", "bin", "thrash"), [], policy)
    return [l for l in out.splitlines() if "of RAM" in l]


def models(path, frames):
    _, refs = refstrings.read(path)
    return {m: swapsim.major_faults(refs, frames, m) for m in MODELS}


def ratio(a, b):
    return "%.2f" % (a / b) if b else ("1.00" if a == b else "inf")


def print_table(policies, runs, paths):
    """The table; returns {(policy, kind): (kernel/LRU, kernel/MIN)} for the goals."""
    ratios = {}
    print("%-8s %6s %6s | %-26s | %6s %6s | %s" % ("string", "frames", "pages", "kernel major faults (model)",
                                                   "MIN", "LRU", "vs LRU / vs MIN"))
    for kind, path in zip(KINDS, paths):
        held = [int(runs[p][kind]["resident"]) for p in policies if kind in runs[p]]
        if not held:
            print("%-8s no run" % kind)
            continue
        frames = max(held)
        m = models(path, frames)
        cells = ["%s %s(%d)" % (p, runs[p][kind]["majflt"] if kind in runs[p] else "?", m.get(p, -1))
                 for p in policies]
        rel = ["%s %s/%s" % (p, ratio(int(runs[p][kind]["majflt"]), m["lru"]),
                             ratio(int(runs[p][kind]["majflt"]), m["min"]))
               for p in policies if kind in runs[p]]
        for p in policies:
            if kind in runs[p]:
                k = int(runs[p][kind]["majflt"])
                ratios[p, kind] = (k / m["lru"] if m["lru"] else k + 1.0, k / m["min"] if m["min"] else float("inf"))
        print("%-8s %6d %6s | %-26s | %6d %6d | %s" % (kind, frames, runs[policies[0]].get(kind, {}).get("pages", "?"),
                                                     " ".join(cells), m["min"], m["lru"], "  ".join(rel)))
    return ratios


# Issue 14's goals: (policy, what, the test on (vs LRU, vs MIN) of one string, the strings it covers).
GOALS = [("clock", "within 15% of LRU", lambda r: r[0] <= 1.15, KINDS),
         ("gclock", "within 15% of LRU", lambda r: r[0] <= 1.15, KINDS),
         ("lru2", "within 10% of LRU", lambda r: r[0] <= 1.10, KINDS),
         ("lru2", "within 1.5x MIN on shift", lambda r: r[1] <= 1.5, ("shift",)),
         ("lru2", "scan resistant: below LRU on hotscan", lambda r: r[0] < 1.0, ("hotscan",))]


def print_goals(ratios):
    for policy, what, test, kinds in GOALS:
        have = [k for k in kinds if (policy, k) in ratios]
        if not have:
            continue
        missed = [k for k in have if not test(ratios[policy, k])]
        print("goal: %-6s %-38s %s" % (policy, what, "NOT MET on " + ",".join(missed) if missed else "met"))


def print_data(policies, runs):
    for p in policies:
        lost = [k for k, r in runs[p].items() if r["checked"] != "yes"]
        print("%-6s data %s" % (p, "LOST in " + ",".join(lost) if lost else "intact in every string"))


def wall_cost(args, paths):
    """Guest instructions per faulting touch: the random string under lru2 and -icount shift=0."""
    runs, _, _ = replay(args, "lru2", [p for p in paths if p.endswith("random.ref")], icount=True)
    r = runs.get("random")
    if r and int(r["major_timed"]):
        return ("time per major fault, wall: %d guest instructions (mean of %s faulting touches, random, lru2; "
                "with the idle wait for the disk)" % (int(r["major_insns"]) // int(r["major_timed"]), r["major_timed"]))
    return "time per major fault, wall: no figure (%r)" % r


def kernel_cost(args):
    """Kernel instructions per major fault: tools/kprof majfault under lru2."""
    p = subprocess.run([os.path.join(ROOT, "tools", "kprof"), "--top", "12", "--mem", args.mem, "--swap", args.swap,
                        "--cmdline", "swap_policy=lru2", "majfault"], capture_output=True, text=True)
    m = re.search(r"kprof: majfault total=(\d+) per op \(idle=(\d+)\)", p.stdout)
    if not m:
        return "time per major fault, kernel: no figure (kprof: %s)" % (p.stdout + p.stderr)[-800:]
    total, idle = int(m.group(1)), int(m.group(2))
    return ("time per major fault, kernel: %d kernel instructions without the idle loop (%d with it; tools/kprof "
            "majfault, lru2: the fault, the swap-in, the reclaim it causes, interrupts)\n%s"
            % (total - idle, total, "\n".join("  " + l for l in p.stdout.splitlines()[1:-1])))


def readahead(args, paths):
    """Readahead off and at N under lru2 and -icount: one boot each."""
    mine = [p for p in paths if os.path.basename(p)[:-4] in ("seq", "random")]
    print("%-8s %4s | %8s %8s %8s %8s | %14s" % ("string", "ra", "majflt", "minflt", "pswpin", "ra hits",
                                                "guest insns"))
    for n in (0, args.readahead):
        runs, status, out = replay(args, "lru2", mine, icount=True, extra=" swap_readahead=%d" % n)
        for kind in ("seq", "random"):
            r = runs.get(kind)
            if not r:
                print("%-8s %4d | no run (status %d)" % (kind, n, status))
                continue
            print("%-8s %4d | %8s %8s %8s %8s | %14s%s" % (kind, n, r["majflt"], r["minflt"], r["pswpin"],
                                                           r["ra_hit"], r["insns"],
                                                           "" if r["checked"] == "yes" else "  DATA LOST"),
                  flush=True)


def offline(frames):
    paths = record(frames)
    print("%-8s %8s %7s  %s" % ("string", "refs", "pages", "  ".join("%6s" % m for m in MODELS)))
    for kind, path in zip(KINDS, paths):
        _, refs = refstrings.read(path)
        m = models(path, frames)
        print("%-8s %8d %7d  %s" % (kind, len(refs), len(set(refs)), "  ".join("%6d" % m[x] for x in MODELS)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--mem", default="32M")   # the smallest that boots: fewer frames, shorter strings
    ap.add_argument("--swap", default="256M")
    ap.add_argument("--policies", default="fifo,clock,gclock,lru2")
    ap.add_argument("--counts-only", action="store_true", help="the replays and their table only")
    ap.add_argument("--jobs", type=int, default=1, help="boots at once (default 1)")
    ap.add_argument("--thrash-policy", default="lru2")
    ap.add_argument("--offline", type=int, metavar="FRAMES")
    ap.add_argument("--frames", type=int, help="skip the probe: strings for this many frames")
    ap.add_argument("--readahead", type=int, metavar="N", help="compare swap_readahead=0 and N only")
    args = ap.parse_args()
    if args.offline:
        offline(args.offline)
        return 0
    policies = args.policies.split(",")
    frames = args.frames or probe(args)
    print("bench-swap: --mem %s --swap %s; the probe held %d frames; strings recorded for %d in %s"
          % (args.mem, args.swap, frames, frames, os.path.relpath(OUT, ROOT)), flush=True)
    paths = record(frames)
    if args.readahead:
        readahead(args, paths)
        return 0
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:   # boots; counts do not depend on timing
        boots = {p: pool.submit(replay, args, p, paths) for p in policies}
        extra = [] if args.counts_only else [pool.submit(wall_cost, args, paths), pool.submit(kernel_cost, args),
                                              pool.submit(thrash, args, args.thrash_policy)]
        runs = {}
        for p in policies:
            runs[p], status, out = boots[p].result()
            print("\n".join(l for l in out.splitlines() if l.startswith("swapreplay:")), flush=True)
            if status != 0:
                print("bench-swap: %s: swapreplay exited %d:\n%s" % (p, status, out[-1500:]))
        print_goals(print_table(policies, runs, paths))
        print_data(policies, runs)
        if args.counts_only:
            return 0
        print(extra[0].result())
        print(extra[1].result())
        print("thrash sweep, swap_policy=%s:" % args.thrash_policy)
        print("\n".join("  " + l for l in extra[2].result()) or "  (no output)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
