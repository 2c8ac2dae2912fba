/*
 * A thread's allowed CPUs (kernel/affinity.c): the one rule the scheduler's
 * pick, its idle kick and its move of a thread all ask.
 */
#ifndef PAGODA_AFFINITY_H
#define PAGODA_AFFINITY_H
#include "proc.h"

static inline bool affinity_allows(const struct proc *p, int cpu)
{
	return p->cpus_allowed >> cpu & 1;
}

#endif
