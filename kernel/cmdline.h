#ifndef PAGODA_CMDLINE_H
#define PAGODA_CMDLINE_H
#include "types.h"

/*
 * The kernel command line: GRUB's (iso/grub.cfg), followed by whatever QEMU
 * passes as fw_cfg file "opt/pagoda/cmdline" (tests and tools/pagoda-run use
 * that, so one ISO serves every boot). Later words win.
 *
 *   test=all | test=NAME | test=PREFIX*   run ktests, then exit QEMU
 *   init=/bin/PROG ARGS...                first user program (rest of line is its argv)
 *   trace=fault                           one console line per page fault
 *   debug_vm                              whole-structure checks after each fault/syscall
 *   vga                                   mirror the console on the VGA text screen
 */
void cmdline_init(const char *grub_cmdline);
const char *cmdline_get(const char *key);   /* value of key=..., "" for a bare flag, NULL if absent */
bool cmdline_has(const char *key);
const char *cmdline_full(void);

#endif
