/*
 * The per-CPU area, reached through GS in kernel mode (swapgs on every entry
 * from and exit to user mode). syscall_entry.asm uses the first two fields
 * by offset.
 */
#ifndef PAGODA_PERCPU_H
#define PAGODA_PERCPU_H
#include "types.h"

struct proc;
struct percpu {
	uint64_t kstack_top;    /* offset 0: rsp to load on syscall entry */
	uint64_t user_rsp;      /* offset 8: user rsp saved on syscall entry */
	struct proc *current;   /* offset 16 */
};
_Static_assert(__builtin_offsetof(struct percpu, user_rsp) == 8, "syscall_entry.asm");

extern struct percpu cpu0;
void percpu_init(void);

#endif
