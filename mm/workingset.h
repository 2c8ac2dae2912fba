/*
 * Per-process working set and page-fault frequency (mm/workingset.c).
 */
#ifndef PAGODA_WORKINGSET_H
#define PAGODA_WORKINGSET_H

#include <stdbool.h>
#include <stdint.h>
#include "../kernel/param.h"

/* An address space's figures (struct mm's `ws`): virtual time and its
 * current window, and the last complete window's results (all zero until
 * one ends). */
struct workingset {
	uint64_t ticks;         /* virtual time: ticks charged to tasks running in this mm */
	uint64_t window_end;    /* the virtual time the current window ends at */
	uint64_t faults_start;  /* mm->stat.faults when the current window began */
	uint64_t windows;       /* complete windows so far */
	uint64_t pages;         /* working set: distinct resident pages referenced in the last window */
	uint64_t faults;        /* page faults (minor + major) in the last window */
};

/* Page-fault frequency of the last window: faults per 1000 ticks of the
 * process's own CPU time. */
static inline uint64_t workingset_pff(const struct workingset *ws)
{
	return ws->faults * 1000 / WS_WINDOW_TICKS;
}

struct mm;
/* Called at each timer tick charged to a task running in mm, with
 * interrupts off; from_user: the tick interrupted it in user mode, the only
 * point a window may end (no kernel code is then in the middle of changing
 * mm's page tables on this CPU). */
void workingset_tick(struct mm *mm, bool from_user);

#endif
