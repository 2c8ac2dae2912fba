/* gc_check.c: gc_check_heap, the heap walker that checks every invariant
 * written at the top of gc_internal.h (the collector's mm_checkheap).
 *
 * It prints the first few violations on stderr and returns how many it found.
 * Tests call it after collections; it is slow (visits every page and every
 * free object) and never runs on its own.
 */
#include <stdio.h>
#include "gc_internal.h"

static unsigned problems;

static void complain(const char *what, const void *where)
{
	if (problems++ < 8)
		fprintf(stderr, "gc_check_heap: %s at %p\n", what, where);
}

static void check_small(struct gc_block *b)
{
	if (block_of((uintptr_t)b->start) != b)
		complain("small block not mapped to its header", b->start);
	if (b->size == 0 || b->n != GC_PAGE / b->size || G.class_size[b->cls] != b->size)
		complain("small block with inconsistent size", b->start);
	for (uint32_t i = b->n; i < 256; i++)
		if (mark_test(b, i))
			complain("mark bit past the last object", b->start);
}

static void check_large(struct gc_block *b)
{
	for (size_t i = 0; i < b->n; i++)
		if (block_of((uintptr_t)heap_page_header(b, i)->start) != b)
			complain("large object page not mapped to its head", b->start);
}

static void check_free_run(struct gc_block *b)
{
	for (size_t i = 0; i < b->n; i++) {
		struct gc_block *t = heap_page_header(b, i);
		if (t->kind != BLOCK_FREE || block_of((uintptr_t)t->start) != t)
			complain("free run page not free or not mapped to itself", t->start);
	}
}

static void check_chunk(struct gc_chunk *c)
{
	if ((uintptr_t)c->base < G.lo || (uintptr_t)c->base + (uintptr_t)c->npages * GC_PAGE > G.hi)
		complain("chunk outside heap bounds", c->base);
	for (size_t i = 0; i < c->npages;) {
		struct gc_block *b = &c->hdr[i];
		if (b->kind == BLOCK_SMALL)
			check_small(b);
		else if (b->kind == BLOCK_LARGE)
			check_large(b);
		else
			check_free_run(b);
		size_t step = b->kind == BLOCK_SMALL ? 1 : b->n;
		if (step == 0 || i + step > c->npages) {
			complain("block runs past its chunk", b->start);
			return;
		}
		i += step;
	}
}

static void check_free_lists(void)
{
	for (int a = 0; a < GC_KINDS; a++)
		for (unsigned c = 0; c < G.nclasses; c++)
			for (void **p = G.free[a][c]; p; p = *p) {
				struct gc_block *b = block_of((uintptr_t)p);
				if (!b || b->kind != BLOCK_SMALL || b->cls != c || b->okind != a) {
					complain("free-list object in the wrong block", p);
					break;
				}
				if ((uintptr_t)p != (uintptr_t)b->start + small_index(b, (uintptr_t)p) * (uintptr_t)b->size)
					complain("free-list entry not an object start", p);
				for (uint32_t w = 1; a != OBJ_ATOMIC && w < b->size / sizeof(void *); w++)
					if (p[w])
						complain("free object not zero", p);
			}
}

static void check_runs(void)
{
	for (unsigned bin = 0; bin < GC_RUN_BINS; bin++)
		for (struct gc_block *r = G.runs[bin]; r; r = r->next)
			if (r->kind != BLOCK_FREE || (bin < GC_RUN_BINS - 1 && r->n != bin + 1))
				complain("free run in the wrong bin", r->start);
}

int gc_check_heap(void)
{
	problems = 0;
	for (struct gc_chunk *c = G.chunks; c; c = c->next)
		check_chunk(c);
	check_free_lists();
	check_runs();
	return (int)problems;
}

/* ---- gc_explain: why is this object alive? -------------------------------- */

static int points_into(uintptr_t w, const char *obj)
{
	return gc_base((void *)w) == obj;
}

__attribute__((no_sanitize("address"))) static void explain_range(const char *what, uintptr_t *lo, uintptr_t *hi, const char *obj)
{
	for (uintptr_t *p = lo; p < hi; p++)
		if (points_into(*p, obj))
			fprintf(stderr, "gc_explain: %p is referenced from %s at %p\n", (void *)obj, what,
				(void *)p);
}

static void explain_object(const char *from, size_t size, const char *obj)
{
	for (uintptr_t *p = (uintptr_t *)from; p < (uintptr_t *)(from + size); p++)
		if (points_into(*p, obj))
			fprintf(stderr, "gc_explain: %p is referenced from heap object %p (%zu bytes, %s) "
				"at %p\n", (void *)obj, (void *)from, size,
				gc_was_marked(from) == 1 ? "marked" : "not marked", (void *)p);
}

static void explain_heap(const char *obj)
{
	for (struct gc_chunk *c = G.chunks; c; c = c->next)
		for (size_t i = 0; i < c->npages;) {
			struct gc_block *b = &c->hdr[i];
			size_t step = b->kind == BLOCK_SMALL ? 1 : b->n;
			for (uint32_t k = 0; b->kind == BLOCK_SMALL && b->okind != OBJ_ATOMIC && k < b->n; k++)
				explain_object(b->start + (size_t)k * b->size, b->size, obj);
			if (b->kind == BLOCK_LARGE && b->okind != OBJ_ATOMIC)
				explain_object(b->start, step * GC_PAGE, obj);
			i += step;
		}
}

/* Print every root word and heap word that points into p's object (heap
 * words include free and dead objects: read them with gc_was_marked). */
__attribute__((noinline)) void gc_explain(const void *p)
{
	const char *obj = gc_base(p);
	if (!obj) {
		fprintf(stderr, "gc_explain: %p is not in the GC heap\n", p);
		return;
	}
	uintptr_t *sp = __builtin_frame_address(0);
	explain_range("the stack", sp, G.stack_base, obj);
	explain_range("data/bss", G.data_lo, (uintptr_t *)&G, obj);
	explain_range("data/bss", (uintptr_t *)(&G + 1), G.data_hi, obj);
	for (unsigned i = 0; i < G.nroots; i++)
		explain_range("a registered root", G.roots[i].lo, G.roots[i].hi, obj);
	explain_heap(obj);
}
