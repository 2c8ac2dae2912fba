"""Drive gdb through the README's page-fault walk-through, exactly as printed.

Two processes, as a student has them: QEMU paused with its gdb stub and the
serial console on a pipe (the "other terminal"), and gdb started as `make gdb`
starts it, in batch mode, running the README's `(gdb)` lines in order. When a
line's comment says `pagoda$ CMD`, CMD is typed at the shell's prompt while gdb
waits in that line's `continue`. The README is the script, so it cannot rot.

Used by tests/run.py (suite gdb_walkthrough); also runnable by hand:
    python3 tests/gdb_walkthrough.py      (prints the transcript)
"""
import os
import re
import select
import socket
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import pagoda_qemu as pq  # noqa: E402

SECTION = "### Walk-through: a page fault"


def walkthrough_lines(readme):
    """The README section's (gdb) lines as (command, text to type or None)."""
    text = open(readme).read()
    block = text.split(SECTION, 1)[1].split("```", 2)[1]
    steps = []
    for line in block.splitlines():
        if not line.startswith("(gdb) "):
            continue
        cmd, _, comment = line[len("(gdb) "):].partition("  #")
        typed = re.search(r"pagoda\$ (\S.*)$", comment)
        steps.append((cmd.strip(), typed.group(1).strip() if typed else None))
    return steps


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Console(threading.Thread):
    """Reads QEMU's serial output; types `line` once the shell prompt shows."""

    def __init__(self, qemu, line):
        super().__init__(daemon=True)
        self.qemu, self.line, self.seen, self.typed = qemu, line, "", False

    def run(self):
        fd = self.qemu.stdout.fileno()
        while True:
            if not select.select([fd], [], [], 0.5)[0]:
                if self.qemu.poll() is not None:
                    return
                continue
            data = os.read(fd, 65536)
            if not data:
                return
            self.seen += data.decode("utf-8", "replace")
            if self.line and not self.typed and "pagoda$ " in self.seen:
                self.typed = True
                for ch in self.line + "\r":
                    self.qemu.stdin.write(ch.encode())
                    self.qemu.stdin.flush()
                    time.sleep(0.01)


def run(readme=os.path.join(ROOT, "README.md"), timeout=300, steps=None, smp=None):
    """Returns (transcript, console output, gdb's stderr). `steps`, as
    walkthrough_lines returns them, replace the README's; `smp`: CPUs."""
    steps = steps or walkthrough_lines(readme)
    typed = [t for _, t in steps if t]
    port = free_port()
    qemu = subprocess.Popen(pq.qemu_command(pq.DIRECT, "quiet", gdb_port=port, paused=True, smp=smp),
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    console = Console(qemu, typed[0] if typed else None)
    console.start()
    # The same command line as `make gdb`, in batch mode, then the README's lines.
    cmd = ["gdb", "-q", "-batch", "-ex", "file build/kernel.elf",
           "-ex", "target remote 127.0.0.1:%d" % port, "-x", "tools/gdb/pagoda.gdb"]
    for c, _ in steps:
        cmd += ["-ex", c]
    try:
        done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
        out, err = done.stdout, done.stderr
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"").decode("utf-8", "replace") + "\n(gdb timed out)"
        err = (e.stderr or b"").decode("utf-8", "replace")
    finally:
        qemu.kill()
        qemu.wait()
    return out, console.seen, err


if __name__ == "__main__":
    out, seen, err = run()
    print(out)
    print("---- stderr ----\n" + err)
    print("---- console ----\n" + seen[-2000:])
