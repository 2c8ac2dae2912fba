/* page_race.h: a thread that keeps touching one page while the main thread
 * changes its mapping (the TLB tests: tlb_coherence, munmap_writer).
 *
 * The racer runs `touch` on race->page until it faults (SIGSEGV: the
 * handler records it and jumps out) or `touch` returns nonzero (that access
 * is still counted). A round is
 * one page, one racer and one change; `cur` names the round the SIGSEGV
 * handler reports to, so one round runs at a time.
 */
#ifndef PAGODA_PAGE_RACE_H
#define PAGODA_PAGE_RACE_H

#include "testlib.h"
#include <pthread.h>
#include <setjmp.h>

struct page_race {
	volatile char *page;
	volatile int done;          /* the change has returned */
	volatile long touches;      /* accesses made so far */
	volatile long after;        /* accesses begun after seeing done */
	volatile int faulted;
	sigjmp_buf jb;
	int (*touch)(struct page_race *r, int done);  /* nonzero: stop */
};

static struct page_race *race_cur;

static void race_on_segv(int sig)
{
	(void)sig;
	race_cur->faulted = 1;
	siglongjmp(race_cur->jb, 1);
}

static void *race_loop(void *arg)
{
	struct page_race *r = arg;
	if (sigsetjmp(r->jb, 1))
		return NULL;
	for (;;) {
		int done = r->done;
		int stop = r->touch(r, done);
		r->touches++;
		r->after += done;
		if (stop)
			return NULL;
	}
}

/* A fresh page, a racer on it, and `warmup` touches before returning. */
static pthread_t race_start(struct page_race *r, int (*touch)(struct page_race *, int), long warmup)
{
	pthread_t t;
	memset(r, 0, sizeof(*r));
	r->page = map_anon(PAGE, PROT_READ | PROT_WRITE);
	r->page[0] = 1;
	r->touch = touch;
	race_cur = r;
	set_handler(SIGSEGV, race_on_segv, SA_NODEFER);
	if (pthread_create(&t, NULL, race_loop, r))
		setup_fail("pthread_create");
	while (r->touches < warmup)
		sched_yield();
	return t;
}

#endif
