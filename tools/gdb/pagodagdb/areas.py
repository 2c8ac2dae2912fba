"""vmas and pfn: a process's areas (mm/vma.c) and one physical frame (mm/frame.c)."""
import gdb

from . import kstate

VM_READ, VM_WRITE, VM_EXEC, VM_SHARED = 0x1, 0x2, 0x4, 0x8


def vma_list(p):
    v = p["mm"]["vma_list"]
    while int(v):
        yield v
        v = v["next"]


def backing(v):
    """What the area's pages come from, in the words of /proc/PID/maps."""
    kind = str(v["kind"]).replace("VMA_", "").lower()
    try:
        f = v["vm_file"]
        if int(f) and int(f["f_dname"]):
            return "%s %s" % (kind, f["f_dname"].string())   # struct file (fs/vfs.h): its name
    except gdb.error:
        pass
    return kind


class Vmas(gdb.Command):
    """vmas [PID]: the areas of process PID (default: the running one), lowest
    first, with permissions, size and backing (anon, file, heap, stack)."""

    def __init__(self):
        super().__init__("vmas", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        p = kstate.proc_or_current(arg.strip())
        if not int(p["mm"]):
            raise gdb.GdbError("pid %d has no address space" % int(p["pid"]))
        print("areas of pid %d (%s):" % (int(p["pid"]), kstate.proc_name(p)))
        for v in vma_list(p):
            start, end, flags = (int(v[k]) & kstate.U64 for k in ("vm_start", "vm_end", "vm_flags"))
            perms = "".join(c if flags & bit else "-" for bit, c in
                            ((VM_READ, "r"), (VM_WRITE, "w"), (VM_EXEC, "x")))
            perms += "s" if flags & VM_SHARED else "p"
            print("  %016x-%016x %s %8d KiB  %s" % (start, end, perms, (end - start) >> 10, backing(v)))


class Pfn(gdb.Command):
    """pfn PFN: the physical frame PFN (a page number; pagewalk prints it):
    what it is used for and how many references it has (struct page in
    mm/frame.c). A user frame with refcount 2 after fork is shared
    copy-on-write. (Named pfn because gdb's own `frame` selects stack frames.)"""

    def __init__(self):
        super().__init__("pfn", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        if not arg.strip():
            raise gdb.GdbError("usage: pfn PFN")
        pfn = kstate.value(arg)
        pg = kstate.page_struct(pfn)
        use = str(pg["use"].cast(gdb.lookup_type("enum frame_use"))).replace("FRAME_", "").lower()
        print("pfn %#x (pa %#x): use %s, refcount %d" % (pfn, pfn << 12, use, int(pg["refcount"])))


Vmas()
Pfn()
