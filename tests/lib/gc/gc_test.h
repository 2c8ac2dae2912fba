/* gc_test.h: helpers shared by the collector's tests (gc_tests*.c).
 *
 * Testing a conservative collector means controlling where pointers are:
 *   - hide(p) stores an address in a form the scanner cannot mistake for a
 *     pointer (XOR with a mask that makes it non-canonical), so a test can
 *     remember an object without keeping it alive;
 *   - objects are made in noinline functions, and scrub_stack() zeroes the
 *     stack below the caller before a collection, so no dead copy of a
 *     pointer survives in an old frame;
 *   - gc_was_marked(p) then says exactly what the last collection decided.
 * Every test runs in its own forked process (gc_tests.c's runner).
 */
#ifndef PAGODA_GC_TEST_H
#define PAGODA_GC_TEST_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "pagoda_gc.h"

static const uintptr_t HIDE_MASK = 0xa5a5000000000000ul;

static inline uintptr_t hide(const void *p)
{
	return (uintptr_t)p ^ HIDE_MASK;
}

static inline void *unhide(uintptr_t h)
{
	return (void *)(h ^ HIDE_MASK);
}

/* The last collection did not find p reachable: its object is dead, or its
 * whole block was freed (then p is no GC object at all: -1). */
static inline int reclaimed(const void *p)
{
	return gc_was_marked(p) != 1;
}

static inline struct gc_stats now_stats(void)
{
	struct gc_stats st;
	gc_get_stats(&st);
	return st;
}

/* Allocate garbage until a cycle (incremental or minor) is marking, or,
 * with marking 0, until the collection count passes `after`. */
__attribute__((noinline, unused)) static void churn_until(int marking, uint64_t after)
{
	for (long i = 0; i < 1 << 22; i++) {
		struct gc_stats st = now_stats();
		if (marking ? st.marking : st.collections > after)
			return;
		gc_malloc(64);
	}
}

/* The test's name, for failure lines (set by the runner). */
extern const char *test_name;

/* Print the failure once and tell the caller to fail. */
int test_fail(const char *file, int line, const char *what);
#define CHECK(cond)                                                    \
	do {                                                           \
		if (!(cond))                                           \
			return test_fail(__FILE__, __LINE__, #cond);   \
	} while (0)

/* Zero the stack below the caller's frame (where dead frames lie). */
void scrub_stack(void);
/* scrub_stack, then a collection. */
void collect_clean(void);
/* n objects of size bytes, unreachable when this returns; their hidden
 * addresses go to out[]. Filled with a pattern from seed. */
void make_garbage(uintptr_t *out, int n, size_t size, int atomic);
/* How many of the n hidden objects the last collection marked. */
int count_marked(const uintptr_t *h, int n);

/* Deterministic pseudo-random numbers (xorshift64*). */
uint64_t rnd(void);
void rnd_seed(uint64_t s);

/* Length of long_list_10m's list (default 10 million; 160 MB of nodes). */
extern long list_len;

/* Tests in gc_tests_graph.c */
int t_random_graph(void);
int t_long_list_10m(void);
int t_threads_stacks_are_roots(void);       /* gc_tests_threads.c */
int t_threads_collect_from_thread(void);
int t_generational_minor_stores(void);        /* gc_tests_generational.c */
int t_mark_stack_overflow(void);
int t_large_objects(void);
int t_realloc(void);
int t_bounded_heap_loop(void);

#endif
