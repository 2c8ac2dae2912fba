"""Boot Pagoda under QEMU (TCG) headless and collect what happened.

Shared by tests/run.py and tools/pagoda-run. The kernel command line is
passed through QEMU's fw_cfg (file "opt/pagoda/cmdline"), which the kernel
appends to its loader's, so every boot can use the same images.

What boots is an ISO (a path: SeaBIOS, then GRUB reading the kernel and the
ramdisk from the CD, multiboot2) or a Direct(kernel.bin, initrd) pair (QEMU's
-kernel: QEMU copies both into memory itself, multiboot1, no boot loader:
seconds faster). DIRECT is the build's own pair.
"""
import os
import select
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# isa-debug-exit statuses (kernel/qemu.h): QEMU exits with (value << 1) | 1.
EXIT_PASS = 33
EXIT_FAIL = 35
EXIT_PANIC = 37


class Direct:
    """A kernel image and a ramdisk for QEMU's -kernel and -initrd."""

    def __init__(self, kernel, initrd):
        self.kernel, self.initrd = kernel, initrd


def tree_image(tree):
    """The Direct pair `make all` builds in source tree `tree`."""
    return Direct(os.path.join(tree, "build", "kernel.bin"), os.path.join(tree, "build", "initrd.cpio"))


DIRECT = tree_image(ROOT)


def boot_args(image):
    """QEMU arguments that boot `image`: an ISO path or a Direct pair."""
    if isinstance(image, Direct):
        return ["-kernel", image.kernel, "-initrd", image.initrd.replace(",", ",,")]
    return ["-cdrom", image, "-boot", "d"]


class Boot:
    """The outcome of one boot."""

    def __init__(self):
        self.status = None        # QEMU's exit status, None on timeout
        self.timed_out = False
        self.log = ""
        self.t_kmain = None       # seconds from QEMU start to the kernel's first line
        self.t_total = None       # seconds from QEMU start to QEMU's exit


def drive_args(disks):
    """QEMU arguments attaching each disk image as a virtio-blk disk (vda,
    vdb, ... in order). An entry is a path, or (path, "ro") for a read-only
    disk."""
    args = []
    for d in disks or []:
        path, mode = (d, "rw") if isinstance(d, str) else d
        spec = "file=%s,format=raw,if=virtio" % path.replace(",", ",,")
        if mode == "ro":
            spec += ",readonly=on"
        args += ["-drive", spec]
    return args


def smp_count(smp):
    """The CPUs a boot gets: smp, else the environment's PAGODA_SMP, else one."""
    return max(1, int(os.environ.get("PAGODA_SMP", "1") if smp is None else smp))


def smp_args(smp, icount=False):
    """QEMU arguments for `smp` CPUs: multi-threaded TCG (one host thread
    per CPU), except under -icount, which QEMU runs on one thread (the CPUs
    take turns, so instruction counts stay deterministic). smp None: the
    environment's PAGODA_SMP (so any suite can be run with N CPUs:
    `PAGODA_SMP=4 tests/run.py user`), else one."""
    n = smp_count(smp)
    if n <= 1:
        return []
    return ["-smp", str(n), "-accel", "tcg,thread=%s" % ("single" if icount else "multi")]


def qemu_command(image, cmdline, mem="128M", cpu="qemu64,+smep,+smap,+pdpe1gb",
                 icount=False, gdb_port=None, paused=False, disks=None, log_serial=None, smp=None):
    cmd = ["qemu-system-x86_64", "-machine", "pc", "-cpu", cpu, "-m", mem,
           "-no-reboot", "-display", "none", "-serial", "stdio", "-monitor", "none", "-nic", "none",
           "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"] + boot_args(image) + drive_args(disks) + smp_args(smp, icount)
    if cmdline:
        cmd += ["-fw_cfg", "name=opt/pagoda/cmdline,string=" + cmdline.replace(",", ",,")]
    if log_serial:   # COM2: the kernel's machine-readable logs (faultlog=serial)
        cmd += ["-serial", "file:" + log_serial]
    if icount:
        cmd += ["-icount", "shift=0"]
    if gdb_port:
        cmd += ["-gdb", "tcp:127.0.0.1:%d" % gdb_port]
    if paused:
        cmd += ["-S"]
    return cmd


def boot(image, cmdline, timeout=60, log_path=None, echo=None, **kw):
    """Run QEMU until it exits or `timeout` seconds pass. `echo`, if given, is
    an object whose write(bytes) receives the serial output as it arrives: raw
    bytes, never decoded, since a chunk may end inside a UTF-8 character.
    With N CPUs the timeout (a hang guard, never a speed test) is N times
    longer: N host threads share the same cores."""
    timeout *= smp_count(kw.get("smp"))
    result = Boot()
    start = time.monotonic()
    proc = subprocess.Popen(qemu_command(image, cmdline, **kw), stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    chunks = []
    fd = proc.stdout.fileno()
    while True:
        left = timeout - (time.monotonic() - start)
        if left <= 0:
            result.timed_out = True
            proc.kill()
            break
        ready, _, _ = select.select([fd], [], [], min(left, 0.5))
        if not ready:
            continue
        data = os.read(fd, 65536)
        if not data:
            break
        chunks.append(data)
        if echo:
            echo.write(data)
            echo.flush()
        if result.t_kmain is None and b"Pagoda:" in b"".join(chunks[-2:]):
            result.t_kmain = time.monotonic() - start
    proc.wait()
    result.t_total = time.monotonic() - start
    result.status = None if result.timed_out else proc.returncode
    result.log = b"".join(chunks).decode("utf-8", "replace").replace("\r\n", "\n")
    if log_path:
        os.makedirs(os.path.dirname(log_path), exist_ok=True)
        with open(log_path, "w") as f:
            f.write(result.log)
    return result


class Console:
    """A running Pagoda whose serial console is this process's pipe: `cmd` is
    QEMU (qemu_command) or `make run` itself. wait_for reads until a text
    appears (the timeout bounds a hang; it is not a speed test); type_line
    types one line as a person would, a character at a time."""

    def __init__(self, cmd, cwd=None):
        self.proc = subprocess.Popen(cmd, cwd=cwd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        self.seen = ""

    def wait_for(self, text, timeout=120):
        end = time.monotonic() + timeout
        while text not in self.seen and time.monotonic() < end and self.proc.poll() is None:
            if select.select([self.proc.stdout], [], [], 0.5)[0]:
                self.seen += os.read(self.proc.stdout.fileno(), 65536).decode("utf-8", "replace")
        return text in self.seen

    def type_line(self, line):
        for ch in line + "\r":
            self.proc.stdin.write(ch.encode())
            self.proc.stdin.flush()
            time.sleep(0.01)

    def close(self):
        """End the whole process group (make run's QEMU too)."""
        try:
            os.killpg(self.proc.pid, 9)
        except ProcessLookupError:
            pass
        self.proc.wait()

