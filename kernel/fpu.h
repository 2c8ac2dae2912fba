/*
 * Per-process x87/SSE/AVX register state (kernel/fpu.c).
 */
#ifndef PAGODA_FPU_H
#define PAGODA_FPU_H
#include "types.h"

struct proc;

/* Boot: choose xsave or fxsave from CPUID, set CR0.NE, CR4.OSXSAVE and XCR0. */
void fpu_init(void);
void fpu_init_cpu(void);   /* a secondary CPU, after the boot CPU's fpu_init */
/* A new process's area, holding the clean state; -ENOMEM or 0. */
int fpu_alloc(struct proc *p);
void fpu_free(struct proc *p);
/* The scheduler, before switching from prev to next: prev's registers go to
 * its area, next's area goes to the registers. Either may be the idle
 * process (no area). */
void fpu_switch(struct proc *prev, struct proc *next);
/* fork: the child's area receives the current process's live registers. */
void fpu_fork(struct proc *child);
/* execve: the current process (p) starts its new program with the clean state. */
void fpu_exec(struct proc *p);
/* The signal frame's copy of the registers (kernel/sigframe.c): its size in
 * the frame, whether it is the xsave form (uc_flags UC_FP_XSTATE), saving
 * the live registers of p there, loading them back from there (0, or
 * -EFAULT/-EINVAL/-ENOMEM with nothing changed), and the clean state a
 * handler starts with. */
size_t fpu_sigframe_size(void);
bool fpu_sigframe_xstate(void);
int fpu_save_sigframe(struct proc *p, uintptr_t ubuf);
int fpu_restore_sigframe(struct proc *p, uintptr_t ubuf);
void fpu_reset_for_handler(struct proc *p);
/* "xsave (x87 sse avx)" or "fxsave (x87 sse)", for the boot log and ktests. */
const char *fpu_describe(void);

#endif
