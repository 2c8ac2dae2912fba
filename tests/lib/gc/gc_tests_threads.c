/* gc_tests_threads.c: the collector with threads (lib/gc_threads.c).
 *
 * Several threads build lists of collector objects reachable only from
 * their own stacks (and registers) while the others allocate and collect:
 * each collection must stop them, scan their stacks, and free none of their
 * nodes. A node freed by mistake is handed out again and overwritten, so the
 * lists' checksums at the end show it. A control list made the same way but
 * dropped is reclaimed, which shows the test could fail: the objects are not
 * kept alive by anything else. Counts and contents only: which thread runs
 * when does not matter.
 */
#include <pthread.h>
#include <sched.h>
#include "gc_test.h"

enum { NTHREADS = 4, NODES = 3000, SALT = 0x5a5a };

struct node {
	struct node *next;
	long value;
	long pad[2];
};

static __attribute__((noinline)) struct node *build(long seed, int n)
{
	struct node *head = NULL;
	for (int i = 0; i < n; i++) {
		struct node *x = gc_malloc(sizeof(*x));
		if (!x)
			return NULL;
		x->value = seed * 100000 + i;
		x->next = head;
		head = x;
		if (i % 500 == 0)
			sched_yield();   /* let the others allocate and collect meanwhile */
	}
	return head;
}

static long checksum(const struct node *l)
{
	long sum = 0;
	for (; l; l = l->next)
		sum += l->value ^ SALT;
	return sum;
}

static long expected(long seed, int n)
{
	long sum = 0;
	for (int i = 0; i < n; i++)
		sum += (seed * 100000 + i) ^ SALT;
	return sum;
}

/* Garbage with collections, while the list lives on this stack only. */
static __attribute__((noinline)) void churn(int rounds, int collect_every)
{
	for (int r = 0; r < rounds; r++) {
		struct node *junk = build(999, 200);
		(void)junk;
		if (collect_every && r % collect_every == 0)
			gc_collect();
	}
}

struct job {
	long seed;
	int collect_every;
};

static void *worker(void *arg)
{
	struct job *j = arg;
	struct node *mine = build(j->seed, NODES);
	churn(20, j->collect_every);
	return (void *)(long)(checksum(mine) == expected(j->seed, NODES));
}

static int run_workers(int collect_every)
{
	pthread_t t[NTHREADS];
	struct job *jobs = gc_malloc(NTHREADS * sizeof(*jobs));   /* reachable only through the start args */
	int good = 0;
	for (int i = 0; i < NTHREADS; i++) {
		jobs[i] = (struct job){ i + 1, collect_every };
		if (gc_pthread_create(&t[i], NULL, worker, &jobs[i]))
			return -1;
	}
	churn(20, 3);   /* the main thread collects too */
	for (int i = 0; i < NTHREADS; i++) {
		void *r;
		pthread_join(t[i], &r);
		good += (long)r;
	}
	return good;
}

static __attribute__((noinline)) uintptr_t dropped_list(void)
{
	return hide(build(77, 100));
}

int t_threads_stacks_are_roots(void)
{
	CHECK(run_workers(0) == NTHREADS);   /* only the main thread collects */
	uintptr_t control = dropped_list();
	scrub_stack();
	gc_collect();
	CHECK(reclaimed(unhide(control)));
	return 0;
}

int t_threads_collect_from_thread(void)
{
	CHECK(run_workers(2) == NTHREADS);   /* every thread collects too */
	gc_collect();
	return 0;
}
