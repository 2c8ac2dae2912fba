"""Reading Pagoda's kernel state from gdb: processes, address spaces, frames.

Names follow the kernel's: struct proc (kernel/proc.h), struct mm and struct
vma (mm/mm.h), struct page (mm/frame.h). Nothing here writes to the target.
"""
import struct

import gdb

DIRECT_MAP_BASE = 0xffff800000000000   # mm/layout.h: pa_to_kva(pa) = DIRECT_MAP_BASE + pa
KERNEL_BASE = 0xffffffff80000000       # mm/layout.h: the kernel image
PAGE_SHIFT = 12
U64 = 2 ** 64 - 1


def value(expr):
    """An integer from a gdb expression (a number, a symbol, `f->addr`, `$pf_addr`)."""
    return int(gdb.parse_and_eval(expr)) & U64


def read_u64s(va, count):
    data = gdb.selected_inferior().read_memory(va, 8 * count)
    return struct.unpack("<%dQ" % count, bytes(data))


def kva_to_pa(va):
    if va >= KERNEL_BASE:
        return va - KERNEL_BASE
    return va - DIRECT_MAP_BASE


def this_cpu():
    """The per-CPU area (struct percpu) of the CPU gdb has selected (the
    one that hit the breakpoint; QEMU shows each CPU as a thread). Its GS
    base in kernel mode, the saved one (KERNEL_GS_BASE) after swapgs to user
    mode (kernel/percpu.h); cpus[0] before the CPU points GS at its area."""
    cpus = gdb.parse_and_eval("cpus")
    first = int(cpus[0].address) & U64
    end = first + cpus.type.sizeof
    for reg in ("$gs_base", "$k_gs_base"):
        base = int(gdb.parse_and_eval(reg)) & U64
        if first <= base < end:
            return cpus[(base - first) // cpus[0].type.sizeof]
    return cpus[0]


def current_proc():
    """The process running on the selected CPU (struct proc *), or None
    before the first one."""
    try:
        p = this_cpu()["current"]
    except gdb.error:
        return None
    return p if int(p) else None


def all_procs():
    p = gdb.parse_and_eval("all_procs")
    while int(p):
        yield p
        p = p["all_next"]


def find_proc(pid):
    for p in all_procs():
        if int(p["pid"]) == pid:
            return p
    raise gdb.GdbError("no process with pid %d" % pid)


def proc_name(p):
    return p["name"].string() if p is not None else "?"


def proc_or_current(arg):
    """The process named by a pid argument, else the current one."""
    if arg:
        return find_proc(int(gdb.parse_and_eval(arg)))
    p = current_proc()
    if p is None:
        raise gdb.GdbError("no current process: give a pid (see `procs`)")
    return p


def mm_root_pa(p):
    """Physical address of a process's PML4 (its CR3 value)."""
    mm = p["mm"]
    if not int(mm):
        raise gdb.GdbError("pid %d has no address space" % int(p["pid"]))
    return kva_to_pa(int(mm["pgd"]) & U64)


def page_struct(pfn):
    """struct page of frame `pfn` (mm/frame.c: frame_pages[pfn])."""
    npages = int(gdb.parse_and_eval("frame_npages"))
    if pfn >= npages:
        raise gdb.GdbError("pfn %#x is beyond the frames the kernel manages (%#x)" % (pfn, npages))
    return gdb.parse_and_eval("frame_pages")[pfn]


class Procs(gdb.Command):
    """procs: every process with its pid, state and program name (* = running)."""

    def __init__(self):
        super().__init__("procs", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        cur = current_proc()
        for p in all_procs():
            mark = "*" if cur is not None and int(p) == int(cur) else " "
            print("%s pid %-4d %-9s %s" % (mark, int(p["pid"]), str(p["state"]).replace("PROC_", "").lower(),
                                          proc_name(p)))


Procs()
