"""gdb commands for Pagoda students (loaded by tools/gdb/pagoda.gdb).

  pagewalk ADDR   translate ADDR through the current page tables (CR3), one
                  line per level: index, entry address, raw entry, decoded bits
  ptdump [LO HI]  the whole address space (or [LO, HI)) as runs of pages with
                  the same permissions, like /proc/PID/maps next to the tables

They read the tables through the kernel's direct map, so they work once the
kernel runs in 64-bit mode. The logic mirrors mm/pagetable.c's pt_walk; the
constants mirror mm/pte.h and mm/layout.h.
"""
import struct

import gdb

DIRECT_MAP_BASE = 0xffff800000000000
ADDR_MASK = 0x000ffffffffff000
LEVEL_NAMES = {4: "PML4", 3: "PDPT", 2: "PD", 1: "PT"}
BITS = [(0, "P"), (1, "W"), (2, "U"), (3, "PWT"), (4, "PCD"), (5, "A"), (6, "D"), (7, "PS"), (8, "G"),
        (63, "NX")]
PRESENT, WRITABLE, USER, HUGE, NX = 1, 2, 4, 1 << 7, 1 << 63


def shift(level):
    return 12 + 9 * (level - 1)


def decode(entry):
    return " ".join(name if entry >> bit & 1 else "-" for bit, name in BITS)


def read_table(pa):
    data = gdb.selected_inferior().read_memory(DIRECT_MAP_BASE + pa, 4096)
    return struct.unpack("<512Q", bytes(data))


def root_table():
    return int(gdb.parse_and_eval("$cr3")) & ADDR_MASK


class PageWalk(gdb.Command):
    """pagewalk ADDR: how ADDR translates through the page tables in CR3."""

    def __init__(self):
        super().__init__("pagewalk", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        va = int(gdb.parse_and_eval(arg)) & (2 ** 64 - 1)
        table = root_table()
        idx = [(va >> shift(l)) & 511 for l in (4, 3, 2, 1)]
        print("translate %016x (PML4 %d, PDPT %d, PD %d, PT %d, offset 0x%x), CR3 %x"
              % (va, idx[0], idx[1], idx[2], idx[3], va & 0xfff, table))
        for level in (4, 3, 2, 1):
            i = (va >> shift(level)) & 511
            entry = read_table(table)[i]
            print("  %-4s[%3d] at pa %09x = %016x  %s"
                  % (LEVEL_NAMES[level], i, table + 8 * i, entry, decode(entry)))
            if not entry & PRESENT:
                print("  => not mapped: an access raises #PF (not present)")
                return
            if level == 1 or entry & HUGE:
                offset_mask = (1 << shift(level)) - 1
                pa = (entry & ADDR_MASK & ~offset_mask) | (va & offset_mask)
                size = {1: "4 KiB", 2: "2 MiB", 3: "1 GiB"}[level]
                print("  => physical address %x (%s page)" % (pa, size))
                return
            table = entry & ADDR_MASK


def canonical(va):
    return va | 0xffff000000000000 if va & (1 << 47) else va


class PtDump(gdb.Command):
    """ptdump [LO HI]: the address space in CR3 as merged runs of pages."""

    def __init__(self):
        super().__init__("ptdump", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        args = gdb.string_to_argv(arg)
        lo = int(gdb.parse_and_eval(args[0])) & (2 ** 64 - 1) if args else 0
        hi = int(gdb.parse_and_eval(args[1])) & (2 ** 64 - 1) if len(args) > 1 else 2 ** 64
        self.run = None
        print("address space in CR3 %x:" % root_table())
        self.walk(root_table(), 4, 0, lo, hi)
        self.flush()

    def walk(self, table, level, base, lo, hi):
        for i, entry in enumerate(read_table(table)):
            va = canonical(base + (i << shift(level)))
            end = va + (1 << shift(level))
            if not entry & PRESENT or end <= lo or va >= hi:
                continue
            if level == 1 or entry & HUGE:
                self.add(va, end, entry & (WRITABLE | USER | NX | HUGE | (1 << 8)))
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
