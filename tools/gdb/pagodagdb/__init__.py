"""Pagoda's gdb commands, one concept per module (loaded by tools/gdb/pagoda.gdb).

  kstate     reading the kernel's own state: processes, their mm, struct page
  pt         pagewalk ADDR, ptdump [PID] [LO HI]      (page tables, CS:APP 9.6)
  fault      pferr [CODE], pfbreak [PROG]            (page faults, CS:APP 9.3)
  areas      vmas [PID], pfn PFN                     (areas and physical frames)
  trapframe  `bt` that ends at the trap frame with the user rip and program

Everything is read through the kernel's direct map and its symbols, so the
commands work once the kernel runs in 64-bit mode. The constants mirror
mm/pte.h, mm/pf_error.h and mm/layout.h; the walk mirrors mm/pagetable.c.
"""
from . import kstate, pt, fault, areas, trapframe  # noqa: F401  (each registers its commands)

HELP = """Pagoda gdb commands (help CMD for more):
  pfbreak [PROG]   stop at the next page fault (of a process running PROG)
  pferr [CODE]     decode a #PF error code (default: the fault pfbreak stopped at)
  pagewalk ADDR    translate ADDR level by level (PML4, PDPT, PD, PT) with A/D bits
  ptdump [PID] [LO HI]  an address space as runs of pages with equal bits
  vmas [PID]       a process's areas (like /proc/PID/maps)
  pfn PFN          one physical frame: its use and reference count
  procs            every process: pid, state, name
  bt               ends at the trap frame: user rip and program name"""
