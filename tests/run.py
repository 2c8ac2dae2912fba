#!/usr/bin/env python3
"""Pagoda's test harness: `make test` runs this after building everything.

Every suite prints one `PASS name` / `FAIL name (why)` line per case; the
run ends with `N passed, N failed` and exits non-zero on any failure,
timeout or panic. Suites:

  ktest       boot once with test=all: every in-kernel unit test
  selfcheck   boots that must fail (failing ktest, panic, NULL dereference,
              stack overflow, hang): each passes only if the failure is seen
  gdb         gdb in batch mode against a paused QEMU: break kmain, bt
  lib         the host-side library suites (make test-malloc, make test-gc)
  labs        the lab kit: handouts cut clean; labs stubbed in two groups fail
              exactly their tests; the full tree passes; wrong variants fail
              (make test-labs: every handout on its own, malloc included)
  swap        tests/vm/swap_*.c at --mem 48M with a swap disk, compared with
              the host; swap full (the largest process killed, others intact);
              a swap disk whose reads fail (SIGBUS to the owner, the kernel lives);
              reclaimcheck: kswapd reclaims, mlocked pages stay, tmpfs files
              through swap, /proc read while memory is full, several swap
              areas with priorities, swapon/swapoff and ETXTBSY (Pagoda only)
  thp         2 MiB pages: thpcheck (Pagoda only) under the default and under
              transparent_hugepage=always, with VM and swap tests under always
  ext2        fsworkload on an ext2 image (1 KiB and 4 KiB blocks) on Pagoda and
              in a host directory: same output; host e2fsck -fn clean after;
              debugfs's dump of the image equals the host's tree; fsparallel
              (four processes at once), e2fsck -fn clean; the tmpfs file tests
              (files, filemap) with TEST_TMPDIR on ext2 vs a host ext4 directory

Usage: tests/run.py [-j N] [SUITE...]   (default: all suites)
With several suites, N of them run at once (default: the number of CPUs, at
most 2), each in its own process; a suite's lines are printed together when
it ends. Nothing in a suite depends on time, so the order does not matter.
Logs of every boot go to build/test-logs/.
"""
import array
import atexit
import json
import os
import re
import socket
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import pagoda_qemu as pq  # noqa: E402
import mkswapimg  # noqa: E402

ISO = pq.DIRECT   # what the suites boot: QEMU's -kernel (multiboot1), seconds faster than GRUB
GRUB_ISO = os.path.join(ROOT, "build", "pagoda.iso")   # the real-firmware path: ktest_plain_cpu boots it
LOGS = os.path.join(ROOT, "build", "test-logs")
BOOT_TIMEOUT = 600   # generous: suites run side by side on a shared machine


class Tally:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def record(self, ok, name, why=""):
        if ok:
            self.passed += 1
            print("PASS %s" % name)
        else:
            self.failed += 1
            print("FAIL %s (%s)" % (name, why))
        sys.stdout.flush()


def log_path(name):
    return os.path.join(LOGS, name + ".log")


def describe(boot):
    if boot.timed_out:
        return "timed out"
    return {pq.EXIT_PASS: "exit: pass", pq.EXIT_FAIL: "exit: tests failed",
            pq.EXIT_PANIC: "exit: kernel panic", 0: "QEMU exited 0: triple fault or reset"}.get(
                boot.status, "QEMU exit status %s" % boot.status)


def ktest_disks():
    """The disks the ktests expect: vda, 1 MiB of zeros, writable (fresh
    each boot); vdb, read-only; vdc, 4 MiB of swap (tests/ktest/swap_test.c)."""
    os.makedirs(LOGS, exist_ok=True)
    scratch = os.path.join(LOGS, "ktest-vda-%d.img" % os.getpid())   # suites run side by side
    with open(scratch, "wb") as f:
        f.truncate(1 << 20)
    ro = os.path.join(LOGS, "ktest-vdb-%d.img" % os.getpid())
    swap = os.path.join(LOGS, "ktest-vdc-%d.img" % os.getpid())
    atexit.register(lambda: [os.path.exists(f) and os.remove(f) for f in (scratch, ro, swap)])
    if not os.path.exists(ro):
        with open(ro, "wb") as f:
            f.truncate(64 << 10)
    mkswapimg.make_swap_image(swap, 4 << 20)
    return [scratch, (ro, "ro"), swap]


def suite_ktest(t, smp=None, prefix="ktest"):
    b = pq.boot(ISO, "test=all", timeout=BOOT_TIMEOUT, log_path=log_path(prefix), disks=ktest_disks(), smp=smp)
    results = re.findall(r"^(PASS|FAIL) (\S+)(.*)$", b.log, re.M)
    for verdict, name, rest in results:
        t.record(verdict == "PASS", prefix + "/" + name, rest.strip(" ()"))
    clean = b.status == pq.EXIT_PASS and results and all(v == "PASS" for v, _, _ in results)
    consistent = clean or (b.status == pq.EXIT_FAIL and any(v == "FAIL" for v, _, _ in results))
    for name, pattern in KTEST_LOG_CHECKS:
        t.record(re.search(pattern, b.log, re.M) is not None, prefix + "/" + name,
                 "log lacks %r" % pattern)
    t.record(consistent, prefix + "/boot", "%s; see %s" % (describe(b), log_path(prefix)))
    print("timing: QEMU start to kmain %.2f s, to ktest completion %.2f s"
          % (b.t_kmain or -1, b.t_total))


# What the ktest boot must print besides PASS lines (boot banner, dumps).
KTEST_LOG_CHECKS = [
    ("log_memory_map", r"^  \[0000000000100000-\w+\] +\d+ KiB  available$"),
    ("log_frame_counters", r"^frames: \d+ total \(\d+ MiB\), \d+ free, 0 user, \d+ page tables"),
    ("log_ptdump_va", r"^  PT  \[\s*\d+\] at pa \w+ = \w+  P - - - - . - - G -\n  => physical address"),
    ("log_ptdump_space", r"^  ffffffff801\w+-\w+ r-x kernel .*\n  \w+-\w+ r-- kernel .*NX"),
]


# name, what must happen: (expected exit status or "timeout", log patterns)
SELFCHECKS = [
    ("selfcheck_fail", pq.EXIT_FAIL, [r"FAIL selfcheck_fail \(.*two \+ two == 5: got 0x4 vs 0x5"]),
    ("selfcheck_panic", pq.EXIT_PANIC, [r"PANIC: deliberate panic", r"RAX [0-9a-f]{16}",
                                        r"backtrace:\n(.*\n)*.*ktest_fn_selfcheck_panic"]),
    ("selfcheck_null_deref", pq.EXIT_PANIC, [r"#PF page fault", r"CR2 0000000000000000",
                                             r"NULL pointer dereference"]),
    ("selfcheck_stack_overflow", pq.EXIT_PANIC, [r"#DF double fault", r"kernel stack overflow"]),
    ("selfcheck_hang", "timeout", []),
    ("selfcheck_double_free", pq.EXIT_PANIC, [r"double free of frame"]),
    ("selfcheck_frame_audit_finds_leak", pq.EXIT_PANIC,
     [r"frame_audit: frame \w+ has refcount 1 but 0 references", r"1 frames with a wrong reference count"]),
    ("selfcheck_corrupt_pte_panics", pq.EXIT_PANIC,
     [r"  PT  \[\s*0\] at pa \w+ = \w+  P - - ", r"PANIC: page table contradicts its area at 400000"]),
    ("selfcheck_frame_check_finds_corruption", pq.EXIT_FAIL,
     [r"frame_check: free-list page in use or referenced \(frame \w+: 0 vs 1\)", r"FAIL selfcheck_frame_check_finds_corruption"]),
    ("selfcheck_pt_check_finds_empty_table", pq.EXIT_FAIL,
     [r"pt_check_empty_tables: PT for 7f1234400000 at pa \w+ has 0 entries in use, count 0",
      r"FAIL selfcheck_pt_check_finds_empty_table"]),
    ("selfcheck_ipi_call_fault_panics", pq.EXIT_PANIC,   # booted with 2 CPUs or more (SELFCHECK_CPUS)
     [r"smp: cpu 1 took #PF page fault \(vector 14\) inside the IPI call function call_reads_null\S* from cpu 0",
      r"PANIC: unhandled exception in the kernel: #PF", r"CR2 0000000000000000"]),
]
SELFCHECK_CPUS = {"selfcheck_ipi_call_fault_panics": 2}   # at least; more under PAGODA_SMP


def suite_selfcheck(t):
    for name, want, patterns in SELFCHECKS:
        timeout = 15 if want == "timeout" else BOOT_TIMEOUT
        smp = max(SELFCHECK_CPUS.get(name, 1), pq.smp_count(None))
        b = pq.boot(ISO, "test=" + name, timeout=timeout, log_path=log_path(name), smp=smp)
        got = "timeout" if b.timed_out else b.status
        missing = [p for p in patterns if not re.search(p, b.log)]
        ok = got == want and not missing
        why = "expected %s, got %s" % (want, describe(b)) if got != want else "log lacks %r" % missing
        t.record(ok, "selfcheck/" + name, why + "; see " + log_path(name))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_listening(port, timeout=120):
    """Until a socket listens on 127.0.0.1:port (QEMU's gdb stub), read from
    /proc/net/tcp so that nothing connects before gdb does. A fixed sleep
    here was a race on a loaded machine."""
    end = time.monotonic() + timeout
    want = ":%04X" % port
    while time.monotonic() < end:
        with open("/proc/net/tcp") as f:
            if any(l.split()[1].endswith(want) and l.split()[3] == "0A" for l in f.readlines()[1:]):
                return
        time.sleep(0.1)


def suite_gdb(t):
    port = free_port()
    qemu = subprocess.Popen(pq.qemu_command(ISO, "gdbtest", gdb_port=port, paused=True),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            stdin=subprocess.DEVNULL)
    try:
        wait_listening(port)
        cmd = ["gdb", "-q", "-batch", "-nx",
               "-ex", "file build/kernel.elf",
               "-ex", "target remote 127.0.0.1:%d" % port,
               "-x", "tools/gdb/pagoda.gdb",
               "-ex", "break kmain", "-ex", "continue", "-ex", "bt",
               "-ex", "next", "-ex", "info registers rip"] + GDB_EXTRA
        out = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120).stdout
    except subprocess.TimeoutExpired:
        out = "gdb timed out"
    finally:
        qemu.kill()
        qemu.wait()
    with open(log_path("gdb"), "w") as f:
        f.write(out)
    # 732803074 = 0x2badb002, the multiboot1 magic QEMU's -kernel passes
    t.record(re.search(r"^#0\s+kmain \(magic=732803074", out, re.M) is not None,
             "gdb/break_kmain_backtrace", "no '#0 kmain' frame; see " + log_path("gdb"))
    t.record(re.search(r"^rip\s+0x\w+\s+0x\w+ <kmain\+\d+>", out, re.M) is not None,
             "gdb/next_stays_in_kmain", "rip not in kmain after next; see " + log_path("gdb"))
    for name, pattern in GDB_CHECKS:
        t.record(re.search(pattern, out, re.M) is not None, "gdb/" + name,
                 "missing %r; see %s" % (pattern, log_path("gdb")))
    gdb_walkthrough(t)
    gdb_pfbreak_other_cpu(t)


