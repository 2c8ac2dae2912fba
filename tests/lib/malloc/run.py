#!/usr/bin/env python3
"""run.py - the malloc test suite (`make test-malloc` builds everything, then runs this).

Prints one `PASS name` / `FAIL name: reason` line per case and exits non-zero
if any failed. Every program runs under a timeout. Cases:

  malloc/unit/*            host unit tests under ASan+UBSan (unit.c)
  malloc/stress            1,000,000 random operations against a shadow model, ASan+UBSan
  malloc/debug-{host,user}/<bug>
                           each debug-mode detector fires on its bug (debugtest.c),
                           on glibc (shim interposed) and in the static musl build
  malloc/selftest/*        the musl build on the real brk, replacing musl's malloc
  malloc/replaces-musl/*   no musl malloc code in the user binaries; mdriver -S says yes
  malloc/mdriver-{host,user}/{gen,csapp}/<trace>
                           the driver's correctness checks on the generated traces
                           (always) and on ../shared/traces/malloclab (when present),
                           with mm_checkheap after every operation on the small ones
  malloc/trace-errors/*    malformed traces: an error with the line number, exit 1, no crash
  malloc/two-line-header/* the two-number header variant is accepted
  malloc/preload/*         python3, gcc, sort (2 threads), bash and a threaded program of ours
                           under LD_PRELOAD=build/host/libpagoda_malloc.so: output equal to a
                           normal run's
  malloc/threads-musl-static  the threaded program, static musl with our malloc and the
                           pthread_create wrapper, prints what glibc's run prints
  malloc/preload-debug/*   PAGODA_MALLOC_DEBUG=1 through LD_PRELOAD: python3 unchanged, each
                           detector fires in a plain glibc program, the reported caller
                           addresses are lines of the program (addr2line)
  malloc/mtrace/*          tools/mtrace: the exact trace of a fixed call sequence (ids, calloc's
                           product, memalign extension, id reuse, free(NULL)); traces of
                           python3 and sort that the driver replays correctly
  malloc/autolab/*         hand-written traces in the 64-bit (Autolab) format: free of NULL,
                           id reuse, missing sizes, realloc of a dead id, extra operations,
                           weights, the memalign extension; malformed ones; the classic
                           header refusing the Autolab liberties
"""
import os
import re
import signal
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
BUILD = os.path.join(ROOT, "build")
HOST, USER = os.path.join(BUILD, "host"), os.path.join(BUILD, "user")
GEN = os.path.join(BUILD, "traces", "gen")
MALLOC_DIR = os.path.dirname(os.path.abspath(__file__))
BAD = os.path.join(BUILD, "traces", "bad")
CSAPP = os.environ.get("MALLOC_TRACES") or os.path.normpath(
    os.path.join(ROOT, "..", "shared", "traces", "malloclab"))
BAL = ["amptjp", "cccp", "cp-decl", "expr", "coalescing", "random", "random2", "binary",
       "binary2", "realloc", "realloc2"]

passed = failed = 0


def record(ok, name, why=""):
    global passed, failed
    if ok:
        passed += 1
        print("PASS %s" % name)
    else:
        failed += 1
        print("FAIL %s: %s" % (name, why))
    sys.stdout.flush()


# Timeouts only catch hangs: scaled far beyond an idle machine's run time, so a
# loaded, shared machine never turns a slow pass into a failure.
HANG_FACTOR = 10


def run(cmd, env=None, timeout=120):
    """(status, output): status is the exit code, -N for signal N, or 'timeout'.
    `timeout` is the idle-machine bound; the hang guard is HANG_FACTOR times it."""
    timeout *= HANG_FACTOR
    full = dict(os.environ)
    full.pop("PAGODA_MALLOC_DEBUG", None)
    full.update(env or {})
    try:
        p = subprocess.run(cmd, cwd=ROOT, env=full, capture_output=True, text=True,
                           errors="replace", timeout=timeout)
        return p.returncode, p.stdout + p.stderr
    except subprocess.TimeoutExpired:
        return "timeout", ""


