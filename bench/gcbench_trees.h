/* gcbench_trees.h: GCBench's work (Ellis, Kovac, Boehm), shared by
 * gcbench.c (time and heap) and gcpause.c (pauses). Written against the
 * bdwgc API; the includer defines alloc_tick(), called once per node. A
 * header of static functions so that each benchmark binary is one
 * compilation unit per collector. */
#ifndef GCBENCH_TREES_H
#define GCBENCH_TREES_H

#include <stdio.h>
#include <stdlib.h>

static void alloc_tick(void);

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
	alloc_tick();
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

static int run_trees(void)
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

#endif