def gdb_walkthrough(t):
    """The README's page-fault walk-through, run as printed (tests/gdb_walkthrough.py)."""
    import gdb_walkthrough as gw
    out, console, err = gw.run(timeout=BOOT_TIMEOUT * 2)
    with open(log_path("gdb_walkthrough"), "w") as f:
        f.write(out + "\n---- gdb stderr ----\n" + err + "\n---- console ----\n" + console)
    where = "; see " + log_path("gdb_walkthrough")
    t.record("warning" not in (out + err).lower(), "gdb/walkthrough_no_warnings", "gdb warned" + where)
    for bad in ("<optimized out>", "No symbol", "Python Exception", "Error occurred", "timed out"):
        t.record(bad not in out + err, "gdb/walkthrough_no_" + re.sub(r"\W+", "_", bad.lower()).strip("_"),
                 "transcript has %r%s" % (bad, where))
    same = re.search(r"^\$1 = (0x\w+)\n\$2 = (0x\w+)$", out, re.M)
    t.record(same is not None and same.group(1) == same.group(2), "gdb/walkthrough_addr_is_cr2",
             "f->addr and $cr2 differ or are missing" + where)
    for name, pattern in WALKTHROUGH_CHECKS:
        t.record(re.search(pattern, out, re.M) is not None, "gdb/walkthrough_" + name,
                 "missing %r%s" % (pattern, where))


def gdb_pfbreak_other_cpu(t):
    """With two CPUs (or PAGODA_SMP's count), pfbreak, bt and procs name the
    process of the CPU that hit the breakpoint: demo_lazy pinned to CPU 1
    (busybox taskset), so reading cpus[0] never sees it and gdb waits."""
    import gdb_walkthrough as gw
    steps = [("pfbreak demo_lazy", None), ("continue", "busybox taskset 2 demo_lazy"), ("bt", None), ("procs", None)]
    out, console, err = gw.run(timeout=BOOT_TIMEOUT, steps=steps, smp=max(2, pq.smp_count(None)))
    with open(log_path("gdb_other_cpu"), "w") as f:
        f.write(out + "\n---- gdb stderr ----\n" + err + "\n---- console ----\n" + console)
    where = "; see " + log_path("gdb_other_cpu")
    for name, pattern in (("pfbreak_stops", r"^pfbreak: pid \d+ \(demo_lazy\) page fault at 0x\w+"),
                          ("bt_names_the_process", r"^#\d+\s+\[#PF page fault at 0x\w+ from user mode: rip 0x\w+ in demo_lazy"),
                          ("procs_marks_it_running", r"^\* pid +\d+ +running +demo_lazy$")):
        t.record(re.search(pattern, out, re.M) is not None, "gdb/other_cpu_" + name, "missing %r%s" % (pattern, where))


# What the README walk-through must show, step by step.
WALKTHROUGH_CHECKS = [
    ("pfbreak_stops_in_demo_lazy", r"^pfbreak: pid \d+ \(demo_lazy\) page fault at 0x\w+, rip 0x\w+: .*user-mode access"),
    ("bt_starts_in_handler", r"^#0\s+handle_page_fault \(mm="),
    ("bt_ends_at_user_trap_frame",
     r"^#\d+\s+\[#PF page fault at 0x\w+ from user mode: rip 0x\w+ in demo_lazy \(pid \d+\)\].*\n(?!#)"),
    ("pferr_decodes", r"^error code 0x\w+  \[[-PWURSVDIK ]+\]: page not present, .*user-mode access"),
    ("vmas_lists_program", r"^areas of pid \d+ \(demo_lazy\):\n(  [0-9a-f]{16}-[0-9a-f]{16} [-r][-w][-x][ps] .*\n)*"
                           r"  [0-9a-f]{16}-[0-9a-f]{16} r-xp .* file demo_lazy\n"),
    ("pagewalk_before_not_mapped", r"=> not mapped: an access raises #PF"),
    ("finish_returns_handled", r"^Value returned is \$\d+ = FAULT_HANDLED"),
    ("pagewalk_after_present", r"FAULT_HANDLED\n(.*\n)*  PT  \[\s*\d+\] at pa \w+ = \w+  P .*\n  => physical address"),
    ("pfn_user_frame", r"^pfn 0x\w+ \(pa 0x\w+\): use user, refcount [1-9]"),
]


# Extra gdb commands and the output they must produce (the page-walk tools).
GDB_EXTRA = ["-ex", "break frame_print_stats", "-ex", "continue",   # after kmap_init
             "-ex", "pagewalk &kmain", "-ex", "pagewalk 0", "-ex", "ptdump 0xffffffff80000000 0xffffffffffffffff",
             "-ex", "pferr 6", "-ex", "pferr 0x15", "-ex", "pfn 0"]
GDB_CHECKS = [
    ("pagewalk_kernel_text", r"PT  \[\s*\d+\] at pa \w+ = \w+  P - - - - \S - - G -\n  => physical address 10\w{4}"),
    ("pagewalk_null_unmapped", r"PML4\[  0\] at pa \w+ = 0000000000000000 .*\n  => not mapped"),
    ("ptdump_text_rx_data_rw_nx", r"ffffffff801\w+-ffffffff801\w+ r-x kernel(.*\n)*.*rw- kernel"),
    ("ptdump_shows_accessed_bit", r"r-x kernel .*  P - - - - A - - G -"),
    ("pferr_not_present_user_write", r"^error code 0x6  \[- W U - - -\]: page not present, write, user-mode access$"),
    ("pferr_protection_fetch", r"^error code 0x15  \[P - U - I -\]: protection violation .*, user-mode access, instruction fetch$"),
    ("pfn_reserved_frame", r"^pfn 0x0 \(pa 0x0\): use reserved, refcount"),
]


def suite_lib(t):
    for target, fragment in (("test-malloc", "lib/malloc.mk"), ("test-gc", "lib/gc.mk")):
        if not os.path.exists(os.path.join(ROOT, fragment)):
            t.record(False, "lib/" + target, fragment + " is missing")
            continue
        try:
            p = subprocess.run(["make", "-s", target], cwd=ROOT, capture_output=True, text=True,
                               timeout=3600)   # a hang guard: its programs have their own
            out, status = p.stdout + p.stderr, p.returncode
        except subprocess.TimeoutExpired as e:
            out, status = (e.stdout or b"").decode() if isinstance(e.stdout, bytes) else (e.stdout or ""), "timeout"
        with open(log_path(target), "w") as f:
            f.write(out)
        results = re.findall(r"^(PASS|FAIL) (\S+)(.*)$", out, re.M)
        for verdict, name, rest in results:
            t.record(verdict == "PASS", "lib/" + name, rest.strip(" :()"))
        t.record(status == 0 and results != [], "lib/" + target,
                 "make %s exited %s with %d results; see %s" % (target, status, len(results),
                                                                log_path(target)))


# ---- user programs: the same binary on the host Linux and on Pagoda --------

BIN = os.path.join(ROOT, "build", "user", "bin")
USER_TIMEOUT = 1800   # the user boot: 3-4 min idle, over 10 at load 24 (seven helpers, 2 CPUs)


def user_tests():
    """Test names from user/user.mk (make prints them)."""
    out = subprocess.run(["make", "-s", "--no-print-directory", "print-user-tests"], cwd=ROOT,
                         capture_output=True, text=True).stdout.split()
    return out


def run_on_host(name):
    try:
        p = subprocess.run(["./" + name], cwd=BIN, capture_output=True, text=True, timeout=120)
        return p.stdout, p.returncode
    except subprocess.TimeoutExpired:
        return "", "timeout"


def softdirty_same_as_linux(t, pagoda_lines):
    """user/softdirty's output inside Pagoda against Debian's Linux 6.1 (its
    kernel has CONFIG_MEM_SOFT_DIRTY, the build host's does not) booted under
    the same QEMU with the same binary (bench/vmcost_compare.py run_linux,
    bench/linux_init.c as its init): equal line for line."""
    sys.path.insert(0, os.path.join(ROOT, "bench"))
    import vmcost_compare
    out, kernel = vmcost_compare.run_linux(prog=os.path.join(BIN, "softdirty"), init=True)
    linux = [l.strip() for l in (out or "").splitlines() if re.match(r"^(bits )?\w+: ", l.strip())]
    t.record(kernel is not None, "pagoda/softdirty_linux_kernel_found",
             "no /boot/vmlinuz-* (tools/setup.sh installs linux-image-cloud-amd64)")
    same = linux == pagoda_lines and len(linux) > 20
    t.record(same, "pagoda/softdirty_same_as_linux_6_1",
             "%s said %d lines, Pagoda %d; first difference: %r" % (
                 kernel, len(linux), len(pagoda_lines),
                 next(((a, b) for a, b in zip(linux, pagoda_lines) if a != b), None)))


def pagoda_sections(log):
    """{name: (output lines, status, freeram_before, freeram_after)} from runner markers;
    kernel diagnostics ("pagoda: ...") are kept apart from the program's output."""
    sections, diags = {}, {}
    for m in re.finditer(r"^@@@ begin (\S+)\n(.*?)^@@@ end \1 status=(-?\d+) freeram_before=(\d+) "
                         r"freeram_after=(\d+)$", log, re.M | re.S):
        lines = m.group(2).splitlines()
        diags[m.group(1)] = [l for l in lines if l.startswith("pagoda: ")]
        out = [l for l in lines if not l.startswith("pagoda: ")]
        sections[m.group(1)] = (out, int(m.group(3)), int(m.group(4)), int(m.group(5)))
    return sections, diags


def host_status(code):
    """subprocess's return code as a raw wait status (negative = signal)."""
    if code == "timeout":
        return None
    return (-code) & 0x7f if code < 0 else code << 8


def keyed(lines):
    """Lines as (case name, n-th use of that name) -> line, in order."""
    seen, out = {}, []
    for line in lines:
        name = line.split(":")[0].strip().replace(" ", "_") or "line"
        seen[name] = seen.get(name, 0) + 1
        out.append(((name, seen[name]), line))
    return out


def compare_test(t, name, host_out, host_code, section):
    """One case per line of the host's output, matched by case name."""
    out, status, before, after = section
    got = dict(keyed(out))
    for (case, n), line in keyed(host_out.splitlines()):
        label = case if n == 1 else "%s#%d" % (case, n)
        t.record(got.get((case, n)) == line, "user/%s/%s" % (name, label),
                 "host %r, pagoda %r" % (line, got.get((case, n))))
    extra = [l for k, l in keyed(out) if k not in dict(keyed(host_out.splitlines()))]
    if extra:
        t.record(False, "user/%s/extra_output" % name, "only on Pagoda: %r" % extra[:3])
    t.record(status == host_status(host_code), "user/%s/exit_status" % name,
             "host status %s, pagoda %s" % (host_status(host_code), status))
    t.record(before == after, "user/%s/no_frame_leak" % name,
             "free memory %d bytes before, %d after" % (before, after))