def forward(cmd, prefix, timeout=120):
    """Run a program that prints its own PASS/FAIL lines; pass them on."""
    status, out = run(cmd, timeout=timeout)
    lines = re.findall(r"^(PASS|FAIL) (\S+)(.*)$", out, re.M)
    for verdict, name, rest in lines:
        record(verdict == "PASS", name, rest.strip(" :"))
    if status != 0 and not any(v == "FAIL" for v, _, _ in lines):
        record(False, prefix, "exit status %s; output tail: %s" % (status, out[-400:]))


# ---- debug detectors ------------------------------------------------------

ABORT = -signal.SIGABRT
DEBUG_CASES = [  # bug, expected status, patterns that must all appear
    ("clean", 0, []),
    ("double_free", ABORT, [r"pagoda malloc: double free: free of block 0x\w+ \(24 bytes"]),
    ("invalid_free", ABORT, [r"pagoda malloc: invalid free of 0x\w+ .*never returned by malloc "
                             r"\(not in the heap\)"]),
    ("interior_free", ABORT, [r"pagoda malloc: invalid free .* points 16 bytes into block "
                              r"0x\w+ \(64 bytes"]),
    ("overflow", ABORT, [r"pagoda malloc: heap buffer overflow: write 1 byte\(s\) past the end "
                         r"of block 0x\w+ \(24 bytes"]),
    ("underflow", ABORT, [r"pagoda malloc: heap buffer underflow: .* before block 0x\w+ "
                          r"\(24 bytes"]),
    ("use_after_free", ABORT, [r"pagoda malloc: use after free: block 0x\w+ \(32 bytes.* "
                               r"written at offset 3 .*found at check"]),
    ("use_after_free_reuse", ABORT, [r"pagoda malloc: use after free: block 0x\w+ \(32 bytes.* "
                                     r"written at offset 3 .*found at reuse"]),
    ("realloc_invalid", ABORT, [r"pagoda malloc: invalid realloc of 0x\w+"]),
    ("leak", 0, [r"pagoda malloc: leak: 100 bytes at 0x\w+, allocation #1 by 0x\w+",
                 r"pagoda malloc: leak: 7 bytes", r"2 block\(s\), 107 bytes leaked"]),
]


def debug_case(flavour, prog, bug, want_status, patterns, argv_prefix=(), env=None):
    name = "malloc/debug-%s/%s" % (flavour, bug)
    status, out = run([prog] + list(argv_prefix) + [bug],
                      env={"PAGODA_MALLOC_DEBUG": "1"} if env is None else env, timeout=60)
    if status != want_status:
        return record(False, name, "exit status %s, expected %s; output: %s"
                      % (status, want_status, out.strip()[-300:]))
    missing = [p for p in patterns if not re.search(p, out)]
    if missing:
        return record(False, name, "output lacks /%s/; got: %s" % (missing[0], out.strip()[-300:]))
    if not patterns and "pagoda malloc" in out:
        return record(False, name, "unexpected report: %s" % out.strip()[-300:])
    record(True, name)


def suite_debug():
    for flavour, prog in (("host", os.path.join(HOST, "malloc_debugtest")),
                          ("user", os.path.join(USER, "malloc_debugtest"))):
        for bug, want, patterns in DEBUG_CASES:
            debug_case(flavour, prog, bug, want, patterns)
        # No variable: the debug layer is off, a leak goes unreported.
        debug_case(flavour, prog, "leak", 0, [], env={})
    # --debug sets the variable itself (for shells without environments).
    debug_case("user-reexec", os.path.join(USER, "malloc_debugtest"), "double_free", ABORT,
               DEBUG_CASES[1][2], argv_prefix=["--debug"], env={})


# ---- replacement of musl's malloc -----------------------------------------------

MUSL_MALLOC_SYMBOLS = re.compile(r" (__libc_malloc_impl|__malloc_alloc_meta|__simple_malloc|"
                                 r"__malloc_donate|alloc_slot|__libc_free)$", re.M)


