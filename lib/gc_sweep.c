/* gc_sweep.c: after marking, give unmarked memory back (CS:APP's "sweep").
 *
 * Owns: G.sweep (per-class lists of blocks still to sweep), G.live_*.
 *
 * Two steps, both here:
 *   1. sweep_reclaim, right after marking (eager, cheap): walk every block
 *      header once, in address order. A small block with no mark bit set and
 *      an unmarked large object become free pages; neighbouring free pages
 *      merge into runs (the free-run bins are rebuilt from scratch); a chunk
 *      left wholly free may be unmapped (release_or_keep). A small
 *      block with some live and some dead objects goes on its class's sweep
 *      list; a full one is left alone. Live bytes are counted from the mark
 *      bits (a popcount per block), so the growth policy knows the live heap
 *      without touching any object.
 *   2. sweep_block, lazily, when an allocation finds its class's free list
 *      empty: thread the block's unmarked objects into the free list, zeroing
 *      them on the way (so allocation need not).
 *
 * Invariants: after sweep_reclaim, every page is in exactly one of: a live
 * small block (on at most one sweep list), a live large object, a free run in
 * the bins; G.live_bytes is the sum of marked objects' sizes.
 *
 * Callers: gc_collect.c (sweep_reclaim), gc_alloc.c (sweep_block).
 */
#include <string.h>
#include "gc_internal.h"

/* LAB gc: BEGIN */
static unsigned count_marks(const struct gc_block *b)
{
	return (unsigned)(__builtin_popcountll(b->mark[0]) + __builtin_popcountll(b->mark[1]) +
			  __builtin_popcountll(b->mark[2]) + __builtin_popcountll(b->mark[3]));
}

/* Decide a small block's fate; it stays SMALL or becomes one free page. */
static void reclaim_small(struct gc_block *b)
{
	unsigned live = count_marks(b);
	if (live == 0) {
		b->kind = BLOCK_FREE;
		b->n = 1;
		return;
	}
	G.live_bytes += (size_t)live * b->size;
	G.live_objects += live;
	if (live < b->n) {
		b->next = G.sweep[b->okind][b->cls];
		G.sweep[b->okind][b->cls] = b;
	}
}

static void reclaim_large(struct gc_block *b)
{
	if (b->mark[0] & 1) {
		G.live_bytes += (size_t)b->n * GC_PAGE;
		G.live_objects++;
		return;
	}
	size_t np = b->n;
	heap_unmap_large(b);
	b->n = (uint32_t)np;
}
/* LAB gc: END */
/* LAB gc: STUB
// Lab gc: a small block with no mark becomes one free page; one with some
// marks counts its live objects and, unless full, goes on its class's sweep
// list; an unmarked large object is unmapped. Until then nothing is
// reclaimed and every object counts as live.
static void reclaim_small(struct gc_block *b)
{
	G.live_bytes += (size_t)b->n * b->size;
	G.live_objects += b->n;
}

static void reclaim_large(struct gc_block *b)
{
	G.live_bytes += (size_t)b->n * GC_PAGE;
	G.live_objects++;
}
*/

/* Returns the number of pages the block at b covers. */
static size_t reclaim_block(struct gc_block *b)
{
	if (b->kind == BLOCK_SMALL)
		reclaim_small(b);
	else if (b->kind == BLOCK_LARGE)
		reclaim_large(b);
	return b->kind == BLOCK_SMALL ? 1 : b->n;
}

/* Returns 1 when every page of the chunk is free; that run is then left out
 * of the bins, for sweep_reclaim to release or keep. */
static int reclaim_chunk(struct gc_chunk *c)
{
	size_t run = c->npages;   /* first page of the current free run, or none */
	for (size_t i = 0; i < c->npages;) {
		struct gc_block *b = &c->hdr[i];
		size_t step = reclaim_block(b);
		if (b->kind == BLOCK_FREE) {
			if (run == c->npages)
				run = i;
		} else if (run != c->npages) {
			heap_free_run(&c->hdr[run], i - run);
			run = c->npages;
		}
		i += step;
	}
	if (run == 0) {
		c->hdr[0].kind = BLOCK_FREE;
		c->hdr[0].n = (uint32_t)c->npages;
		return 1;
	}
	if (run != c->npages)
		heap_free_run(&c->hdr[run], c->npages - run);
	return 0;
}

/* Give a wholly free chunk back to the system only while the heap stays at
 * least twice what the growth policy wants (collect_heap_target): the
 * margin keeps a program whose live data swings from mapping and unmapping
 * the same memory at every collection. */
static void release_or_keep(struct gc_chunk **pp)
{
	struct gc_chunk *c = *pp;
	size_t bytes = (size_t)c->npages * GC_PAGE;
	if (G.heap_bytes - bytes >= 2 * collect_heap_target()) {
		*pp = c->next;
		heap_release_chunk(c);
	} else {
		heap_free_run(c->hdr, c->npages);
	}
}

void sweep_reclaim(void)
{
	heap_reset_runs();
	memset(G.sweep, 0, sizeof G.sweep);
	G.live_bytes = G.live_objects = 0;
	int some_free = 0;
	for (struct gc_chunk *c = G.chunks; c; c = c->next)
		some_free |= (int)(c->all_free = (uint32_t)reclaim_chunk(c));
	for (struct gc_chunk **pp = &G.chunks; some_free && *pp;) {
		struct gc_chunk *c = *pp;
		if (c->all_free)
			release_or_keep(pp);
		if (*pp == c)
			pp = &c->next;
	}
}

/* Thread b's unmarked objects, lowest address first, onto its class's free
 * list; returns how many. */
size_t sweep_block(struct gc_block *b)
{
	void *head = G.free[b->okind][b->cls];   /* empty, but for finish_lazy_sweeps */
	size_t count = 0;
	uint32_t size = b->size;
	for (uint32_t i = b->n; i-- > 0;) {
		if (mark_test(b, i))
			continue;
		char *obj = b->start + (size_t)i * size;
		if (b->okind != OBJ_ATOMIC)
			memset(obj, 0, size);
		*(void **)obj = head;
		head = obj;
		count++;
	}
	G.free[b->okind][b->cls] = head;
	G.allocd += count * size;
	G.total_allocd += count * size;
	return count;
}