# Kernel diagnostic lines a test must produce on Pagoda, in order (the
# program's own output is compared with Linux's; these lines are Pagoda's).
DIAGNOSTICS = {
    "crash": [
        r"SIGSEGV at 0000000000000000 .*read, page not present: outside any VMA \(likely a NULL pointer",
        r"SIGSEGV at 0000000000000010 .*write, page not present: outside any VMA \(likely a NULL pointer",
        r"write, protection violation: write to read-only VMA",
        r"write, protection violation: write to read-only VMA",
        r"exec, protection violation: execute from NX page",
        r"exec, .*execute from NX page",
        r"exec, protection violation: execute from NX page",
        r"outside any VMA \(just below the stack: stack overflow\?\)",
        r"SIGSEGV at ffff800000000000 .*user access to the kernel half",
        r"SIGSEGV: #GP general protection .*non-canonical",
        r"read, page not present: access to PROT_NONE VMA",
        r"read, page not present: outside any VMA$",
        r"SIGFPE: #DE divide error",
        r"SIGILL: #UD invalid opcode",
    ],
    # one line for a fault in one thread, though every thread of the process dies
    "threads": [r"SIGSEGV at 0000000000000010 .*write, page not present: outside any VMA \(likely a NULL pointer"],
}


def check_diagnostics(t, name, lines):
    want = DIAGNOSTICS.get(name, [])
    for i, pattern in enumerate(want):
        got = lines[i] if i < len(lines) else None
        t.record(got is not None and re.search(pattern, got) is not None,
                 "user/%s/diagnostic_%d" % (name, i + 1), "want %r, got %r" % (pattern, got))


# Tests that make tens of thousands of calls on tens of thousands of areas:
# debug_vm's whole-structure checks after every call would take hours, so
# they run in a boot of their own without it (still compared with Linux).
NO_DEBUG_VM = ["map_count_limit"]


def suite_user(t):
    names = [n for n in user_tests() if not n.startswith(SWAP_PREFIX)]   # the swap suite's, with a swap disk
    if not names:
        t.record(False, "user/list", "make print-user-tests listed nothing")
        return
    checked = [n for n in names if n not in NO_DEBUG_VM]
    run_differential(t, checked, "quiet debug_vm", "user")
    run_differential(t, [n for n in names if n in NO_DEBUG_VM], "quiet", "user-no-debug-vm")


def run_differential(t, names, words, log_name, smp=None, timeout=USER_TIMEOUT, compare=None, extra=None):
    """One boot running `names` under the runner, each compared with the host
    (or only those in `compare`; extra(sections) judges the others)."""
    if not names:
        return
    b = pq.boot(ISO, words + " init=/bin/init /test/runner " + " ".join(names), timeout=timeout,
                log_path=log_path(log_name), smp=smp)
    sections, diags = pagoda_sections(b.log)
    if extra:
        extra(sections)
    for name in compare if compare is not None else names:
        host_out, host_code = run_on_host(name)
        if name not in sections:
            t.record(False, "user/%s" % name, "no complete run in the Pagoda log (%s); see %s"
                     % (describe(b), log_path(log_name)))
            continue
        compare_test(t, name, host_out, host_code, sections[name])
        check_diagnostics(t, name, diags.get(name, []))
    t.record(b.status == pq.EXIT_PASS, "%s/boot" % log_name, "%s; see %s" % (describe(b), log_path(log_name)))
    print("timing: %s boot %.1f s" % (log_name, b.t_total))


# ---- several CPUs: the ktests and a representative user subset with 2 CPUs (or PAGODA_SMP's) ----

# Processes, threads, signals, preemption, COW and unmapping: what moves between CPUs.
SMP_USER_SUBSET = ["fork_wait", "many_children", "preempt", "affinity", "signals", "sighandler", "fpu_isolation", "threads", "clone", "tlb_coherence", "munmap_writer", "robust_futex",
                   "clocks", "cow", "munmap", "mprotect", "pipes", "execve", "syscall_exit"]


SMP_TIMEOUT = 1800   # a hang guard (doubled again for the two CPUs by pagoda_qemu.boot)


def suite_smp(t):
    """Two CPUs, or PAGODA_SMP's count when that is more (make test SMP=4)."""
    n = max(2, pq.smp_count(None))
    suite_ktest(t, smp=n, prefix="smp_ktest")
    run_differential(t, SMP_USER_SUBSET, "quiet debug_vm", "smp-user", smp=n, timeout=SMP_TIMEOUT)


# ---- 2 MiB pages (mm/huge_page.c) -------------------------------------------

# Under transparent_hugepage=always every large anonymous area gets 2 MiB
# pages: the VM tests whose areas are split, protected, moved, forked and
# freed, compared with the host (whose own setting does not matter: the
# outputs are relations, not page sizes).
THP_ALWAYS_SUBSET = ["thp", "cow", "munmap", "mprotect", "mprotect_merge", "madvise", "mremap", "mlock", "mmap",
                     "mincore", "pagemap", "leak", "brk", "zerofill", "fork_wait", "many_children", "uvm_snapshot",
                     "tlb_coherence", "threads"]
THP_SWAP_SUBSET = ["swap_basic", "swap_fork", "swap_mprotect"]


def thpcheck_results(t, sections, label):
    """user/thpcheck.c's lines ("name: yes"; plain_area_huge_faults: 2 MiB
    pages given to an area without advice, by mode), its status and frames."""
    sec = sections.get("thpcheck", ([], None, 0, -1))
    for line in sec[0]:
        name, _, verdict = line.partition(": ")
        want = {"always": "2", "madvise": "0"}[label] if name == "plain_area_huge_faults" else "yes"
        t.record(verdict == want, "thp/%s/%s" % (label, name), line)
    t.record(len(sec[0]) == 18 and sec[1] == 0 and sec[2] == sec[3], "thp/%s/thpcheck_runs_clean" % label,
             "%d lines, status %r, free memory %r" % (len(sec[0]), sec[1], sec[2:]))


def suite_thp(t):
    """2 MiB pages: thpcheck (Pagoda-only facts) under the default (madvise)
    and under transparent_hugepage=always, with a representative set of VM
    tests compared with the host under always; three swap tests under
    always at 48M (reclaim splits 2 MiB pages before evicting pieces)."""
    b = pq.boot(ISO, "quiet debug_vm init=/bin/init /test/runner thpcheck", timeout=BOOT_TIMEOUT,
                log_path=log_path("thp-madvise"))
    thpcheck_results(t, pagoda_sections(b.log)[0], "madvise")
    t.record(b.status == pq.EXIT_PASS, "thp/madvise/boot", "%s; see %s" % (describe(b), log_path("thp-madvise")))
    run_differential(t, THP_ALWAYS_SUBSET + ["thpcheck"], "quiet debug_vm transparent_hugepage=always",
                     "thp-always", compare=THP_ALWAYS_SUBSET, extra=lambda s: thpcheck_results(t, s, "always"))
    b = pq.boot(ISO, "quiet debug_vm transparent_hugepage=always init=/bin/init /test/runner "
                + " ".join(THP_SWAP_SUBSET), timeout=SWAP_TIMEOUT, log_path=log_path("thp-swap"), mem=SWAP_MEM,
                disks=[swap_disk("thp-swap", 256)])
    sections, _ = pagoda_sections(b.log)
    for name in THP_SWAP_SUBSET:
        host_out, host_code = run_on_host(name)
        out, status, before, _ = sections.get(name, ([], None, 0, 0))   # free memory: idle pages move to swap
        compare_test(t, "thp-swap/%s" % name, host_out, host_code, (out, status, before, before))
    t.record(b.status == pq.EXIT_PASS, "thp/swap/boot", "%s; see %s" % (describe(b), log_path("thp-swap")))


# ---- swap: memory two to three times RAM, through a swap disk ---------------

SWAP_PREFIX = "swap_"        # tests/vm/swap_*.c: differential, but need --mem 48M and swap
SWAP_MEM = "48M"
SWAP_TIMEOUT = 1800   # 7 programs over 2-3x RAM: 4 min idle, 10 on a loaded machine


def swap_disk(name, mib):
    """A fresh swap disk image of `mib` MiB for one boot (by suite process),
    with Linux's swap header (tools/mkswapimg.py), which the kernel looks for."""
    os.makedirs(LOGS, exist_ok=True)
    path = os.path.join(LOGS, "swap-%s-%d.img" % (name, os.getpid()))
    mkswapimg.make_swap_image(path, mib << 20)
    atexit.register(lambda: os.path.exists(path) and os.remove(path))
    return path


def blkdebug_disk(image, fail_sector):
    """QEMU's blkdebug over `image`: every read touching `fail_sector` fails
    with EIO (the guest's virtio-blk sees an I/O error)."""
    conf = image + ".blkdebug"
    with open(conf, "w") as f:
        f.write('[inject-error]\nevent = "read_aio"\niotype = "read"\nerrno = "5"\nsector = "%d"\n' % fail_sector)
    atexit.register(lambda: os.path.exists(conf) and os.remove(conf))
    return "blkdebug:%s:%s" % (conf, image)


def suite_swap(t):
    """tests/vm/swap_*.c on Pagoda at --mem 48M with 256 MiB of swap, under
    debug_vm (frames and slots audited at every exit), each compared with
    the host; then, Pagoda only: swap full (the largest process killed,
    everyone else intact) and a disk whose reads fail (SIGBUS to the process
    whose page was lost, the kernel lives). swap_patterns runs again under
    swap_policy=clock, gclock and lru2, and swap_patterns and swap_fork under lru2
    with swap_readahead=4 (pages read ahead into the swap cache, mapped by
    later faults or freed unused: the audits count them)."""
    names = [n for n in user_tests() if n.startswith(SWAP_PREFIX)]
    swap_differential(t, names, "fifo")
    for policy in ("clock", "gclock", "lru2"):   # the other policies: several processes at once, 2x RAM
        swap_differential(t, ["swap_patterns"], policy)
    swap_differential(t, ["swap_patterns", "swap_fork"], "lru2", readahead=4)
    swap_full(t)
    swap_io_error(t)
    swap_reclaim(t)