def suite_replacement():
    for prog in ("mdriver", "malloc_selftest", "malloc_debugtest"):
        path = os.path.join(USER, prog)
        status, out = run(["nm", path])
        found = MUSL_MALLOC_SYMBOLS.findall(out)
        ok = status == 0 and not found and re.search(r" T malloc$", out, re.M) \
            and re.search(r" T mm_malloc$", out, re.M)
        record(bool(ok), "malloc/replaces-musl/%s" % prog,
               "nm status %s, musl malloc symbols %s" % (status, found))
    status, out = run([os.path.join(USER, "mdriver"), "-S"])
    record(status == 0 and ": yes" in out, "malloc/replaces-musl/mdriver_selfcheck", out.strip())
    status, out = run([os.path.join(HOST, "mdriver"), "-S"])
    record(status == 1 and ": no" in out, "malloc/host-mdriver-keeps-glibc",
           "host mdriver must not replace glibc (its -l measures glibc): %s" % out.strip())


# ---- the trace driver -------------------------------------------------------------

SMALL_TRACES = re.compile(r"short|coalescing|realloc|prog1|binary-")


def driver_set(flavour, driver, label, files):
    """Correctness pass over a set; -c (check after every op) on the small traces."""
    small = [f for f in files if SMALL_TRACES.search(os.path.basename(f))]
    for args, subset in ((["-p", "0"], files), (["-p", "0", "-c"], small)):
        status, out = run([driver] + args + subset, timeout=400)
        rows = dict(re.findall(r"^(\S+\.rep)\s+(yes|no)\s", out, re.M))
        tag = "-checkheap" if "-c" in args else ""
        for f in subset:
            base = os.path.basename(f)
            errors = [l for l in out.splitlines() if l.startswith("mdriver:") and base in l]
            record(rows.get(base) == "yes", "malloc/mdriver-%s/%s/%s%s" % (flavour, label, base, tag),
                   "; ".join(errors)[:300] or "status %s" % status)


def suite_driver():
    gen = sorted(os.path.join(GEN, f) for f in os.listdir(GEN) if f.endswith(".rep"))
    have_csapp = os.path.isdir(CSAPP)
    csapp = [os.path.join(CSAPP, t + "-bal.rep") for t in BAL + ["short1", "short2"]]
    if not have_csapp:
        print("note: %s does not exist: CS:APP trace cases skipped (generated traces run)" % CSAPP)
    for flavour, driver in (("host", os.path.join(HOST, "mdriver")),
                            ("user", os.path.join(USER, "mdriver"))):
        driver_set(flavour, driver, "gen", gen)
        if have_csapp:
            driver_set(flavour, driver, "csapp", csapp)


# ---- malformed traces and the two-line header ------------------------------------------

BAD_TRACES = [  # name, content, pattern expected in the error
    ("unknown_op", "100\n2\n3\n1\na 0 10\nx 1 10\nf 0\n", r"unknown_op\.rep:6: expected an operation"),
    ("id_out_of_range", "100\n2\n2\n1\na 5 10\nf 5\n", r":5: id 5 out of range"),
    ("missing_size", "100\n2\n1\n1\na 0", r":5: 'a 0' needs a size"),
    ("bad_size", "100\n2\n2\n1\na 0 ten\nf 0\n", r":5: 'a 0' needs a size"),
    ("too_few_ops", "100\n2\n4\n1\na 0 10\nf 0\n", r":7: the file ends after 2 of the 4"),
    ("too_many_ops", "100\n2\n2\n1\na 0 10\nf 0\na 1 10\n", r":7: unexpected 'a' after the last"),
    ("bad_header", "100\n2\n3\nx\n", r":4: header must be 4 numbers .* found 3 before 'x'"),
    ("three_number_header", "100 2 3\na 0 1\n", r":2: header must be 4 numbers .* found 3"),
    ("empty_file", "", r":1: header must be"),
    ("free_unallocated", "100\n2\n1\n1\nf 1\n", r":5: 'f' of id 1, which is not allocated"),
    ("realloc_unallocated", "100\n2\n1\n1\nr 1 5\n", r":5: 'r' of id 1, which is not allocated"),
    ("double_alloc", "100\n2\n2\n1\na 0 10\na 0 10\n", r":6: id 0 allocated again"),
    ("huge_counts", "1\n999999999999\n1\n1\n", r":\d+: header asks for"),
    ("binary_garbage", "\x7fELF\x02\x01\x01\x00\x00\xff\xfe\n\x01", r":1: header must be"),
    # Autolab liberties in a trace with a classic header: rejected, with the reason
    ("classic_free_null", "20000\n2\n2\n1\na 0 10\nf -1\n",
     r":6: 'f -1' \(free of NULL\) belongs to the Autolab format"),
    ("classic_missing_size", "20000\n2\n3\n1\na 0 10\na 1\nf 0\n", r":6: 'a 1' needs a size"),
    ("classic_realloc_not_live", "20000\n2\n1\n1\nr 1 5\n", r":5: 'r' of id 1, which is not allocated"),
]


