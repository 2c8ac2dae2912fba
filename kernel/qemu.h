#ifndef PAGODA_QEMU_H
#define PAGODA_QEMU_H
/*
 * Exit codes through QEMU's isa-debug-exit device (iobase 0xf4): QEMU exits
 * with status (value << 1) | 1. tests/run.py and tools/pagoda-run read them.
 * A triple fault makes QEMU (with -no-reboot) exit with status 0, which is
 * none of these, so it can never read as a pass.
 */
enum qemu_exit_code {
	QEMU_EXIT_PASS = 0x10,    /* status 33: every test passed / init exited 0 */
	QEMU_EXIT_FAIL = 0x11,    /* status 35: some test failed */
	QEMU_EXIT_PANIC = 0x12,   /* status 37: kernel panic */
	QEMU_EXIT_INIT = 0x20,    /* status 65 + 2*code: init exited; see tools/pagoda-run */
};
__attribute__((noreturn)) void qemu_exit(unsigned value);
#endif
