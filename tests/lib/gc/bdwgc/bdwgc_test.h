/* bdwgc_test.h: helpers for the programs in tests/lib/gc/bdwgc/, each
 * written for the Boehm-Demers-Weiser collector's API as its documentation
 * describes, built twice (Debian's libgc, Pagoda's lib/include) and run on
 * the host and inside Pagoda; the outputs must be the same line for line
 * (addresses printed as 0x... are compared as "ADDR").
 *
 * Conservative collectors keep whatever a stale stack word points at, so
 * the programs make objects in noinline functions and collect through
 * collect(), which first zeroes the stack below its caller.
 */
#ifndef BDWGC_TEST_H
#define BDWGC_TEST_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Unbuffered stdout: stdout and stderr lines interleave the same way on a
 * pipe and on Pagoda's console. */
static inline void test_start(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
}

__attribute__((noinline, unused)) static void scrub(void)
{
	char buf[32 * 1024];
	memset(buf, 0, sizeof buf);
	__asm__ volatile("" : : "r"(buf) : "memory");   /* keep the memset */
}

__attribute__((noinline, unused)) static void collect(void)
{
	scrub();
	GC_gcollect();
	scrub();
}

/* Run fn in a frame well below the caller's, so that what fn leaves on the
 * stack lies where the next collect() scrubs (collect's own frame sits at
 * the caller's depth and cannot clear itself). */
__attribute__((noinline, unused)) static void deep(void (*fn)(void))
{
	volatile char pad[512];
	pad[0] = 0;
	fn();
	pad[1] = pad[0];
}

/* A pointer kept where the collector does not look (disguised). */
static inline GC_word hide(const void *p)
{
	return GC_HIDE_POINTER(p);
}

#endif