def suite_trace_errors():
    os.makedirs(BAD, exist_ok=True)
    for flavour, driver in (("host", os.path.join(HOST, "mdriver")),
                            ("user", os.path.join(USER, "mdriver"))):
        for name, text, pattern in BAD_TRACES:
            path = os.path.join(BAD, name + ".rep")
            with open(path, "w", encoding="latin-1") as f:
                f.write(text)
            status, out = run([driver, "-p", "0", path], timeout=30)
            ok = status == 1 and re.search(pattern, out)
            record(bool(ok), "malloc/trace-errors/%s/%s" % (flavour, name),
                   "status %s, output: %s" % (status, out.strip()[-200:]))
        status, out = run([driver, "-p", "0", os.path.join(BAD, "no-such-file.rep")])
        record(status == 1 and "cannot open" in out, "malloc/trace-errors/%s/missing_file" % flavour,
               "status %s, output: %s" % (status, out.strip()[-200:]))


def two_line_copy(src, dst):
    with open(src) as f:
        tok = f.read().split("\n")
    with open(dst, "w") as f:  # drop heap size and weight: "ids\nops\n"
        f.write("\n".join([tok[1], tok[2]] + tok[4:]))


def suite_two_line_header():
    sources = [os.path.join(GEN, "gen-random-bal.rep")]
    if os.path.isdir(CSAPP):
        sources.append(os.path.join(CSAPP, "binary2-bal.rep"))
    for src in sources:
        dst = os.path.join(BAD, "two-line-" + os.path.basename(src))
        two_line_copy(src, dst)
        status, out = run([os.path.join(HOST, "mdriver"), "-p", "0", "-v", dst])
        ok = status == 0 and "2-number header" in out and re.search(r"\.rep\s+yes", out)
        record(bool(ok), "malloc/two-line-header/%s" % os.path.basename(src),
               "status %s: %s" % (status, out.strip()[-200:]))


# ---- the Autolab (64-bit lab) format, hand-written traces ---------------------------
# Header: weight num_ids num_ops data_bytes. Each case: name, text, patterns that
# must all appear in `mdriver -v -p 1` output, expected exit status.

