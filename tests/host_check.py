#!/usr/bin/env python3
"""host_check.py: check the user test programs on the host Linux, the oracle.

    tests/host_check.py --bin build/user/bin --expect build/user/expect NAME...

For every test NAME (a static binary in --bin):
  1. run it twice in --bin as ./NAME: once normally and once without address
     randomisation (setarch -R); RUN_ONCE tests only once. The two outputs must be identical (a test that
     prints an address, a pid or a time fails here), the exit status must be 0,
     every line must read "case_name: result" with unique case names, and no
     line may report a setup failure or an unexpected probe result;
  2. with --strace, run it a third time under `strace -f` and check every
     syscall it makes is one Pagoda implements (SYSCALLS below);
  3. write the output to --expect/NAME.out, the expected output for Pagoda.

Then it checks the user land itself: runner (markers and statuses), sh (fed
through a pipe: builtins, line editing, statuses) and init (batch mode).

Output protocol: one "PASS name" or "FAIL name: reason" line per check; the
exit status is 1 if anything failed. Each program run has a 120 s timeout.
Core dumps are off and the stack limit is 8 MiB, as on Pagoda.
"""
import argparse
import os
import re
import resource
import shutil
import subprocess
import sys

TIMEOUT = 120
CASE_LINE = re.compile(r"^[a-z0-9_]+: \S.*$")
BAD_LINE = re.compile(r"^(setup_failed|probe_unexpected):")
ENV = {"PATH": "/bin", "HOME": "/"}
# Tests that take many seconds and print only counts: run once, to keep the
# whole target well inside the test budget.
RUN_ONCE = {"leak"}

# The syscalls Pagoda implements (strace's names).
SYSCALLS = set("""
read write open close stat fstat lstat lseek mmap mprotect munmap brk
rt_sigaction rt_sigprocmask ioctl readv writev access sched_yield getpid fork
vfork execve exit wait4 kill uname getcwd getrusage sysinfo getppid arch_prctl
gettid tkill getdents64 set_tid_address clock_gettime exit_group openat
newfstatat nanosleep madvise dup dup2 clone
""".split())
# Not a call the program makes: the host kernel's way of resuming a nanosleep
# that a ptrace stop (strace itself) interrupted.
TRACER_ARTIFACTS = {"restart_syscall"}


def limits():
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_STACK, (8 << 20, 8 << 20))


def run(argv, cwd, stdin_data=None):
    """Run argv; return (status, output) or (None, reason) on timeout."""
    try:
        p = subprocess.run(argv, cwd=cwd, env=ENV, input=stdin_data,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           timeout=TIMEOUT, preexec_fn=limits)
    except subprocess.TimeoutExpired:
        return None, "timeout after %d s" % TIMEOUT
    return p.returncode, p.stdout.decode("utf-8", "replace")


class Report:
    def __init__(self):
        self.failed = 0
        self.passed = 0

    def result(self, name, reason):
        if reason:
            self.failed += 1
            print("FAIL %s: %s" % (name, reason), flush=True)
        else:
            self.passed += 1
            print("PASS %s" % name, flush=True)


def format_problem(out):
    """Why this output does not follow the case-line protocol, or None."""
    seen = set()
    if not out.strip():
        return "no output"
    for line in out.splitlines():
        if BAD_LINE.match(line):
            return line
        if not CASE_LINE.match(line):
            return "not a case line: %r" % line[:80]
        name = line.split(":", 1)[0]
        if name in seen:
            return "case name printed twice: %s" % name
        seen.add(name)
    return None


def first_difference(a, b):
    la, lb = a.splitlines(), b.splitlines()
    for i in range(max(len(la), len(lb))):
        x = la[i] if i < len(la) else "<missing>"
        y = lb[i] if i < len(lb) else "<missing>"
        if x != y:
            return "run 1 and 2 differ at line %d: %r vs %r" % (i + 1, x, y)
    return None


def check_test(bindir, name):
    """Returns (reason or None, output of the first run)."""
    st, out1 = run(["./" + name], bindir)
    if st is None:
        return out1, ""
    if st != 0:
        return "exit status %d" % st, out1
    if name in RUN_ONCE:
        return format_problem(out1), out1
    argv2 = ["setarch", "x86_64", "-R", "./" + name]
    if not shutil.which("setarch"):
        argv2 = ["./" + name]
    st, out2 = run(argv2, bindir)
    if st is None:
        return "second run: " + out2, out1
    if st != 0:
        return "second run: exit status %d" % st, out1
    return first_difference(out1, out2) or format_problem(out1), out1


def traced_syscalls(bindir, name, logfile):
    st, out = run(["strace", "-f", "-qq", "-o", logfile, "./" + name], bindir)
    if st is None:
        return None, out
    used = set()
    with open(logfile) as f:
        for line in f:
            m = re.match(r"^\d+\s+(?:<\.\.\. )?([a-z0-9_]+)[( ]", line)
            if m and not line.split(None, 1)[1].startswith("+++") \
                    and not line.split(None, 1)[1].startswith("---"):
                used.add(m.group(1))
    os.unlink(logfile)
    return used, None


