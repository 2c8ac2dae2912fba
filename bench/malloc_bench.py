#!/usr/bin/env python3
"""malloc_bench.py - `make bench-malloc`: Pagoda's malloc beside glibc (with and
without trimming), jemalloc, mimalloc and tcmalloc, on the classic CS:APP set
and the corpus recorded by `make traces`.

One replay binary (build/host/mreplay, bench/mreplay.c) runs every trace under
every allocator through LD_PRELOAD, one process per (trace, allocator), the
allocators interleaved trace by trace so that they share the machine's load.
Per trace and allocator it reports throughput (best of PASSES replays, Kops/s)
and utilisation (peak live payload over the peak resident memory the replay
added: the same page-level measure for all, see mreplay.c). Per set: total
operations over total best time, and the mean utilisation.

    bench/malloc_bench.py [-p PASSES] SET_NAME=TRACE,TRACE,... ...
"""
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REPLAY = os.path.join(ROOT, "build", "host", "mreplay")
LIBDIR = "/usr/lib/x86_64-linux-gnu"
NO_TRIM = "glibc.malloc.trim_threshold=1000000000:glibc.malloc.top_pad=67108864"
ALLOCATORS = [  # name, environment
    ("pagoda", {"LD_PRELOAD": os.path.join(ROOT, "build", "host", "libpagoda_malloc.so")}),
    ("glibc", {}),
    ("glibc-notrim", {"GLIBC_TUNABLES": NO_TRIM}),
    ("jemalloc", {"LD_PRELOAD": os.path.join(LIBDIR, "libjemalloc.so.2")}),
    ("mimalloc", {"LD_PRELOAD": os.path.join(LIBDIR, "libmimalloc.so.2")}),
    ("tcmalloc", {"LD_PRELOAD": os.path.join(LIBDIR, "libtcmalloc_minimal.so.4")}),
]
LINE = re.compile(r"mreplay: ops=(\d+) payload=(\d+) footprint=(\d+) util=(\S+) "
                  r"best_us=(\d+) kops=(\d+)")


def available():
    out = []
    for name, env in ALLOCATORS:
        lib = env.get("LD_PRELOAD")
        if lib and not os.path.exists(lib):
            print("bench-malloc: %s not installed (%s): skipped; tools/setup.sh --bench installs it"
                  % (name, lib))
            continue
        out.append((name, env))
    return out


def replay(trace, env, passes):
    full = dict(os.environ)
    full.pop("LD_PRELOAD", None)
    full.update(env)
    p = subprocess.run([REPLAY, "-p", str(passes), trace], env=full, capture_output=True,
                       text=True, timeout=900)
    m = LINE.search(p.stdout)
    if p.returncode != 0 or not m:
        return None
    ops, payload, footprint, util, us, kops = m.groups()
    return {"ops": int(ops), "util": float(util), "secs": int(us) / 1e6}


def run_set(label, traces, allocs, passes):
    res = {}
    for trace in traces:
        for name, env in allocs:
            res[trace, name] = replay(trace, env, passes)
    names = [n for n, _ in allocs]
    width = max(22, max(len(os.path.basename(t)) for t in traces) + 1)
    print("\n%s: Kops/s (best of %d) | util %% (peak payload / peak resident added)" % (label, passes))
    print("%-*s" % (width, "trace") + "".join("%13s" % n for n in names) + " |"
          + "".join("%13s" % n for n in names))
    for trace in traces:
        row = [res[trace, n] for n in names]
        print("%-*s" % (width, os.path.basename(trace))
              + "".join("%13s" % ("%.0f" % (r["ops"] / r["secs"] / 1e3) if r else "fail") for r in row)
              + " |" + "".join("%13s" % ("%.1f" % r["util"] if r else "fail") for r in row))
    totals = {}
    for n in names:
        ok = [res[t, n] for t in traces if res[t, n]]
        ops, secs = sum(r["ops"] for r in ok), sum(r["secs"] for r in ok)
        util = sum(r["util"] for r in ok) / len(traces)
        totals[n] = (ops / secs / 1e3 if secs else 0, util, len(ok) == len(traces))
    print("%-*s" % (width, "total")
          + "".join("%13.0f" % totals[n][0] for n in names) + " |"
          + "".join("%13.1f" % totals[n][1] for n in names))
    print("bench-malloc %s: " % label + " ".join(
        "%s_kops=%.0f %s_util=%.1f" % (n, totals[n][0], n, totals[n][1]) for n in names))
    return totals


def main():
    args = sys.argv[1:]
    passes = 5
    if args[:1] == ["-p"]:
        passes, args = int(args[1]), args[2:]
    allocs = available()
    for spec in args:
        label, _, files = spec.partition("=")
        traces = [f for f in files.split(",") if f]
        if not traces:
            print("bench-malloc: set %s is empty: skipped (make traces records the corpus)" % label)
            continue
        run_set(label, traces, allocs, passes)
    return 0


if __name__ == "__main__":
    sys.exit(main())