AUTOLAB_TRACES = [
    ("detected", "1\n2\n4\n30\na 0 10\na 1 20\nf 0\nf 1\n",
     [r"format Autolab 64-bit", r"weight 1, 2 ids, 4 operations; peak payload 30 bytes",
      r"detected-al\.rep\s+yes", r"score \(Autolab, 1 traces; UTIL_WEIGHT=0\.60 MIN_SPACE=0\.55"], 0),
    ("free_null", "1\n1\n4\n10\nf -1\na 0 10\nf -1\nf 0\n", [r"free_null-al\.rep\s+yes"], 0),
    ("id_reuse", "1\n1\n6\n300\na 0 100\nf 0\na 0 300\nr 0 40\nf 0\na 0 8\n",
     [r"id_reuse-al\.rep\s+yes", r"peak payload 300 bytes"], 0),
    ("missing_size", "1\n3\n6\n72\na 0 24\na 1\na 2\nf 0\nf 1\nf 2\n",
     [r"missing_size-al\.rep\s+yes", r"peak payload 72 bytes"], 0),
    ("missing_size_last", "1\n2\n3\n10\nr 0 5\nf 0\na 1", [r"missing_size_last-al\.rep\s+yes"], 0),
    ("realloc_not_live", "1\n2\n4\n90\nr 0 50\nr 1 40\nf 0\nf 1\n",
     [r"realloc_not_live-al\.rep\s+yes", r"peak payload 90 bytes"], 0),
    ("realloc_zero", "1\n1\n4\n10\na 0 10\nr 0 0\na 0 5\nf 0\n", [r"realloc_zero-al\.rep\s+yes"], 0),
    ("extra_ops", "1\n1\n2\n10\na 0 10\nf 0\na 0 10\nf 0\njunk\n",
     [r"extra_ops-al\.rep\s+yes", r"from line 7 on are past the header's count: ignored"], 0),
    ("weights", "2\n1\n2\n1000\na 0 1000\nf 0\n", [r"weight 2,", r"weights-al\.rep\s+yes"], 0),
    ("memalign_ext", "1\n2\n4\n100\nm 0 4096 100\nm 1 64 3000\nf 0\nf 1\n",
     [r"memalign_ext-al\.rep\s+yes"], 0),
    ("bad_free_not_live", "1\n2\n3\n10\na 0 10\nf 0\nf 0\n",
     [r"bad_free_not_live-al\.rep:7: 'f' of id 0, which is not allocated"], 1),
    ("bad_alloc_live", "1\n2\n2\n10\na 0 10\na 0 10\n", [r":6: id 0 allocated again without a free"], 1),
    ("bad_too_few", "1\n2\n5\n10\na 0 10\nf 0\n", [r":7: the file ends after 2 of the 5"], 1),
    ("bad_weight_neg_id", "1\n2\n2\n10\na -1 10\nf 0\n", [r":5: 'a' needs an id \(a number\), found '-1'"], 1),
    ("bad_alignment", "1\n2\n2\n10\nm 0 48 10\nf 0\n", [r":5: 'm 0' needs an alignment: a power of two"], 1),
    ("bad_op", "3\n2\n2\n10\na 0 10\nq 0\n", [r":6: expected an operation \(a, r, f or m\), found 'q'"], 1),
]

def suite_autolab():
    os.makedirs(BAD, exist_ok=True)
    for flavour, driver in (("host", os.path.join(HOST, "mdriver")),
                            ("user", os.path.join(USER, "mdriver"))):
        for name, text, patterns, want in AUTOLAB_TRACES:
            path = os.path.join(BAD, name + "-al.rep")
            with open(path, "w") as f:
                f.write(text)
            status, out = run([driver, "-v", "-c", "-p", "1", path], timeout=30)
            missing = [p for p in patterns if not re.search(p, out)]
            record(status == want and not missing, "malloc/autolab/%s/%s" % (flavour, name),
                   "status %s (want %s), missing /%s/; output: %s"
                   % (status, want, missing[0] if missing else "", out.strip()[-300:]))
        # Every Autolab rule in one committed file (also replayed inside Pagoda by lib_pagoda).
        status, out = run([driver, "-v", "-c", "-p", "1", os.path.join(MALLOC_DIR, "traces",
                                                                  "autolab-rules.rep")])
        record(status == 0 and re.search(r"autolab-rules\.rep\s+yes", out)
               and "from line 24 on are past the header's count" in out,
               "malloc/autolab/%s/rules-file" % flavour, out.strip()[-300:])
    if os.path.isdir(CSAPP):  # the classic set is detected as classic
        status, out = run([os.path.join(HOST, "mdriver"), "-v", "-p", "1",
                           os.path.join(CSAPP, "short1-bal.rep")])
        record(status == 0 and "format CS:APP classic (4-number header)" in out
               and re.search(r"score \(CS:APP classic, 1 traces; UTIL_WEIGHT=0\.60 "
                             r"AVG_LIBC_THRUPUT=600000", out),
               "malloc/autolab/classic-detected", out.strip()[-300:])


