/*
 * The out-of-memory killer (kernel/oom_kill.c).
 */
#ifndef PAGODA_OOM_KILL_H
#define PAGODA_OOM_KILL_H
#include "types.h"

struct proc;

/* A page fault of p at addr (the program's own access, or a user copy in a
 * syscall) found no free frame. Kills the process with the largest
 * footprint (maybe p itself), or waits while an earlier victim is still
 * dying. Returns true when p should retry the access (it is not dying),
 * false when it is the victim (a user copy then fails with -EFAULT). */
bool out_of_memory(struct proc *p, uintptr_t addr);

#endif
