"""`bt` across the trap entry: the kernel's stack ends in a struct trapframe.

trapentry.asm and syscall_entry.asm save the interrupted registers as a
struct trapframe (kernel/trapframe.h) and call trap(tf) / syscall_dispatch(tf),
so the return address of that call (trap_return, syscall_return) marks the
frame whose stack pointer IS the trapframe. The unwinder below gives gdb the
interrupted registers from it (so a fault taken in kernel mode unwinds into
the code it interrupted); the frame filter prints that frame as one line
naming the trap, and ends the backtrace there when the trap came from user
mode: below it is the user program, whose stack gdb cannot read sensibly.
"""
import gdb
from gdb.FrameDecorator import FrameDecorator
from gdb.unwinder import Unwinder, register_unwinder

from . import kstate

# struct trapframe, field order (kernel/trapframe.h)
TF_FIELDS = ["r15", "r14", "r13", "r12", "r11", "r10", "r9", "r8", "rbp", "rdi", "rsi", "rdx", "rcx",
             "rbx", "rax", "vector", "error", "rip", "cs", "rflags", "rsp", "ss"]
TF_SYSCALL = 0x100
VECTOR_NAMES = {0: "#DE divide error", 1: "#DB debug", 3: "#BP breakpoint", 6: "#UD invalid opcode",
                7: "#NM device not available", 13: "#GP general protection", 14: "#PF page fault",
                16: "#MF x87 floating point", 19: "#XM SIMD floating point", 32: "timer interrupt"}


def entry_addresses():
    out = set()
    for sym in ("trap_return", "syscall_return"):
        try:
            out.add(int(gdb.parse_and_eval("&" + sym).cast(gdb.lookup_type("long"))) & kstate.U64)
        except gdb.error:
            pass
    return out


def read_trapframe(sp):
    return dict(zip(TF_FIELDS, kstate.read_u64s(sp, len(TF_FIELDS))))


class FrameId:
    def __init__(self, sp, pc):
        self.sp, self.pc = sp, pc


class TrapUnwinder(Unwinder):
    """The caller of the entry stub is whatever the trapframe interrupted."""

    def __init__(self):
        super().__init__("pagoda-trapframe")
        self.entries = None

    def __call__(self, pending):
        if self.entries is None:
            self.entries = entry_addresses()
        pc = int(pending.read_register("rip")) & kstate.U64
        if pc not in self.entries:
            return None
        sp = int(pending.read_register("rsp")) & kstate.U64
        tf = read_trapframe(sp)
        info = pending.create_unwind_info(FrameId(pending.read_register("rsp"), pending.read_register("rip")))
        for reg in ("rip", "rsp", "rbp", "rbx", "r12", "r13", "r14", "r15"):
            info.add_saved_register(reg, gdb.Value(tf[reg]).cast(pending.read_register(reg).type))
        return info


def describe(tf, user):
    if tf["vector"] == TF_SYSCALL:
        what = "syscall %d" % tf["rax"]
    else:
        what = VECTOR_NAMES.get(tf["vector"], "vector %d" % tf["vector"])
        if tf["vector"] == 14:
            what += " at %#x" % (int(gdb.parse_and_eval("$cr2")) & kstate.U64)
    if not user:
        return "[%s in kernel mode: interrupted rip %#x]" % (what, tf["rip"])
    p = kstate.current_proc()
    return "[%s from user mode: rip %#x in %s (pid %d)]" % (
        what, tf["rip"], kstate.proc_name(p), int(p["pid"]) if p is not None else 0)


class TrapDecorator(FrameDecorator):
    def __init__(self, base, text):
        super().__init__(base)
        self.text = text

    def function(self):
        return self.text

    def address(self):
        return None

    def filename(self):
        return None

    def line(self):
        return None

    def frame_args(self):
        return None

    def frame_locals(self):
        return None


class TrapFilter:
    """Names the trapframe's frame and ends the backtrace at a user-mode trap."""

    def __init__(self):
        self.name, self.priority, self.enabled = "pagoda-trapframe", 100, True
        self.entries = None
        gdb.frame_filters[self.name] = self

    def filter(self, frames):
        if self.entries is None:
            self.entries = entry_addresses()
        for dec in frames:
            frame = dec.inferior_frame()
            if (frame.pc() & kstate.U64) not in self.entries:
                yield dec
                continue
            tf = read_trapframe(int(frame.read_register("rsp")) & kstate.U64)
            user = tf["cs"] & 3 == 3
            yield TrapDecorator(dec, describe(tf, user))
            if user:
                return


register_unwinder(None, TrapUnwinder(), replace=True)
TrapFilter()