# ---- LD_PRELOAD: real programs under build/host/libpagoda_malloc.so ------------------

SO = os.path.join(HOST, "libpagoda_malloc.so")
PY_DICT = ("import json, hashlib\n"
           "d = {('k%d' % i) * (i % 7 + 1): [i, str(i) * (i % 5)] for i in range(150000)}\n"
           "for i in range(0, 150000, 3): d.pop(('k%d' % i) * (i % 7 + 1))\n"
           "s = json.dumps(sorted(d.items())[:2000])\n"
           "print(len(d), hashlib.sha256(s.encode()).hexdigest())\n")
BASH_SCRIPT = r"""
declare -A seen; out=""
for i in $(seq 1 3000); do w="w$((i * 7919 % 1009))"; seen[$w]=$(( ${seen[$w]:-0} + 1 )); done
for k in "${!seen[@]}"; do out+="$k=${seen[$k]} "; done
echo "$out" | tr ' ' '
' | sort | head -5
arr=(); for i in $(seq 1 500); do arr+=("item-$i-$(printf %05d $((i*i)))"); done
echo "${#arr[@]} ${arr[499]} $(echo "${arr[*]}" | wc -c)"
x=$(for i in 1 2 3; do (echo sub$i; echo err$i >&2) 2>&1 | tr a-z A-Z; done); echo $x
"""


def sort_input():
    path = os.path.join(BUILD, "traces", "sort-input.txt")
    if not os.path.exists(path):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            x = 12345
            for i in range(200000):
                x = (x * 1103515245 + 12345) % 2**31
                f.write("%d line %x %s\n" % (x % 100000, x, "abc"[x % 3] * (x % 40)))
    return path


def preload_cases():
    """(name, argv) of the real programs: the same command with and without the library."""
    return [
        ("python3", ["/usr/bin/python3", "-c", PY_DICT]),
        ("gcc", ["gcc", "-O2", "-S", "-o", "-", "-I", "lib", os.path.join(MALLOC_DIR, "stress.c")]),
        ("sort", ["sort", "--parallel=2", "-S", "20M", sort_input()]),
        ("bash", ["bash", "-c", BASH_SCRIPT]),
        ("threads", [os.path.join(HOST, "malloc_threads"), "4", "300"]),
    ]


def digest(out):
    return "%d lines, tail %r" % (out.count("\n"), out[-120:])


def suite_preload():
    for name, argv in preload_cases():
        st0, want = run(argv, timeout=300)
        st1, got = run(argv, env={"LD_PRELOAD": SO}, timeout=300)
        record(st0 == 0 and st1 == 0 and got == want and len(want) > 0, "malloc/preload/%s" % name,
               "status %s/%s; normal: %s; preloaded: %s" % (st0, st1, digest(want), digest(got)))
    # Static musl, threads through the pthread_create wrapper: same output as glibc's run.
    st0, want = run([os.path.join(HOST, "malloc_threads"), "4", "300"])
    st1, got = run([os.path.join(USER, "malloc_threads"), "4", "300"])
    record(st0 == 0 and st1 == 0 and got == want, "malloc/threads-musl-static",
           "status %s/%s: %s / %s" % (st0, st1, digest(want), digest(got)))
    # Debug mode on a real program: it runs unchanged (stdout), reports go to stderr.
    argv = ["/usr/bin/python3", "-c", PY_DICT]
    st0, want = run(argv)
    p = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=600,
                       env=dict(os.environ, LD_PRELOAD=SO, PAGODA_MALLOC_DEBUG="1"))
    record(p.returncode == 0 and p.stdout == want, "malloc/preload-debug/python3",
           "status %s; %s / %s; stderr %s" % (p.returncode, digest(want), digest(p.stdout),
                                              p.stderr[-200:]))
    suite_preload_debug()