def check_syscalls(bindir, name, report):
    used, err = traced_syscalls(bindir, name, "/tmp/pagoda-strace-%d-%s" %
                                (os.getpid(), name))
    if used is None:
        report.result("syscalls_" + name, err)
        return
    # strace names numbers no kernel defines "syscall_0x..."; a test calls
    # them on purpose to check ENOSYS.
    extra = sorted(n for n in used - SYSCALLS - TRACER_ARTIFACTS
                   if not n.startswith("syscall_0x"))
    report.result("syscalls_" + name,
                  "uses syscalls Pagoda lacks: " + " ".join(extra) if extra else None)
    return used


# ---- the user land itself ---------------------------------------------------

def check_runner(bindir, tests, expect, report):
    names = [t for t in tests if t in expect][:2]
    st, out = run(["./runner"] + names + ["no_such_test"], bindir)
    if st is None:
        report.result("runner", out)
        return
    blocks = re.findall(r"^@@@ begin (\S+)\n(.*?)^@@@ end (\S+) status=(-?\d+) "
                        r"freeram_before=(\d+) freeram_after=(\d+)$",
                        out, re.S | re.M)
    reason = None
    if [b[0] for b in blocks] != names + ["no_such_test"]:
        reason = "markers: %r" % [b[0] for b in blocks]
    elif any(b[0] != b[2] for b in blocks):
        reason = "begin/end names differ"
    elif any(b[3] != "0" or b[1] != expect[b[0]] for b in blocks[:-1]):
        reason = "a framed run's status or output differs from the direct run"
    elif blocks[-1][3] != str(127 << 8):
        reason = "missing program: status %s, want %d" % (blocks[-1][3], 127 << 8)
    elif st != 1:
        reason = "exit status %d with one failing program, want 1" % st
    report.result("runner", reason)


SH_CASES = [
    # (name, input, substrings the output must contain, exit status)
    ("sh_help", b"help\n", ["pagoda$ ", "help", "ls", "exit"], 0),
    ("sh_ls", b"ls .\n", ["exit_status", "runner", "notelf"], 0),
    ("sh_exit_code", b"./exit_status --exit 3\n", ["[exit 3]"], 0),
    ("sh_signal", b"./exit_status --segv\n", ["[killed by SIGSEGV]"], 0),
    ("sh_success_silent", b"./exit_status --exit 0\nexit 4\n", [], 4),
    ("sh_not_found", b"no_such_cmd\n", ["not found", "[exit 127]"], 0),
    ("sh_enoexec", b"./notelf\n", ["[exit 126]"], 0),
    ("sh_args", b"./exit_status   --exit\t 9  \n", ["[exit 9]"], 0),
    ("sh_backspace", b"./exit_status --exit 45\x7f7\n", ["[exit 47]"], 0),
    ("sh_backspace_twice", b"./exit_status --exit 456\x7f\x7f\n", ["[exit 4]"], 0),
    ("sh_ctrl_h", b"./exit_status --exit 2x\x08\n", ["[exit 2]"], 0),
    ("sh_kill_line", b"junk words\x15./exit_status --exit 5\n", ["[exit 5]"], 0),
    ("sh_cr_enter", b"./exit_status --exit 6\r\nexit 7\r", ["[exit 6]"], 7),
    ("sh_eof", b"", ["pagoda$ "], 0),
]


def check_sh(bindir, report):
    for name, data, want, want_st in SH_CASES:
        st, out = run(["./sh"], bindir, data)
        if st is None:
            report.result(name, out)
            continue
        missing = [w for w in want if w not in out]
        reason = None
        if missing:
            reason = "output lacks %r: %r" % (missing[0], out[-200:])
        elif st != want_st:
            reason = "exit status %d, want %d" % (st, want_st)
        elif name == "sh_success_silent" and "[exit" in out:
            reason = "printed a status for exit 0"
        report.result(name, reason)


def check_init(bindir, report):
    cases = [("init_exit_code", ["./exit_status", "--exit", "3"], 3),
             ("init_signal", ["./exit_status", "--segv"], 128 + 11),
             ("init_success", ["./exit_status", "--exit", "0"], 0),
             ("init_missing", ["./no_such_program"], 127)]
    for name, argv, want in cases:
        st, out = run(["./init"] + argv, bindir)
        reason = out if st is None else None
        if st is not None and st != want:
            reason = "exit status %d, want %d" % (st, want)
        report.result(name, reason)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--expect", required=True)
    ap.add_argument("--strace", action="store_true")
    ap.add_argument("tests", nargs="*")
    args = ap.parse_args()
    bindir = os.path.abspath(args.bin)
    os.makedirs(args.expect, exist_ok=True)
    report, expect, cases = Report(), {}, 0
    for name in args.tests:
        reason, out = check_test(bindir, name)
        report.result(name, reason)
        if reason is None:
            expect[name] = out
            cases += len(out.splitlines())
            with open(os.path.join(args.expect, name + ".out"), "w") as f:
                f.write(out)
        if args.strace:
            check_syscalls(bindir, name, report)
    check_runner(bindir, args.tests, expect, report)
    check_sh(bindir, report)
    check_init(bindir, report)
    print("user tests: %d programs, %d cases; checks: %d passed, %d failed" %
          (len(args.tests), cases, report.passed, report.failed))
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.exit(main())
