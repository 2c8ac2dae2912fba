/* gcbench.c: a binary-tree workload in the shape of the classic GCBench
 * (Ellis, Kovac, Boehm), written for the bdwgc API and built three times
 * from this one source:
 *
 *   gcbench_pagoda   -Ilib/include       (Pagoda's gc.h, libpagoda_gc.a)
 *   gcbench_boehm    /usr/include/gc.h   (Debian libgc, -lgc)
 *   gcbench_malloc   -Ibench/gcbench_malloc (a gc.h mapping onto calloc/free;
 *                                         run with "free": trees are freed)
 *
 * The work, as in GCBench: a stretch tree of depth 18 built and dropped; a
 * long-lived tree of depth 16 and an atomic array of 500,000 doubles kept to
 * the end; then for depths 4, 6, ..., 16, 2 * size(18) / size(d) trees of
 * depth d built top-down (allocate children, then recurse) and as many built
 * bottom-up (recurse, then allocate the parent), each dropped at once.
 *
 * Output, one line: name, wall time of the whole workload, peak heap (the
 * allocator's own heap size, sampled after every tree), max RSS and the
 * number of collections. Exits 1 if the long-lived data were damaged.
 *
 * Usage: gcbench NAME [free]
 */
#include <gc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "gcbench_trees.h"

static void alloc_tick(void)
{
}

static double ms_since(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0->tv_sec) * 1e3 + (t1.tv_nsec - t0->tv_nsec) / 1e6;
}

int main(int argc, char **argv)
{
	const char *name = argc > 1 ? argv[1] : "gcbench";
	explicit_free = argc > 2 && strcmp(argv[2], "free") == 0;
	GC_INIT();
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int ok = run_trees();
	double ms = ms_since(&t0);
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	printf("gcbench %s: ms=%.0f heap_mib=%.1f rss_mib=%.1f gcs=%lu%s\n", name, ms,
	       peak_heap / 1048576.0, ru.ru_maxrss / 1024.0, (unsigned long)GC_get_gc_no(),
	       ok ? "" : " DAMAGED");
	return ok ? 0 : 1;
}