def caller_in_source(out, prog, regex):
    """The caller address the report names (group 1 of regex) is a line of debugtest.c."""
    m = re.search(regex, out)
    if not m:
        return False, "no caller address in: %s" % out.strip()[-200:]
    st, where = run(["addr2line", "-e", prog, m.group(1)])
    return "debugtest.c" in where, "addr2line %s: %s" % (m.group(1), where.strip())


def suite_preload_debug():
    """The debug layer's detectors in a plain glibc program, through LD_PRELOAD."""
    prog = os.path.join(HOST, "malloc_debugtest_plain")
    for bug, want, patterns in DEBUG_CASES:
        debug_case("preload", prog, bug, want, patterns,
                   env={"PAGODA_MALLOC_DEBUG": "1", "LD_PRELOAD": SO})
    status, out = run([prog, "double_free"], env={"PAGODA_MALLOC_DEBUG": "1", "LD_PRELOAD": SO})
    ok, why = caller_in_source(out, prog, r"double free: free of block 0x\w+ \(24 bytes, "
                                          r"allocation #\d+ by (0x[0-9a-f]+)\)")
    record(ok, "malloc/preload-debug/caller-address-allocation", why)
    ok, why = caller_in_source(out, prog, r"\) by (0x[0-9a-f]+), already freed by")
    record(ok, "malloc/preload-debug/caller-address-free", why)


# ---- tools/mtrace -------------------------------------------------------------------

MTRACE_WANT = ("1 6 16 1237 a 0 10 a 1 21 a 2 5 r 2 100 f -1 m 3 64 40 m 4 256 1000 a 5 64 "
               "f 0 a 0 12 f 1 f 2 f 3 f 4 f 5 f 0")


def suite_mtrace():
    out_dir = os.path.join(BUILD, "traces", "mtrace-test")
    os.makedirs(out_dir, exist_ok=True)
    rep = os.path.join(out_dir, "prog.rep")
    status, out = run(["tools/mtrace", "-o", rep, os.path.join(HOST, "mtrace_prog")])
    got = " ".join(open(rep).read().split()) if os.path.exists(rep) else ""
    record(status == 0 and got == MTRACE_WANT, "malloc/mtrace/exact-trace",
           "status %s; trace %r, want %r" % (status, got, MTRACE_WANT))
    # Real programs: the trace replays correctly (mm_checkheap after every op on the small one).
    for name, argv, extra in (("python3", ["/usr/bin/python3", "-c", PY_DICT], []),
                              ("sort", ["sort", sort_input(), "-o", os.path.join(out_dir, "s")], ["-c"])):
        rep = os.path.join(out_dir, name + ".rep")
        status, out = run(["tools/mtrace", "-o", rep] + argv, timeout=300)
        st, drv = run([os.path.join(HOST, "mdriver"), "-v", "-p", "0"] + extra + [rep], timeout=300)
        m = re.search(r"format Autolab 64-bit .*?(\d+) operations", drv)
        record(status == 0 and st == 0 and m and int(m.group(1)) > 100
               and re.search(r"%s\.rep\s+yes" % name, drv), "malloc/mtrace/%s" % name,
               "mtrace status %s, mdriver status %s: %s" % (status, st, drv.strip()[-300:]))


def main():
    forward([os.path.join(HOST, "malloc-asan", "unit")], "malloc/unit")
    forward([os.path.join(HOST, "malloc-asan", "stress"), "1000000"], "malloc/stress", timeout=400)
    suite_debug()
    forward([os.path.join(USER, "malloc_selftest")], "malloc/selftest")
    suite_replacement()
    suite_driver()
    suite_trace_errors()
    suite_two_line_header()
    suite_autolab()
    suite_preload()
    suite_mtrace()
    print("malloc tests: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
