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

enum { STRETCH_DEPTH = 18, LONG_LIVED_DEPTH = 16, ARRAY_SIZE = 500000, MIN_DEPTH = 4,
       MAX_DEPTH = 16 };

struct node {
	struct node *left, *right;
	int i, j;
};

static int explicit_free;   /* the malloc build frees what GC builds drop */
static size_t peak_heap;

static void sample_heap(void)
{
	size_t h = GC_get_heap_size();
	if (h > peak_heap)
		peak_heap = h;
}

static long tree_size(int depth)
{
	return (1L << (depth + 1)) - 1;
}

static struct node *new_node(void)
{
	struct node *n = GC_MALLOC(sizeof *n);
	if (!n) {
		fprintf(stderr, "gcbench: out of memory\n");
		exit(2);
	}
	return n;
}

static void populate(int depth, struct node *n)
{
	if (depth <= 0)
		return;
	n->left = new_node();
	n->right = new_node();
	populate(depth - 1, n->left);
	populate(depth - 1, n->right);
}

static struct node *make_tree(int depth)
{
	struct node *n = new_node();
	if (depth > 0) {
		n->left = make_tree(depth - 1);
		n->right = make_tree(depth - 1);
	}
	return n;
}

static void drop_tree(struct node *n)
{
	if (!explicit_free || !n)
		return;
	drop_tree(n->left);
	drop_tree(n->right);
	GC_FREE(n);
}

static long count_nodes(const struct node *n)
{
	return n ? 1 + count_nodes(n->left) + count_nodes(n->right) : 0;
}

static void short_lived_trees(int depth)
{
	long iters = 2 * tree_size(STRETCH_DEPTH) / tree_size(depth);
	for (long k = 0; k < iters; k++) {
		struct node *t = new_node();
		populate(depth, t);
		sample_heap();
		drop_tree(t);
	}
	for (long k = 0; k < iters; k++) {
		struct node *t = make_tree(depth);
		sample_heap();
		drop_tree(t);
	}
}

static double ms_since(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0->tv_sec) * 1e3 + (t1.tv_nsec - t0->tv_nsec) / 1e6;
}

static int run(void)
{
	struct node *stretch = make_tree(STRETCH_DEPTH);
	sample_heap();
	drop_tree(stretch);
	stretch = NULL;

	struct node *long_lived = new_node();
	populate(LONG_LIVED_DEPTH, long_lived);
	double *array = GC_MALLOC_ATOMIC(sizeof(double) * ARRAY_SIZE);
	for (int i = 0; i < ARRAY_SIZE / 2; i++)
		array[i] = 1.0 / (i + 1);
	sample_heap();

	for (int d = MIN_DEPTH; d <= MAX_DEPTH; d += 2)
		short_lived_trees(d);

	int ok = count_nodes(long_lived) == tree_size(LONG_LIVED_DEPTH) && array[999] == 1.0 / 1000;
	drop_tree(long_lived);
	if (explicit_free)
		GC_FREE(array);
	return ok;
}

int main(int argc, char **argv)
{
	const char *name = argc > 1 ? argv[1] : "gcbench";
	explicit_free = argc > 2 && strcmp(argv[2], "free") == 0;
	GC_INIT();
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int ok = run();
	double ms = ms_since(&t0);
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	printf("gcbench %s: ms=%.0f heap_mib=%.1f rss_mib=%.1f gcs=%lu%s\n", name, ms,
	       peak_heap / 1048576.0, ru.ru_maxrss / 1024.0, (unsigned long)GC_get_gc_no(),
	       ok ? "" : " DAMAGED");
	return ok ? 0 : 1;
}