def swap_differential(t, names, policy, readahead=0):
    log_name = "swap-" + policy + ("-ra%d" % readahead if readahead else "")
    policy += "+ra%d" % readahead if readahead else ""
    b = pq.boot(ISO, "quiet debug_vm swap_policy=%s swap_readahead=%d init=/bin/init /test/runner %s"
                % (policy.split("+")[0], readahead, " ".join(names)),
                timeout=SWAP_TIMEOUT, log_path=log_path(log_name), mem=SWAP_MEM,
                disks=[swap_disk(log_name, 256)])
    sections, diags = pagoda_sections(b.log)
    for name in names:
        host_out, host_code = run_on_host(name)
        if name not in sections:
            t.record(False, "swap/%s" % name, "no complete run (%s); see %s" % (describe(b), log_path(log_name)))
            continue
        out, status, before, _ = sections[name]   # free memory is not compared: idle pages move to swap
        compare_test(t, "%s/%s" % (policy, name), host_out, host_code, (out, status, before, before))
    t.record(b.status == pq.EXIT_PASS, "swap/%s/boot" % log_name, "%s; see %s" % (describe(b), log_path(log_name)))
    print("timing: %s boot %.1f s" % (log_name, b.t_total))


def swap_failure(t, mode, disk):
    """swapfail full|ioerr as init: {field: value} of its one line, and the boot."""
    b = pq.boot(ISO, "quiet init=/test/swapfail " + mode, timeout=SWAP_TIMEOUT, log_path=log_path("swap" + mode),
                mem=SWAP_MEM, disks=[disk])
    m = re.search(r"^swapfail: pusher=(.*) bystander=(.*) init_intact=(\w+) swap_freed=(\w+)", b.log, re.M)
    fields = dict(zip(("pusher", "bystander", "init_intact", "swap_freed"), m.groups())) if m else {}
    where = "%s; see %s" % (m.group(0) if m else describe(b), log_path("swap" + mode))
    t.record(fields.get("bystander") == "exited 0" and fields.get("init_intact") == "yes",
             "swap/%s_others_intact" % mode, where)
    t.record(b.status == pq.EXIT_PASS, "swap/%s_kernel_lives" % mode, where)
    return fields, where


def swap_full(t):
    fields, where = swap_failure(t, "full", swap_disk("full", 32))
    t.record(fields.get("pusher") in ("killed by SIGKILL", "exited 3"), "swap/full_kills_the_hog", where)
    t.record(fields.get("swap_freed") == "yes", "swap/full_slots_freed", where)


def swap_io_error(t):
    disk = blkdebug_disk(swap_disk("ioerr", 256), 40 << 11)   # 40 MiB in, in 512-byte sectors
    fields, where = swap_failure(t, "ioerr", disk)
    t.record(fields.get("pusher") == "killed by SIGBUS", "swap/ioerr_sigbus_to_the_owner", where)


RECLAIM_FILE_MIB = 24   # user/reclaimcheck.c FILE_MIB


def pattern_words_bad(data, first_word, tag):
    """tests/pattern.h's check on bytes read from an image: wrong words."""
    words = array.array("Q", data)
    mask = (1 << 64) - 1
    return sum(1 for i, w in enumerate(words, first_word)
               if w != ((tag << 48) ^ ((i * 0x9e3779b97f4a7c15) & mask) ^ tag))


