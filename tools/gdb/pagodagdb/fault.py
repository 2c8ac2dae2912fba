"""pferr and pfbreak: page faults seen from gdb (CS:APP 9.3.4, Intel SDM vol. 3, 4.7).

pfbreak plants a breakpoint on handle_page_fault (mm/fault.c) whose condition
is a Python function: it stops only when the running process's name matches,
prints the decoded fault, and leaves $pf_addr and $pf_error for the next
commands (`pagewalk $pf_addr` still works after `finish`, when `f` is gone).
"""
import gdb

from . import kstate

# mm/pf_error.h, bit by bit: (bit, meaning when 0, meaning when 1)
ERROR_BITS = [
    (0, "page not present", "protection violation (the page is present)"),
    (1, "read", "write"),
    (2, "kernel-mode access", "user-mode access"),
    (3, None, "reserved bit set in a paging entry (a corrupt table)"),
    (4, None, "instruction fetch"),
    (5, None, "protection-key violation"),
]

last_fault = {}


def describe_error(code):
    parts = []
    for bit, zero, one in ERROR_BITS:
        text = one if code >> bit & 1 else zero
        if text:
            parts.append(text)
    if code & 0x10:
        parts = [p for p in parts if p != "read"]
    return ", ".join(parts)


class PfErr(gdb.Command):
    """pferr [CODE]: decode a #PF error code (P, W/R, U/S, RSVD, I/D, PK).
    Without CODE, the fault that pfbreak last stopped at."""

    def __init__(self):
        super().__init__("pferr", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        if arg.strip():
            code = kstate.value(arg)
        elif "error" in last_fault:
            code = last_fault["error"]
        else:
            raise gdb.GdbError("usage: pferr CODE (no fault seen yet: see pfbreak)")
        bits = " ".join(name if code >> bit & 1 else "-" for bit, name in
                        ((0, "P"), (1, "W"), (2, "U"), (3, "RSVD"), (4, "I"), (5, "PK")))
        print("error code %#x  [%s]: %s" % (code, bits, describe_error(code)))


def trap_rip():
    """The interrupted rip: from trap(tf)'s frame, else the process's saved frame."""
    frame = gdb.newest_frame()
    while frame is not None:
        if frame.name() == "trap":
            try:
                return int(frame.read_var("tf")["rip"]) & kstate.U64
            except (gdb.error, ValueError):
                break
        frame = frame.older()
    p = kstate.current_proc()
    return int(p["tf"]["rip"]) & kstate.U64 if p is not None else 0


class PfBreakpoint(gdb.Breakpoint):
    """Stops once, at the next page fault of a process named `prog` (any if None)."""

    def __init__(self, prog):
        super().__init__("handle_page_fault", internal=False, temporary=True)
        self.prog = prog

    def stop(self):
        p = kstate.current_proc()
        name = kstate.proc_name(p)
        if self.prog and name != self.prog:
            return False
        f = gdb.parse_and_eval("f")
        addr, error = int(f["addr"]) & kstate.U64, int(f["error"]) & kstate.U64
        last_fault.update(addr=addr, error=error)
        gdb.set_convenience_variable("pf_addr", addr)
        gdb.set_convenience_variable("pf_error", error)
        pid = int(p["pid"]) if p is not None else 0
        print("pfbreak: pid %d (%s) page fault at %#x, rip %#x: %s"
              % (pid, name, addr, trap_rip(), describe_error(error)))
        return True


class PfBreak(gdb.Command):
    """pfbreak [PROG]: stop at the next page fault taken while a process named
    PROG runs (any process without PROG). Sets $pf_addr and $pf_error."""

    def __init__(self):
        super().__init__("pfbreak", gdb.COMMAND_BREAKPOINTS)

    def invoke(self, arg, from_tty):
        prog = arg.strip() or None
        PfBreakpoint(prog)
        print("will stop at the next page fault%s" % (" of a process named " + prog if prog else ""))


PfErr()
PfBreak()
