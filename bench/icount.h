/* What the instruction-count benchmarks share (vmcost.c, filecost.c): under
 * QEMU's `-icount shift=0`, rdtsc counts retired guest instructions; a
 * figure is the median of its samples. */
#ifndef PAGODA_BENCH_ICOUNT_H
#define PAGODA_BENCH_ICOUNT_H
#include <stdlib.h>

static inline unsigned long long rdtsc(void)
{
	unsigned lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((unsigned long long)hi << 32) | lo;
}

static int icount_cmp(const void *a, const void *b)
{
	unsigned long long x = *(const unsigned long long *)a, y = *(const unsigned long long *)b;
	return x < y ? -1 : x > y;
}

/* The median of v[0..n-1] (sorts v). */
static inline unsigned long long median(unsigned long long *v, int n)
{
	qsort(v, n, sizeof(*v), icount_cmp);
	return v[n / 2];
}

#endif
