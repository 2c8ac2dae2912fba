"""pagewalk and ptdump: the 4-level translation (CS:APP 9.6, Intel SDM vol. 3, 4.5).

Mirrors mm/pagetable.c's walker: one loop over levels 4..1, a table is 512
eight-byte entries, bits 12-51 of an entry hold the next table's (or the
page's) physical address, PS at levels 3 and 2 ends the walk early.
"""
import gdb

from . import kstate

ADDR_MASK = 0x000ffffffffff000
LEVEL_NAMES = {4: "PML4", 3: "PDPT", 2: "PD", 1: "PT"}
BITS = [(0, "P"), (1, "W"), (2, "U"), (3, "PWT"), (4, "PCD"), (5, "A"), (6, "D"), (7, "PS"), (8, "G"),
        (63, "NX")]
PRESENT, WRITABLE, USER, ACCESSED, DIRTY, HUGE, GLOBAL, NX = 1, 2, 4, 1 << 5, 1 << 6, 1 << 7, 1 << 8, 1 << 63


def shift(level):
    return 12 + 9 * (level - 1)


def decode(entry):
    return " ".join(name if entry >> bit & 1 else "-" for bit, name in BITS)


def read_table(pa):
    return kstate.read_u64s(kstate.DIRECT_MAP_BASE + pa, 512)


def cr3_root():
    return int(gdb.parse_and_eval("$cr3")) & ADDR_MASK


def canonical(va):
    return va | 0xffff000000000000 if va & (1 << 47) else va


def walk(root, va):
    """The entries the MMU reads for va: a list of (level, index, entry_pa, entry)."""
    steps, table = [], root
    for level in (4, 3, 2, 1):
        i = (va >> shift(level)) & 511
        entry = read_table(table)[i]
        steps.append((level, i, table + 8 * i, entry))
        if not entry & PRESENT or level == 1 or entry & HUGE:
            break
        table = entry & ADDR_MASK
    return steps


class PageWalk(gdb.Command):
    """pagewalk ADDR [PID]: how ADDR translates, one line per level with the
    entry's bits (P W U PWT PCD A D PS G NX). A = the CPU has used the entry,
    D = the page was written (set by the MMU, CS:APP 9.7.1). Uses CR3, or the
    address space of process PID. Leaves the frame number in $pfn (see pfn)."""

    def __init__(self):
        super().__init__("pagewalk", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        args = gdb.string_to_argv(arg)
        if not args:
            raise gdb.GdbError("usage: pagewalk ADDR [PID]")
        va = kstate.value(args[0])
        root = kstate.mm_root_pa(kstate.find_proc(int(args[1]))) if len(args) > 1 else cr3_root()
        idx = [(va >> shift(l)) & 511 for l in (4, 3, 2, 1)]
        print("translate %016x (PML4 %d, PDPT %d, PD %d, PT %d, offset 0x%x), CR3 %x"
              % (va, idx[0], idx[1], idx[2], idx[3], va & 0xfff, root))
        for level, i, entry_pa, entry in walk(root, va):
            print("  %-4s[%3d] at pa %09x = %016x  %s" % (LEVEL_NAMES[level], i, entry_pa, entry, decode(entry)))
        if not entry & PRESENT:
            print("  => not mapped: an access raises #PF (not present)")
            return
        offset_mask = (1 << shift(level)) - 1
        pa = (entry & ADDR_MASK & ~offset_mask) | (va & offset_mask)
        size = {1: "4 KiB", 2: "2 MiB", 3: "1 GiB"}[level]
        print("  => physical address %x (%s page, pfn %#x; now in $pfn)" % (pa, size, pa >> 12))
        gdb.set_convenience_variable("pfn", pa >> 12)


class PtDump(gdb.Command):
    """ptdump [PID] [LO HI]: an address space as merged runs of pages with the
    same bits, A (accessed) and D (dirty) included. With a PID, that process's
    space; without, the one in CR3. One argument is a PID, two are a range."""

    def __init__(self):
        super().__init__("ptdump", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        args = gdb.string_to_argv(arg)
        pid_arg = args.pop(0) if len(args) in (1, 3) else None
        root = kstate.mm_root_pa(kstate.find_proc(int(gdb.parse_and_eval(pid_arg)))) if pid_arg else cr3_root()
        lo = kstate.value(args[0]) if args else 0
        hi = kstate.value(args[1]) if len(args) > 1 else 2 ** 64
        self.run = None
        print("address space in CR3 %x%s:" % (root, " (pid %s)" % pid_arg if pid_arg else ""))
        self.walk(root, 4, 0, lo, hi)
        self.flush()

    def walk(self, table, level, base, lo, hi):
        for i, entry in enumerate(read_table(table)):
            va = canonical(base + (i << shift(level)))
            end = va + (1 << shift(level))
            if not entry & PRESENT or end <= lo or va >= hi:
                continue
            if level == 1 or entry & HUGE:
                keep = WRITABLE | USER | NX | HUGE | GLOBAL | ACCESSED | DIRTY
                self.add(va, end, entry & keep)
            else:
                self.walk(entry & ADDR_MASK, level - 1, va, lo, hi)

    def add(self, va, end, flags):
        if self.run and self.run[1] == va and self.run[2] == flags:
            self.run[1] = end
            return
        self.flush()
        self.run = [va, end, flags]

    def flush(self):
        if not self.run:
            return
        va, end, flags = self.run
        print("  %016x-%016x r%s%s %s %8d KiB  %s"
              % (va, end, "w" if flags & WRITABLE else "-", "-" if flags & NX else "x",
                 "user  " if flags & USER else "kernel", (end - va) >> 10, decode(flags | PRESENT)))
        self.run = None


PageWalk()
PtDump()