def reclaim_file_on_image(img):
    """The mapped file reclaimcheck wrote (first half tag 42, second 41),
    as the image holds it after the boot: (wrong words, why)."""
    out = img + ".dat"
    atexit.register(lambda: os.path.exists(out) and os.remove(out))
    subprocess.run(["debugfs", "-R", "dump /reclaimcheck.dat %s" % out, img], capture_output=True)
    if not os.path.exists(out) or os.path.getsize(out) != RECLAIM_FILE_MIB << 20:
        return -1, "the file is missing or has the wrong size"
    with open(out, "rb") as f:
        data = f.read()
    half = len(data) // 2
    return pattern_words_bad(data[:half], 0, 42) + pattern_words_bad(data[half:], half // 8, 41), ""


def swap_reclaim(t):
    """reclaimcheck as init (Pagoda only, under debug_vm: audits at every
    reap), with an ext2 disk at /mnt and a swap disk: kswapd ran and
    reclaimed, shared anonymous pages went to swap and came back, a mapped
    file's dirty pages were written back under pressure, mlocked pages stay,
    mlock brings swapped pages back, /proc files read whole while memory is
    full; then several swap areas with priorities (swapareas) and
    swapon/swapoff with a swap file on ext2 (swapctl: errnos, ETXTBSY/EPERM
    for an active swap file, swapoff's ENOMEM). One result per "reclaimcheck: CASE
    ok|FAIL" line; then e2fsck -fn is clean and the file's bytes are right.
    A second boot, reclaimcheck tmpfs: tmpfs files larger than RAM through
    swap and back, and /proc read while memory is full."""
    img = os.path.join(LOGS, "reclaim-ext2-%d.img" % os.getpid())
    atexit.register(lambda: os.path.exists(img) and os.remove(img))
    subprocess.run(["mke2fs", "-q", "-F", "-t", "ext2", "-b", "4096", img, "80M"], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    b = pq.boot(ISO, "quiet debug_vm init=/test/reclaimcheck file swapctl", timeout=SWAP_TIMEOUT,
                log_path=log_path("swapreclaim"), mem=SWAP_MEM, disks=[img, swap_disk("reclaim", 256)])
    where = "see %s" % log_path("swapreclaim")
    cases = re.findall(r"^reclaimcheck: (\w+) (ok|FAIL.*)$", b.log, re.M)
    for name, verdict in cases:
        t.record(verdict == "ok", "swap/reclaim_%s" % name, "%s; %s" % (verdict, where))
    t.record(bool(cases) and b.status == pq.EXIT_PASS, "swap/reclaim_kernel_lives", "%s; %s" % (describe(b), where))
    fsck = subprocess.run(["e2fsck", "-fn", img], capture_output=True, text=True)
    t.record(fsck.returncode == 0, "swap/reclaim_file_e2fsck_clean",
             "e2fsck -fn exit %d: %s" % (fsck.returncode, (fsck.stdout + fsck.stderr)[-600:]))
    bad, why = reclaim_file_on_image(img)
    t.record(bad == 0, "swap/reclaim_file_bytes_on_disk", why or "%d wrong words" % bad)
    b = pq.boot(ISO, "quiet debug_vm init=/test/reclaimcheck tmpfs", timeout=SWAP_TIMEOUT,
                log_path=log_path("swaptmpfs"), mem=SWAP_MEM, disks=[swap_disk("tmpfs", 256)])
    cases = re.findall(r"^reclaimcheck: (\w+) (ok|FAIL.*)$", b.log, re.M)
    for name, verdict in cases:
        t.record(verdict == "ok", "swap/tmpfs_%s" % name, "%s; see %s" % (verdict, log_path("swaptmpfs")))
    t.record(bool(cases) and b.status == pq.EXIT_PASS, "swap/tmpfs_kernel_lives", describe(b))


def suite_shells(t):
    """Debian's busybox-static and bash-static: applets and a shell script,
    every output line compared with the host's (tests/shell/shells.c)."""
    b = pq.boot(ISO, "quiet init=/bin/init /test/runner shells", timeout=USER_TIMEOUT,
                log_path=log_path("shells"))
    sections, _ = pagoda_sections(b.log)
    host_out, host_code = run_on_host("shells")
    if "shells" not in sections:
        t.record(False, "shells/run", "no complete run (%s); see %s" % (describe(b), log_path("shells")))
        return
    compare_test(t, "shells", host_out, host_code, sections["shells"])
    got = dict(keyed(sections["shells"][0]))
    for prefix, name in (("bb_", "busybox"), ("bash_", "bash")):
        keys = [k for k, _ in keyed(host_out.splitlines()) if k[0].startswith(prefix)]
        same = sum(1 for k, line in keyed(host_out.splitlines()) if k in keys and got.get(k) == line)
        print("%s: %d of %d output lines match Linux" % (name, same, len(keys)))
    t.record(b.status == pq.EXIT_PASS, "shells/boot", "%s; see %s" % (describe(b), log_path("shells")))


# ---- Pagoda-only behaviour, with explicit assertions --------------------------

def suite_pagoda(t):
    """Out-of-memory kills; the fault trace and counters of the README demos."""
    b = pq.boot(ISO, "quiet init=/bin/init /test/runner memhog", timeout=300, log_path=log_path("oom"))
    sections, diags = pagoda_sections(b.log)
    hog = sections.get("memhog")
    t.record(hog is not None and hog[1] == 9, "pagoda/oom_kills_with_sigkill",
             "memhog status %r" % (hog[1] if hog else "missing",))
    t.record(any("killed (SIGKILL): out of memory" in l for l in diags.get("memhog", [])),
             "pagoda/oom_console_line", "no 'killed (SIGKILL): out of memory' line")
    t.record(hog is not None and hog[2] == hog[3], "pagoda/oom_frees_everything",
             "free memory before/after %r" % (hog[2:] if hog else "missing",))

    b = pq.boot(ISO, "quiet init=/test/oomvictim", timeout=300, log_path=log_path("oomvictim"), mem="64M")
    t.record("small_child=exited 0 hog=killed by SIGKILL" in b.log, "pagoda/oom_victim_is_largest_not_faulter",
             "see " + log_path("oomvictim"))
    t.record("init_touched=yes hog2=killed by SIGKILL" in b.log and b.status == pq.EXIT_PASS,
             "pagoda/oom_never_kills_init", "%s; see %s" % (describe(b), log_path("oomvictim")))
    t.record("kernel_copies_ok=yes hog3=killed by SIGKILL" in b.log, "pagoda/oom_in_user_copy_kills_largest",
             "see " + log_path("oomvictim"))
    t.record(re.search(r"killed \(SIGKILL\): out of memory: largest footprint, \d+ KiB \(pid 1 ", b.log) is not None,
             "pagoda/oom_line_names_victim_and_faulter", "see " + log_path("oomvictim"))

    b = pq.boot(ISO, "quiet debug_vm init=/bin/init /test/runner sysfuzz", timeout=600, log_path=log_path("sysfuzz"))
    sections, _ = pagoda_sections(b.log)
    fz = sections.get("sysfuzz")
    t.record(fz is not None and fz[1] == 0 and b.status == pq.EXIT_PASS, "pagoda/sysfuzz_kernel_survives",
             "%s, sysfuzz status %r; see %s" % (describe(b), fz[1] if fz else None, log_path("sysfuzz")))
    t.record(fz is not None and fz[2] == fz[3], "pagoda/sysfuzz_frees_everything",
             "free memory before/after %r" % (fz[2:] if fz else "missing",))
    m = re.search(r"^sysfuzz: .*$", b.log, re.M)
    if m:
        print(m.group(0))

    # The user suite runs on qemu64 (fxsave); this CPU has XSAVE and AVX.
    b = pq.boot(ISO, "debug_vm init=/bin/init /test/runner fpu_isolation", timeout=300,
                log_path=log_path("fpu_xsave"), cpu="max")
    sections, _ = pagoda_sections(b.log)
    fpu = sections.get("fpu_isolation")
    t.record("fpu: xsave (x87 sse avx)" in b.log, "pagoda/fpu_xsave_chosen",
             "see " + log_path("fpu_xsave"))
    t.record(fpu is not None and fpu[1] == 0 and fpu[0] and all(l.endswith(": yes") for l in fpu[0]),
             "pagoda/fpu_isolation_with_xsave", "output %r; see %s" % (fpu[0][:4] if fpu else None,
                                                                     log_path("fpu_xsave")))

    b = pq.boot(ISO, "quiet init=/bin/init /test/runner high_segment", timeout=300, log_path=log_path("high"))
    t.record("errno 12" in b.log and b.status == pq.EXIT_FAIL, "pagoda/exec_high_segment_enomem_not_panic",
             "%s; see %s" % (describe(b), log_path("high")))

    b = pq.boot(ISO, "quiet debug_vm init=/bin/init /test/runner softdirty workingset", timeout=300,
                log_path=log_path("softdirty"))
    sections, _ = pagoda_sections(b.log)
    for prog, lines in (("softdirty", 25), ("workingset", 6)):   # workingset: mm/workingset.c's figures
        sd = sections.get(prog, ([], None, 0, 0))
        for line in sd[0]:
            if line.startswith("bits "):   # no verdict: compared with Linux below
                continue
            name, _, verdict = line.partition(": ")
            t.record(verdict == "yes", "pagoda/%s/%s" % (prog, name), line)
        t.record(len(sd[0]) == lines and sd[1] == 0 and sd[2] == sd[3], "pagoda/%s_runs_clean" % prog,
                 "%d lines, status %r, free memory %r; see %s" % (len(sd[0]), sd[1], sd[2:], log_path("softdirty")))
    softdirty_same_as_linux(t, sections.get("softdirty", ([],))[0])

    b = pq.boot(ISO, "quiet init=/bin/init /test/runner killinit", timeout=300, log_path=log_path("killinit"))
    t.record("init_alive=yes" in b.log and b.status == pq.EXIT_PASS, "pagoda/init_survives_kill",
             "%s; see %s" % (describe(b), log_path("killinit")))

    b = pq.boot(ISO, "quiet init=/test/demo_lazy_pie", timeout=300, log_path=log_path("pie"))
    t.record(b.status == pq.EXIT_PASS and "first touches: 4 faults" in b.log, "pagoda/static_pie_runs",
             "%s; see %s" % (describe(b), log_path("pie")))

    b = pq.boot(ISO, "quiet init=/bin/init /test/runner demo_mmapcopy demo_sharedfile", timeout=120,
                log_path=log_path("file_demos"))
    sections, _ = pagoda_sections(b.log)
    out = {n: "\n".join(sections.get(n, ([], 1, 0, 0))[0]) for n in ("demo_mmapcopy", "demo_sharedfile")}
    t.record("this is a text file, not an ELF executable" in out["demo_mmapcopy"]
             and sections.get("demo_mmapcopy", ([], 1))[1] == 0, "pagoda/demo_mmapcopy_copies",
             "output %r" % out["demo_mmapcopy"][:200])
    t.record('read() says     "hello from the child' in out["demo_sharedfile"]
             and re.search(r"^child : Shared_Dirty: +4 kB", out["demo_sharedfile"], re.M) is not None
             and sections.get("demo_sharedfile", ([], 1))[1] == 0, "pagoda/demo_sharedfile_shares",
             "output %r" % out["demo_sharedfile"][-400:])

    b = pq.boot(ISO, "quiet trace=fault init=/bin/init /test/runner demo_lazy demo_cow vmstat",
                timeout=120, log_path=log_path("demos"))
    sections, _ = pagoda_sections(b.log)
    trace = {n: "\n".join(sections.get(n, ([], 0, 0, 0))[0]) for n in ("demo_lazy", "demo_cow")}
    t.record(len(re.findall(r"^fault #\d+: pid \d+ \(demo_lazy\) write at [0-9a-f]{16} rip [0-9a-f]+ "
                            r"in \[[0-9a-f]+-[0-9a-f]+ rw-p anon\] -> demand-zero page, frame 0x[0-9a-f]+ ref 1$",
                            trace["demo_lazy"], re.M)) >= 4,
             "pagoda/trace_demand_zero", "fewer than 4 demand-zero trace lines for demo_lazy")
    t.record(re.search(r"^fault #\d+: pid \d+ \(demo_lazy\) exec at .* in \[\w+-\w+ r-xp elf:/bin/demo_lazy@0x\w+\] "
                       r"-> file page", trace["demo_lazy"], re.M) is not None,
             "pagoda/trace_names_elf_segment", "no exec fault labelled as demo_lazy's ELF segment")
    t.record("copy-on-write: copy" in trace["demo_cow"] and "copy-on-write: reuse" in trace["demo_cow"],
             "pagoda/trace_cow", "demo_cow's trace lacks a COW copy and a COW reuse")
    for name in ("demo_lazy", "demo_cow"):
        sec = sections.get(name)
        t.record(sec is not None and sec[1] == 0 and sec[2] == sec[3], "pagoda/%s_runs_clean" % name,
                 "status/free memory %r" % (sec[1:] if sec else "missing",))
    vm = "\n".join(sections.get("vmstat", ([], 0, 0, 0))[0])
    counts = {k: int(v) for k, v in re.findall(r"^  (\w+) +\+?(-?\d+)  ", vm, re.M)}
    t.record(counts.get("cow_copies", 0) >= 1 and counts.get("demand_zero", 0) >= 4
             and counts.get("pgfault", 0) >= counts.get("demand_zero", 0), "pagoda/vmstat_counters",
             "counters %r" % counts)
    t.record(re.search(r"^  cow_copies +\+\d+  \d+ page\(s\) copied .*\(copy-on-write, CS:APP 9\.8\.2\)$", vm, re.M)
             is not None, "pagoda/vmstat_explains_counters", "no explained cow_copies line in %r" % vm[:300])
    print("vmstat after the demos: " + ", ".join("%s=%d" % kv for kv in counts.items()))
    t.record(b.status == pq.EXIT_PASS, "pagoda/demos_boot", describe(b))
    demo_self = "\n".join(sections.get("demo_cow", ([], 0, 0, 0))[0])
    t.record(re.search(r"^child:  my counters since fork:\n(.*\n)*?  cow_copies +\+[1-9]", demo_self, re.M)
             is not None, "pagoda/demo_cow_prints_its_copies", "demo_cow output %r" % demo_self[-400:])

    fault_log_checks(t)
    memview_check(t)

    b = pq.boot(ISO, "quiet init=/bin/vmstat demo_cow", timeout=120, log_path=log_path("vmstat_cmd"))
    m = re.search(r"^vmstat: what running `demo_cow` changed.*\n((  .*\n)+)", b.log, re.M)
    delta = {k: int(v) for k, v in re.findall(r"^  (\w+) +\+?(-?\d+)  ", m.group(1) if m else "", re.M)}
    t.record(b.status == pq.EXIT_PASS and delta.get("cow_copies", 0) >= 1 and delta.get("cow_reuses", 0) >= 1
             and delta.get("pgfault", 0) >= delta["cow_copies"] + delta.get("cow_reuses", 0),
             "pagoda/vmstat_cmd_explains_demo_cow", "%s, deltas %r; see %s" % (describe(b), delta, log_path("vmstat_cmd")))


def memview_check(t):
    """memview draws every frame (by use, and pid 1's by its letter) with a legend."""
    b = pq.boot(ISO, "quiet init=/bin/memview 1", timeout=120, log_path=log_path("memview"))
    text = re.sub(r"\x1b\[[0-9;]*m", "", b.log)
    m = re.search(r"^(\d+) frames, (\d+) per cell .*\n((?:[.KPU*a-h]{1,64}\n)+)\. free  K kernel", text, re.M)
    cells = "".join(m.group(3).split()) if m else ""
    t.record(b.status == pq.EXIT_PASS and m is not None and len(cells) * int(m.group(2)) >= int(m.group(1))
             and "." in cells and "K" in cells and "P" in cells and ("a" in cells or "*" in cells)
             and "a pid 1" in text, "pagoda/memview_frame_map", "%s; see %s" % (describe(b), log_path("memview")))


def fault_log_checks(t):
    """trace=fault:PROG traces that program only; /proc/faultlog holds the same events."""
    b = pq.boot(ISO, "quiet trace=fault:demo_lazy init=/bin/vmstat demo_lazy", timeout=120,
                log_path=log_path("trace_one_program"))
    lines = re.findall(r"^fault #\d+: .*$", b.log, re.M)
    t.record(b.status == pq.EXIT_PASS and lines and all("(demo_lazy)" in l for l in lines)
             and sum("-> demand-zero page" in l and " anon] " in l for l in lines) >= 4,
             "pagoda/trace_fault_one_program", "%s; %d lines, others: %r" % (
                 describe(b), len(lines), [l for l in lines if "(demo_lazy)" not in l][:2]))
    b = pq.boot(ISO, "quiet init=/bin/init /test/runner demo_lazy faultlog", timeout=120,
                log_path=log_path("proc_faultlog"))
    sections, _ = pagoda_sections(b.log)
    import faultlog
    events = [e for e in map(faultlog.parse, sections.get("faultlog", ([], 0, 0, 0))[0]) if e]
    lazy = [e for e in events if e["comm"] == "demo_lazy"]
    zero = [e for e in lazy if e["case"] == "demand-zero page" and e["backing"] == "anon"]
    t.record(len(zero) >= 4 and all(e["result"] == "handled" and e["ref"] == 1 and e["pfn"] != "0x0"
                                    and e["access"] in ("read", "write") for e in zero)
             and [e["seq"] for e in events] == sorted(e["seq"] for e in events),
             "pagoda/proc_faultlog_events", "%d events, %d of demo_lazy, %d demand-zero; see %s"
             % (len(events), len(lazy), len(zero), log_path("proc_faultlog")))


# ---- the interactive shell and tools/pagoda-run ------------------------------

def suite_shell(t):
    """Boot to the shell, type at it through the serial port, read the screen."""
    start = time.monotonic()
    con = pq.Console(pq.qemu_command(ISO, "quiet"))
    try:
        t.record(con.wait_for("pagoda$ "), "shell/prompt", "no prompt; got %r" % con.seen[-300:])
        print("timing: QEMU start to shell prompt %.2f s" % (time.monotonic() - start))
        con.seen = ""
        con.type_line("ls")   # /bin: the shell, tools and demos; the tests are in /test
        t.record(con.wait_for("vmstat") and con.wait_for("pagoda$ ") and "demo_lazy" in con.seen
                 and "runner" not in con.seen and "mprotect_merge" not in con.seen,
                 "shell/ls_lists_bin_without_tests", con.seen[-300:])
        con.seen = ""
        con.type_line("ls /test")
        t.record(con.wait_for("runner") and con.wait_for("pagoda$ ") and "mprotect_merge" in con.seen
                 and "vmstat" not in con.seen, "shell/ls_test_lists_tests", con.seen[-300:])
        con.seen = ""
        con.type_line("crash bogux\x7fs")   # a typo fixed with backspace (DEL): runs "crash bogus"
        t.record(con.wait_for("[exit 2]"), "shell/runs_program_with_backspace", con.seen[-300:])
        con.type_line("crash null_read")
        t.record(con.wait_for("[killed by SIGSEGV]"), "shell/reports_killing_signal", con.seen[-300:])
        t.record("likely a NULL pointer dereference" in con.seen, "shell/kernel_diagnostic_line", con.seen[-300:])
        con.type_line("help")
        t.record(con.wait_for("ls"), "shell/help", con.seen[-300:])
    finally:
        con.close()
    with open(log_path("shell"), "w") as f:
        f.write(con.seen)


def suite_tools(t):
    run = os.path.join(ROOT, "tools", "pagoda-run")
    bin_ = lambda n: os.path.join(BIN, n)
    cases = [("exit_status_passes_through", [bin_("exit_status")], 0),
             ("killed_is_128_plus_signal", [bin_("crash"), "null_read"], 128 + 11),
             ("timeout_is_124", ["--timeout", "8", bin_("preempt")], None)]
    for name, args, want in cases:
        if want is None:   # a program that never ends: a shell waiting for input
            args = ["--timeout", "8", bin_("sh")]
            want = 124
        p = subprocess.run([run] + args, capture_output=True, text=True, timeout=120)
        t.record(p.returncode == want, "tools/pagoda_run_" + name,
                 "exit %d, wanted %d; output %r" % (p.returncode, want, (p.stdout + p.stderr)[-200:]))
    jl = os.path.join(LOGS, "faultlog.jsonl")
    p = subprocess.run([run, "--faultlog", jl, bin_("demo_lazy")], capture_output=True, text=True, timeout=120)
    try:
        events = [json.loads(l) for l in open(jl)]
    except (OSError, ValueError):
        events = []
    t.record(p.returncode == 0 and "first touches" in p.stdout and "seq=" not in p.stdout
             and sum(e["case"] == "demand-zero page" and e["comm"] == "demo_lazy" for e in events) >= 4
             and any(e["backing"].startswith("elf:/bin/demo_lazy@") for e in events),
             "tools/pagoda_run_faultlog_json", "exit %d, %d events; see %s" % (p.returncode, len(events), jl))
    pagoda_run_bytes_exact(t, run)
    kprof_smoke(t)
    vmview_checks(t)


CHROMIUM = ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def vmview_checks(t):
    """tools/vmview's picture of a forked pair, drawn by a real browser (headless
    Chromium): the elements must be there (structure, not pixels)."""
    html, png = os.path.join(LOGS, "vmview.html"), os.path.join(LOGS, "vmview.png")
    p = subprocess.run([os.path.join(ROOT, "tools", "vmview"), "--run", "-o", html], capture_output=True,
                       text=True, timeout=600)
    t.record(p.returncode == 0 and os.path.exists(html), "tools/vmview_writes_page", (p.stdout + p.stderr)[-300:])
    profile = os.path.join(ROOT, "build", "chromium-profile")
    browse = CHROMIUM + ["--user-data-dir=" + profile, "--window-size=1300,2600"]
    dom = subprocess.run(browse + ["--dump-dom", "file://" + html], capture_output=True, text=True,
                         timeout=600).stdout
    shot = subprocess.run(browse + ["--screenshot=" + png, "file://" + html], capture_output=True, timeout=600)
    count = lambda pattern: len(re.findall(pattern, dom))
    t.record('data-drawn="yes"' in dom, "tools/vmview_drawn_by_browser", "the page's script did not finish")
    t.record(count(r'<svg id="address-space-\d+"') == 2 and count(r'class="page resident-page') >= 64 and count(r'shared-page"') >= 32,
             "tools/vmview_address_spaces", "%d spaces, %d resident pages" % (
                 count(r'<svg id="address-space-\d+"'), count(r'class="page resident-page')))
    t.record(count(r'<svg id="pagetable-tree-\d+"') == 2 and count(r'data-level="PT"') >= 2
             and count(r'data-level="PML4"') == 2, "tools/vmview_pagetable_trees", "%d PT nodes" % count(r'data-level="PT"'))
    shared, parent, child = (count(r'class="frame %s"' % k) for k in ("shared", "parent", "child"))
    t.record(shared >= 16 and parent >= 8 and child >= 8, "tools/vmview_frame_map_shows_cow_sharing",
             "frames: %d shared, %d parent's, %d child's" % (shared, parent, child))
    t.record(count(r'<circle [^>]*class="fault"') >= 8, "tools/vmview_fault_timeline", "%d faults" % count('class="fault"'))
    t.record(shot.returncode == 0 and os.path.exists(png) and os.path.getsize(png) > 10000,
             "tools/vmview_screenshot", "chromium exit %d; see %s" % (shot.returncode, png))


def kprof_smoke(t):
    """tools/kprof getpid: a table, a total of the right order (tens to a
    few thousand instructions), most of it in the syscall path, sys_getpid
    itself charged. Counts only, never time."""
    p = subprocess.run([os.path.join(ROOT, "tools", "kprof"), "--n", "20", "--top", "40", "getpid"],
                       capture_output=True, text=True, timeout=3600)
    rows = dict((f[2], float(f[0])) for f in (l.split() for l in p.stdout.splitlines())
                if len(f) == 3 and f[1].endswith("%") and re.match(r"^[0-9.]+$", f[0]))
    m = re.search(r"kprof: getpid total=(\d+) per op", p.stdout)
    total = int(m.group(1)) if m else 0
    path = sum(v for k, v in rows.items() if k.startswith("syscall_") or k == "sys_getpid")
    cpus = re.search(r"kprof: per CPU: (.*)", p.stdout)   # with several CPUs: the total split by CPU
    split = sum(int(w.split("=")[1]) for w in cpus.group(1).split()) if cpus else total
    t.record(p.returncode == 0 and 30 <= total <= 5000 and rows.get("sys_getpid", 0) >= 1
             and path >= 0.4 * total and (cpus is not None) == (pq.smp_count(None) > 1)
             and abs(split - total) <= pq.smp_count(None), "tools/kprof_getpid_attributed",
             "exit %d, total %d, syscall path %.0f; output %r"
             % (p.returncode, total, path, (p.stdout + p.stderr)[-400:]))


def pagoda_run_bytes_exact(t, run):
    """rawout's bytes (every byte value, CR/LF mixes, UTF-8 split across
    writes, no final newline) through two concurrent pagoda-runs equal the
    host's, and the kernel's exit line never joins them."""
    host = subprocess.run([os.path.join(BIN, "rawout")], capture_output=True, timeout=60).stdout
    runs = [subprocess.Popen([run, os.path.join(BIN, "rawout")], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE) for _ in range(2)]
    outs = [r.communicate(timeout=300) for r in runs]
    for i, (out, err) in enumerate(outs):
        first = next((k for k in range(min(len(out), len(host))) if out[k] != host[k]), min(len(out), len(host)))
        t.record(out == host, "tools/pagoda_run_bytes_exact_%d" % (i + 1),
                 "%d bytes vs host %d, first difference at %d: %r; stderr %r"
                 % (len(out), len(host), first, out[first:first + 40], err[-200:]))
        t.record(runs[i].returncode == 3, "tools/pagoda_run_status_after_unterminated_output_%d" % (i + 1),
                 "exit %s" % runs[i].returncode)


def suite_ktest_plain_cpu(t):
    """The same ktests on a CPU without SMEP, SMAP or 1 GiB pages: the
    kernel's fallback paths (2 MiB direct map, no stac/clac). Booted from the
    ISO through SeaBIOS and GRUB (multiboot2), the path `make run-iso` and a
    real machine take, while every other suite boots by QEMU's -kernel."""
    b = pq.boot(GRUB_ISO, "test=all", timeout=BOOT_TIMEOUT, log_path=log_path("ktest-plain"), cpu="qemu64",
                disks=ktest_disks())
    results = re.findall(r"^(PASS|FAIL) (\S+)", b.log, re.M)
    failed = [n for v, n in results if v == "FAIL"]
    t.record(b.status == pq.EXIT_PASS and results and not failed, "ktest_plain_cpu/all",
             "%s; failed: %s" % (describe(b), failed))
    t.record("direct map in 2 MiB pages; SMEP absent, SMAP absent" in b.log, "ktest_plain_cpu/fallbacks_used",
             "boot log does not show the 2 MiB / no-SMEP path")


# ---- lib/ inside Pagoda: the same musl binaries the lib suite runs on the host --

def ramdisk_traces():
    out = subprocess.run(["cpio", "-it"], stdin=open(os.path.join(ROOT, "build", "initrd.cpio"), "rb"),
                         capture_output=True, text=True).stdout.split()
    return ["/" + f for f in out if f.startswith("traces/") and f.endswith(".rep")]


def boot_program(words, name, timeout=300):
    return pq.boot(ISO, "quiet init=" + words, timeout=timeout, log_path=log_path(name))


def suite_lib_pagoda(t):
    traces = ramdisk_traces()
    b = boot_program("/bin/mdriver -v -p 1 " + " ".join(traces), "mdriver", timeout=600)
    rows = dict(re.findall(r"^(\S+\.rep)\s+(yes|no)\s", b.log, re.M))
    for path in traces:
        name = os.path.basename(path)
        t.record(rows.get(name) == "yes", "lib_pagoda/mdriver/" + name, "correctness: %s" % rows.get(name))
    t.record(b.status == pq.EXIT_PASS, "lib_pagoda/mdriver_exit", describe(b))
    m = re.search(r"^malloc: avg_util=(\S+)", b.log, re.M)
    print("mdriver inside Pagoda: avg_util=%s over %d traces" % (m.group(1) if m else "?", len(traces)))
    for words, name in (("/test/malloc_selftest", "malloc_selftest"), ("/bin/mdriver -S", "mdriver_libc_calls")):
        b = boot_program(words, name)
        t.record(b.status == pq.EXIT_PASS, "lib_pagoda/" + name, "%s; see %s" % (describe(b), log_path(name)))
    for bug, message in (("double_free", "pagoda malloc: double free"),
                         ("invalid_free", "pagoda malloc: invalid free"),
                         ("overflow", "pagoda malloc: heap buffer overflow"),
                         ("use_after_free", "pagoda malloc: use after free")):
        b = boot_program("/test/malloc_debugtest --debug " + bug, "malloc_debug_" + bug)
        t.record(message in b.log and "init killed by signal" in b.log, "lib_pagoda/malloc_debug_" + bug,
                 "want %r and a fatal signal; see %s" % (message, log_path("malloc_debug_" + bug)))
    b = boot_program("/test/malloc_debugtest --debug leak", "malloc_debug_leak")
    t.record("2 block(s), 107 bytes leaked" in b.log and b.status == pq.EXIT_PASS, "lib_pagoda/malloc_debug_leak",
             "see " + log_path("malloc_debug_leak"))
    suite_gc_pagoda(t)


def suite_gc_pagoda(t):
    """The collector's tests and benchmark inside Pagoda. 1 GiB of guest
    memory: the 10-million-node list alone needs ~200 MiB."""
    b = pq.boot(ISO, "quiet init=/test/gc_tests", timeout=600, log_path=log_path("gc_tests"), mem="1G")
    results = re.findall(r"^(PASS|FAIL) (\S+)(.*)$", b.log, re.M)
    for verdict, name, rest in results:
        t.record(verdict == "PASS", "lib_pagoda/gc/" + name, rest.strip(" :()"))
    t.record(b.status == pq.EXIT_PASS and len(results) > 10, "lib_pagoda/gc_tests_exit",
             "%s with %d results; see %s" % (describe(b), len(results), log_path("gc_tests")))
    b = boot_program("/test/gc_leaky", "gc_leaky")
    t.record(len(re.findall(r"^gc: leak: \d+ bytes at \w+, allocated (at|from)", b.log, re.M)) == 3
             and b.status == pq.EXIT_PASS, "lib_pagoda/gc_leak_finding", "see " + log_path("gc_leaky"))
    b = boot_program("/test/gc_bdwgc", "gc_bdwgc")
    t.record(b.status == pq.EXIT_PASS, "lib_pagoda/gc_bdwgc_program", "see " + log_path("gc_bdwgc"))
    suite_bdwgc_pagoda(t)
    b = pq.boot(ISO, "quiet init=/bin/gcbench pagoda", timeout=600, log_path=log_path("gcbench"), mem="1G")
    m = re.search(r"^gcbench pagoda: .*$", b.log, re.M)
    t.record(b.status == pq.EXIT_PASS and m is not None, "lib_pagoda/gcbench_runs", "see " + log_path("gcbench"))
    if m:
        print("inside Pagoda: " + m.group(0))


def suite_labs(t):
    """The lab kit (tools/labproof.py): handouts cut and checked for the
    solution; labs stubbed in two groups, built, booted: each lab's tests
    fail with it stubbed and only those; the full tree passes them all;
    every known-wrong variant is rejected. One boot per tree."""
    import labproof
    labproof.prove(t.record)


def suite_labs_complete(t):
    """make test-labs: the same with every handout built on its own, the
    malloc lab's slow cases included, and every variant alone."""
    import labproof
    labproof.prove(t.record, complete=True)


# ---- ext2 on a disk, checked by the host's e2fsprogs ----------------------------

def ext2_seed(root):
    """The tree an ext2 test image starts with (fsworkload's DIR/seed)."""
    os.makedirs(os.path.join(root, "seed"))
    with open(os.path.join(root, "seed", "hello.txt"), "w") as f:
        f.write("hello from the host\n")
    with open(os.path.join(root, "seed", "big.bin"), "wb") as f:
        f.write(bytes((((i * 2654435761) >> 13) & 0xff) for i in range(512 * 1024)))


def tree_of(root, skip=("lost+found",)):
    """{relative path: file bytes, or None for a directory}."""
    out = {}
    for d, dirs, files in os.walk(root):
        dirs[:] = [x for x in dirs if x not in skip]
        rel = os.path.relpath(d, root)
        if rel != ".":
            out[rel] = None
        for f in files:
            with open(os.path.join(d, f), "rb") as fh:
                out[os.path.normpath(os.path.join(rel, f))] = fh.read()
    return out


def program_lines(log):
    return [l for l in log.splitlines() if ": " in l and not l.startswith(("pagoda: ", "ext2: ", "virtio-blk: "))]


def ext2_case(t, block_size, tmp):
    """fsworkload on the host in a directory and on Pagoda in an image made
    with mke2fs -d; the outputs match, e2fsck -fn finds the image clean
    afterwards, and debugfs's dump of it equals the host's tree."""
    import shutil
    name = "ext2_%dk" % (block_size // 1024)
    host_dir, seed_dir = os.path.join(tmp, name + "-host"), os.path.join(tmp, name + "-seed")
    ext2_seed(host_dir)
    ext2_seed(seed_dir)
    img = os.path.join(LOGS, name + ".img")
    subprocess.run(["mke2fs", "-q", "-F", "-t", "ext2", "-b", str(block_size), "-d", seed_dir, img, "16M"],
                   check=True, capture_output=True)
    host = subprocess.run([os.path.join(BIN, "fsworkload"), host_dir], capture_output=True, text=True)
    b = pq.boot(ISO, "quiet init=/bin/fsworkload /mnt", timeout=300, log_path=log_path(name), disks=[img])
    got = dict(keyed(program_lines(b.log)))
    for (case, n), line in keyed(host.stdout.splitlines()):
        label = case if n == 1 else "%s#%d" % (case, n)
        t.record(got.get((case, n)) == line, "ext2/%s/%s" % (name, label),
                 "host %r, pagoda %r" % (line, got.get((case, n))))
    t.record(b.status == pq.EXIT_PASS, "ext2/%s/exit" % name, "%s; see %s" % (describe(b), log_path(name)))
    fsck = subprocess.run(["e2fsck", "-fn", img], capture_output=True, text=True)
    t.record(fsck.returncode == 0, "ext2/%s/e2fsck_clean" % name,
             "e2fsck -fn exit %d: %s" % (fsck.returncode, (fsck.stdout + fsck.stderr)[-600:]))
    dump = os.path.join(tmp, name + "-dump")
    os.makedirs(dump)
    for top in ("seed", "w"):
        subprocess.run(["debugfs", "-R", "rdump /%s %s" % (top, dump), img], capture_output=True)
    want, have = tree_of(host_dir), tree_of(dump)
    diff = sorted(set(want) ^ set(have)) + sorted(k for k in set(want) & set(have) if want[k] != have[k])
    t.record(not diff, "ext2/%s/debugfs_tree_matches_host" % name,
             "%d paths differ, first %r" % (len(diff), diff[:5]))
    shutil.rmtree(dump, ignore_errors=True)


def ext2_parallel(t, tmp):
    """Four processes creating, renaming and removing at once (fsparallel):
    the same counts as on the host, and e2fsck -fn clean."""
    host_dir = os.path.join(tmp, "parallel-host")
    os.makedirs(host_dir)
    host = subprocess.run([os.path.join(BIN, "fsparallel"), host_dir, "4"], capture_output=True, text=True)
    img = os.path.join(LOGS, "ext2_parallel.img")
    subprocess.run(["mke2fs", "-q", "-F", "-t", "ext2", "-b", "1024", img, "16M"], check=True, capture_output=True)
    b = pq.boot(ISO, "quiet init=/test/fsparallel /mnt 4", timeout=300, log_path=log_path("ext2_parallel"),
                disks=[img])
    got = [l for l in b.log.splitlines() if l.startswith("fsparallel: ")]
    t.record(got == host.stdout.splitlines() and b.status == pq.EXIT_PASS, "ext2/parallel/output",
             "host %r, pagoda %r (%s)" % (host.stdout.splitlines()[:2], got[:2], describe(b)))
    fsck = subprocess.run(["e2fsck", "-fn", img], capture_output=True, text=True)
    t.record(fsck.returncode == 0, "ext2/parallel/e2fsck_clean",
             "e2fsck -fn exit %d: %s" % (fsck.returncode, (fsck.stdout + fsck.stderr)[-600:]))


def ext2_differential(t, tmp):
    """The file-system tests written for tmpfs (tests/sys/files, tests/vm/filemap),
    with their scratch directory ($TEST_TMPDIR) on ext2 at /mnt on Pagoda and in
    a directory of the host's own file system (ext4) on Linux: the outputs must
    match (free memory is not compared: the page and buffer caches keep some);
    e2fsck -fn clean after."""
    names = ["files", "filemap", "symlinks", "hardlinks", "rename_flags", "tmpfile"]
    host_dir = os.path.join(tmp, "diff-host")
    os.makedirs(host_dir)
    img = os.path.join(LOGS, "ext2_diff.img")
    subprocess.run(["mke2fs", "-q", "-F", "-t", "ext2", "-b", "1024", img, "32M"], check=True, capture_output=True)
    b = pq.boot(ISO, "quiet init=/bin/init /test/runner TEST_TMPDIR=/mnt " + " ".join(names), timeout=USER_TIMEOUT,
                log_path=log_path("ext2_diff"), disks=[img])
    sections, _ = pagoda_sections(b.log)
    for name in names:
        p = subprocess.run(["./" + name], cwd=BIN, env=dict(os.environ, TEST_TMPDIR=host_dir),
                           capture_output=True, text=True, timeout=120)
        if name not in sections:
            t.record(False, "ext2/diff_%s" % name, "no complete run; see %s" % log_path("ext2_diff"))
            continue
        out, status, before, _ = sections[name]
        compare_test(t, "ext2_" + name, p.stdout, p.returncode, (out, status, before, before))
    fsck = subprocess.run(["e2fsck", "-fn", img], capture_output=True, text=True)
    t.record(fsck.returncode == 0, "ext2/diff_e2fsck_clean",
             "e2fsck -fn exit %d: %s" % (fsck.returncode, (fsck.stdout + fsck.stderr)[-600:]))


def suite_ext2(t):
    import tempfile
    with tempfile.TemporaryDirectory(prefix="pagoda-ext2.") as tmp:
        for bs in (1024, 4096):
            ext2_case(t, bs, tmp)
        ext2_differential(t, tmp)
        ext2_parallel(t, tmp)


# ---- long hostile runs (make test-hostile): not part of make test ------------------

# ---- hostile input: fuzzed calls, exhaustion, a soak under debug_vm ------------

class HostileFigures:
    def __init__(self):
        self.calls = self.panics = self.hangs = self.leaked = self.boots = 0


def hostile_boot(t, fig, name, words, mem="128M", timeout=900):
    """One boot of the runner; every section must end with the memory it
    started with, the kernel must neither panic nor hang."""
    b = pq.boot(ISO, words, timeout=timeout, log_path=log_path(name), mem=mem)
    sections, _ = pagoda_sections(b.log)
    fig.boots += 1
    fig.panics += b.status == pq.EXIT_PANIC
    fig.hangs += b.timed_out
    fig.calls += sum(int(n) for n in re.findall(r"(\d+) calls tried", b.log))
    leaked = sum(max(0, before - after) for _, _, before, after in sections.values()) // 4096
    fig.leaked += leaked
    # memhog's OOM kill makes the runner's status non-zero; the fuzzer must end 0
    survived = b.status in (pq.EXIT_PASS, pq.EXIT_FAIL) and sections.get("sysfuzz", ([], 1))[1] == 0
    t.record(survived and leaked == 0, "hostile/" + name,
             "%s, %d sections, %d frames not returned; see %s" % (describe(b), len(sections), leaked, log_path(name)))


def report_hostile(fig, label):
    print("%s: %d boots, %d calls tried, %d panics, %d hangs, %d leaked frames"
          % (label, fig.boots, fig.calls, fig.panics, fig.hangs, fig.leaked))


def suite_hostile(t):
    """make test's share (about a minute): VM calls aimed at the caller's own
    mappings under debug_vm, so splits, moves and locks are checked whole
    after every call."""
    fig = HostileFigures()
    hostile_boot(t, fig, "vmfuzz_debug_vm", "quiet debug_vm init=/bin/init /test/runner SYSFUZZ=100_400_3_vm sysfuzz",
                 timeout=600)
    hostile_boot(t, fig, "fuzz_32m", "quiet debug_vm init=/bin/init /test/runner SYSFUZZ=60_400_5 sysfuzz memhog",
                 mem="32M", timeout=600)
    report_hostile(fig, "hostile")


def suite_hostile_long(t):
    """make test-hostile: fuzzing at scale, exhaustion at 32 MiB, a soak under
    debug_vm; bounded by counts (children x calls), not by time."""
    fig = HostileFigures()
    for seed, mode in ((11, ""), (12, ""), (13, "_vm"), (14, "_vm")):
        hostile_boot(t, fig, "fuzz_%d" % seed,
                     "quiet init=/bin/init /test/runner SYSFUZZ=200_1000_%d%s sysfuzz" % (seed, mode), timeout=3600)
    hostile_boot(t, fig, "exhaust_32m", "quiet init=/bin/init /test/runner SYSFUZZ=100_400_15_vm memhog many_children "
                 "fork_wait mremap mlock sysfuzz", mem="32M", timeout=3600)
    hostile_boot(t, fig, "soak_debug_vm", "quiet debug_vm init=/bin/init /test/runner SYSFUZZ=150_1000_16_vm sysfuzz",
                 timeout=3600)
    report_hostile(fig, "hostile (long)")
    tmpfs_soak(t)


def tmpfs_soak(t):
    """tmpfs files of 96 MiB in all (twice --mem 48M) through a swap disk,
    read back whole, removed, audited (reclaimcheck tmpfs 8, Pagoda only)."""
    b = pq.boot(ISO, "quiet debug_vm init=/test/reclaimcheck tmpfs 8", timeout=3600, log_path=log_path("tmpfs_soak"),
                mem=SWAP_MEM, disks=[swap_disk("tmpfs-soak", 256)])
    cases = re.findall(r"^reclaimcheck: (\w+) (ok|FAIL.*)$", b.log, re.M)
    for name, verdict in cases:
        t.record(verdict == "ok", "hostile_long/tmpfs_soak_%s" % name, "%s; see %s" % (verdict, log_path("tmpfs_soak")))
    t.record(bool(cases) and b.status == pq.EXIT_PASS, "hostile_long/tmpfs_soak_kernel_lives", describe(b))


def suite_ext2_fuzz(t):
    """Thousands of corrupted images in memory (the fuzzing ktest at
    ext2_fuzz=3000), then 24 boots each with a disk corrupted on the host,
    running fsworkload on it: never a panic or a hang, whatever fails."""
    import random
    import tempfile
    b = pq.boot(ISO, "test=ext2_fuzzed_images_never_panic ext2_fuzz=3000", timeout=3600,
                log_path=log_path("ext2_fuzz_mem"), disks=ktest_disks())
    m = re.search(r"^ext2 fuzz: .*$", b.log, re.M)
    t.record(b.status == pq.EXIT_PASS, "ext2_fuzz/in_memory_3000", "%s; %s" % (describe(b), m and m.group(0)))
    rng = random.Random(2026)
    with tempfile.TemporaryDirectory(prefix="pagoda-ext2fuzz.") as tmp:
        seed = os.path.join(tmp, "seed")
        ext2_seed(seed)
        clean = os.path.join(tmp, "clean.img")
        subprocess.run(["mke2fs", "-q", "-F", "-t", "ext2", "-b", "1024", "-d", seed, clean, "8M"],
                       check=True, capture_output=True)
        data = open(clean, "rb").read()
        isize = int.from_bytes(data[1024 + 88:1024 + 90], "little")
        itable = int.from_bytes(data[2056:2060], "little") * 1024
        root_dir = int.from_bytes(data[itable + isize + 40:itable + isize + 44], "little") * 1024
        regions = [(1024, 1024), (2048, 64), (itable, 16 * isize), (root_dir, 1024)]   # sb, gd, inodes, dir
        for i in range(24):
            img = bytearray(data)
            start, size = regions[i % len(regions)]
            for _ in range(rng.randint(1, 6)):
                img[start + rng.randrange(size)] = rng.randrange(256)
            path = os.path.join(tmp, "fuzz%d.img" % i)
            open(path, "wb").write(img)
            b = pq.boot(ISO, "quiet init=/bin/fsworkload /mnt", timeout=300, log_path=log_path("ext2_fuzz_%d" % i),
                        disks=[path])
            t.record(not b.timed_out and b.status != pq.EXIT_PANIC, "ext2_fuzz/disk_%d" % i,
                     "%s; see %s" % (describe(b), log_path("ext2_fuzz_%d" % i)))


BDWGC_PROGS = ("finalize", "weak", "typed", "debug", "misc", "rope", "lisp")


def normalized(lines):
    return [re.sub(r"0x[0-9a-f]+", "ADDR", l.rstrip("\r")) for l in lines]


def bdwgc_oracle(prog):
    """What the libgc build of a bdwgc-style program prints on the host (normalized). The
    timeout is only a hang guard: rope takes seconds on an idle machine, minutes on a loaded one."""
    boehm = os.path.join(ROOT, "build", "host", "bdwgc", prog + "_boehm")
    try:
        p = subprocess.run([boehm], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                           timeout=1800)
    except subprocess.TimeoutExpired:
        return ["(the libgc build did not finish)"]
    return normalized(p.stdout.splitlines())


def suite_bdwgc_pagoda(t):
    """tests/lib/gc/bdwgc/ programs inside Pagoda, in each collector mode, against
    what the same program prints with Debian's libgc on the host."""
    names = ["bdwgc_%s%s" % (p, m) for p in BDWGC_PROGS for m in ("", "_incr", "_gen")]
    # The host's libgc builds are the oracle; `make all` does not build them.
    subprocess.run(["make", "-s"] + [os.path.join("build", "host", "bdwgc", p + "_boehm") for p in BDWGC_PROGS],
                   cwd=ROOT, capture_output=True, timeout=3600)
    b = pq.boot(ISO, "quiet init=/bin/init /test/runner " + " ".join(names), timeout=2400,   # a hang guard: 6.7 min for one program at load 35
                log_path=log_path("bdwgc"), mem="512M")
    sections, diags = pagoda_sections(b.log)
    oracle = {prog: bdwgc_oracle(prog) for prog in BDWGC_PROGS}   # once per program, not per mode
    for name in names:
        prog = name[len("bdwgc_"):].replace("_incr", "").replace("_gen", "")
        want = oracle[prog]
        sec = sections.get(name)
        got = normalized(sec[0]) if sec else None
        t.record(sec is not None and got == want and sec[1] == 0, "lib_pagoda/gc/%s" % name,
                 "status %r; first difference: %r" % (sec[1] if sec else None, next(
                     ((w, g) for w, g in zip(want, got or []) if w != g), (len(want), len(got or [])))))
    t.record(b.status == pq.EXIT_PASS, "lib_pagoda/gc/bdwgc_boot", "%s; see %s" % (describe(b), log_path("bdwgc")))


SUITES = {"ktest": suite_ktest, "ktest_plain_cpu": suite_ktest_plain_cpu, "selfcheck": suite_selfcheck, "gdb": suite_gdb, "user": suite_user, "shells": suite_shells, "pagoda": suite_pagoda,
          "shell": suite_shell, "swap": suite_swap, "tools": suite_tools, "lib_pagoda": suite_lib_pagoda,
          "lib": suite_lib, "labs": suite_labs, "ext2": suite_ext2,
          "labs_complete": suite_labs_complete, "ext2_fuzz": suite_ext2_fuzz, "hostile": suite_hostile,
          "hostile_long": suite_hostile_long, "smp": suite_smp, "thp": suite_thp}
NOT_BY_DEFAULT = ("labs_complete",   # make test-labs
                  "ext2_fuzz",       # make test-hostile
                  "hostile_long")


# Suites that share build products run one after the other in one process.
CHAINS = (("lib", "lib_pagoda"),)
# Rough cost in minutes on an idle 2-core machine: the longest start first.
COST = {"swap": 5, "user": 4, "lib": 3, "labs": 3, "ext2": 3, "shells": 2, "tools": 2, "pagoda": 2,
        "lib_pagoda": 2, "ktest": 1, "hostile": 1, "smp": 1}


def run_serial(names):
    t = Tally()
    for name in names:
        start = time.monotonic()
        print("== %s" % name)
        sys.stdout.flush()
        SUITES[name](t)
        print("-- %s: %.0f s" % (name, time.monotonic() - start))
    return t


def run_parallel(names, jobs):
    """Each chain of suites in a child process (this script with those names
    and -j 1); at most `jobs` at once."""
    chains = [[n for n in c if n in names] for c in CHAINS]
    chains = [c for c in chains if c]
    chained = {n for c in chains for n in c}
    chains += [[n] for n in names if n not in chained]
    chains.sort(key=lambda c: -sum(COST.get(n, 1) for n in c))
    t, running = Tally(), []
    while chains or running:
        while chains and len(running) < jobs:
            c = chains.pop(0)
            out = open(log_path("suite-" + "+".join(c)), "w+")
            p = subprocess.Popen([sys.executable, os.path.abspath(__file__), "-j", "1"] + c,
                                 stdout=out, stderr=subprocess.STDOUT)
            running.append((p, out))
        time.sleep(0.5)
        for p, out in [r for r in running if r[0].poll() is not None]:
            running.remove((p, out))
            out.seek(0)
            ended = False
            for line in out.read().splitlines():
                m = re.match(r"^(\d+) passed, (\d+) failed$", line)
                if m:
                    t.passed += int(m.group(1))
                    t.failed += int(m.group(2))
                    ended = True
                elif not line.startswith("test time:"):
                    print(line)
            if not ended:
                t.record(False, "run/" + os.path.basename(out.name), "the suite process died (exit %d)" % p.returncode)
            out.close()
            sys.stdout.flush()
    return t


def main():
    os.makedirs(LOGS, exist_ok=True)
    args = sys.argv[1:]
    jobs = min(2, os.cpu_count() or 1)
    if args[:1] == ["-j"]:
        jobs, args = int(args[1]), args[2:]
    names = args or [n for n in SUITES if n not in NOT_BY_DEFAULT]
    start = time.monotonic()
    t = run_serial(names) if jobs <= 1 or len(names) <= 1 else run_parallel(names, jobs)
    print("test time: %.1f s" % (time.monotonic() - start))
    print("%d passed, %d failed" % (t.passed, t.failed))
    return 1 if t.failed or not t.passed else 0


if __name__ == "__main__":
    sys.exit(main())
