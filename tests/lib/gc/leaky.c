/* leaky.c: a small program with three memory leaks, written for bdwgc's
 * leak-finding mode (CS:APP 9.11). It frees what it means to free with
 * GC_FREE and forgets three blocks; the collector must report exactly those
 * three, with their sizes and allocation sites, and not the freed blocks nor
 * the one still reachable from a global. Two come from GC_MALLOC, which
 * records file:line; one from the function GC_malloc, whose site is the
 * caller's return address (tests/lib/gc/run_tests.sh maps it back to a line
 * with addr2line).
 *
 * Output: the collector's "gc: leak: ..." lines on stderr, then on stdout
 * "leaky: N leaks reported (expected 3)". Exits 0 iff N == 3.
 */
#include <gc.h>
#include <stdio.h>
#include <string.h>

static char *kept;   /* reachable to the end: not a leak */

struct record {
	char *name;
	int count;
};

__attribute__((noinline)) static void use_and_free(void)
{
	struct record *r = GC_MALLOC(sizeof *r);
	r->name = GC_MALLOC_ATOMIC(32);
	strcpy(r->name, "freed properly");
	GC_FREE(r->name);
	GC_FREE(r);
}

/* Leak 1: the record is freed but its 48-byte name buffer is not. */
__attribute__((noinline)) static void forget_name(void)
{
	struct record *r = GC_MALLOC(sizeof *r);
	r->name = GC_MALLOC_ATOMIC(48);   /* LEAK-48 */
	strcpy(r->name, "never freed");
	GC_FREE(r);
}

/* Leak 2: a 1000-byte table dropped on the floor. */
__attribute__((noinline)) static void drop_table(void)
{
	int *table = GC_MALLOC(1000);   /* LEAK-1000 */
	table[0] = 1;
}

/* Leak 3: through the function, not the macro: no file:line, an address. */
__attribute__((noinline)) static void lose_buffer(void)
{
	long *buf = GC_malloc(24);   /* LEAK-24 */
	buf[0] = 42;
}

__attribute__((noinline)) static void scrub(void)
{
	char buf[16384];
	memset(buf, 0, sizeof buf);
	__asm__ volatile("" : : "r"(buf) : "memory");   /* keep the memset */
}

int main(void)
{
	GC_set_find_leak(1);
	GC_INIT();
	kept = GC_MALLOC(64);
	for (int i = 0; i < 100; i++)
		use_and_free();
	forget_name();
	drop_table();
	lose_buffer();
	scrub();
	GC_gcollect();
	struct gc_stats st;
	gc_get_stats(&st);
	printf("leaky: %llu leaks reported (expected 3)\n", (unsigned long long)st.leaks_reported);
	return st.leaks_reported == 3 && kept ? 0 : 1;
}
