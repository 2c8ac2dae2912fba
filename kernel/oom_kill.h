/*
 * The out-of-memory killer (kernel/oom_kill.c).
 */
#ifndef PAGODA_OOM_KILL_H
#define PAGODA_OOM_KILL_H
#include "types.h"

struct proc;

/* A page fault of p at addr found no free frame. Kills the process with the
 * largest footprint (maybe p itself), or waits while an earlier victim is
 * still dying; p then returns to user mode and retries the access. */
void out_of_memory(struct proc *p, uintptr_t addr);

#endif
