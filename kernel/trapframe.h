/*
 * struct trapframe: what trapentry.asm (interrupts, exceptions) and
 * syscall_entry.asm (syscalls) save on the kernel stack, lowest address first.
 * The CPU pushes the last five fields; the stubs push the rest. The offsets
 * are asserted below because the assembly depends on them.
 */
#ifndef PAGODA_TRAPFRAME_H
#define PAGODA_TRAPFRAME_H

#include "types.h"

struct trapframe {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector;   /* pushed by the stub; 0x80 + nothing for syscalls: see TF_SYSCALL */
	uint64_t error;    /* the CPU's error code, or 0; a syscall's number in a TF_SYSCALL frame */
	uint64_t rip, cs, rflags, rsp, ss;   /* pushed by the CPU (or built by syscall entry) */
};

#define TF_SYSCALL 0x100   /* vector value that marks a frame built by the syscall path */

_Static_assert(__builtin_offsetof(struct trapframe, rax) == 14 * 8, "trapentry.asm layout");
_Static_assert(__builtin_offsetof(struct trapframe, vector) == 15 * 8, "trapentry.asm layout");
_Static_assert(__builtin_offsetof(struct trapframe, rip) == 17 * 8, "trapentry.asm layout");
_Static_assert(sizeof(struct trapframe) == 22 * 8, "trapentry.asm layout");

static inline bool tf_from_user(const struct trapframe *tf) { return (tf->cs & 3) == 3; }

#endif
