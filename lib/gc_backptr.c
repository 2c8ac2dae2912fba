/* gc_backptr.c: bdwgc's back-pointer queries (gc/gc_backptr.h), answered by
 * searching: the roots first (stack, data and bss, registered ranges), then
 * every heap object in address order, for a word pointing into the object.
 * No state of its own; slow (a pass over the whole heap per query), meant
 * for debugging like gc_explain in gc_check.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include "gc_internal.h"
#include "include/gc/gc_backptr.h"

static int refers_to(uintptr_t w, const char *obj)
{
	return gc_base((void *)w) == obj;
}

__attribute__((no_sanitize("address"))) static uintptr_t *find_in(uintptr_t *lo, uintptr_t *hi, const char *obj)
{
	for (uintptr_t *p = lo; p < hi; p++)
		if (refers_to(*p, obj) && (p < (uintptr_t *)&G || p >= (uintptr_t *)(&G + 1)))
			return p;
	return NULL;
}

static uintptr_t *find_root(const char *obj)
{
	uintptr_t *p = find_in(__builtin_frame_address(0), G.stack_base, obj);
	if (!p)
		p = find_in(G.data_lo, G.data_hi, obj);
	for (unsigned i = 0; !p && i < G.nroots; i++)
		p = find_in(G.roots[i].lo, G.roots[i].hi, obj);
	return p;
}

/* The first heap object (other than obj) holding a pointer into obj. */
static char *find_holder(const char *obj, size_t *offset)
{
	for (struct gc_chunk *c = G.chunks; c; c = c->next)
		for (size_t i = 0; i < c->npages;) {
			struct gc_block *b = &c->hdr[i];
			size_t step = b->kind == BLOCK_SMALL ? 1 : b->n, cap = block_capacity(b);
			uint32_t count = b->kind == BLOCK_SMALL ? b->n : b->kind == BLOCK_LARGE;
			for (uint32_t k = 0; b->okind != OBJ_ATOMIC && k < count; k++) {
				char *from = b->start + (size_t)k * cap;
				uintptr_t *w = from == obj ? NULL : find_in((uintptr_t *)from, (uintptr_t *)(from + cap), obj);
				if (w && gc_was_marked(from) == 1) {
					*offset = (size_t)((char *)w - from);
					return from;
				}
			}
			i += step;
		}
	return NULL;
}

GC_ref_kind GC_get_back_ptr_info(void *dest, void **base_p, size_t *offset_p)
{
	char *obj = gc_base(dest);
	if (!obj)
		return GC_NO_SPACE;
	uintptr_t *root = find_root(obj);
	if (root) {
		*base_p = root;
		*offset_p = 0;
		return GC_REFD_FROM_ROOT;
	}
	char *from = find_holder(obj, offset_p);
	if (from) {
		*base_p = from;
		return GC_REFD_FROM_HEAP;
	}
	return GC_UNREFERENCED;
}

void *GC_generate_random_heap_address(void)
{
	if (!G.heap_bytes)
		return NULL;
	size_t off = ((size_t)rand() << 16 ^ (size_t)rand()) % G.heap_bytes;
	for (struct gc_chunk *c = G.chunks; c; c = c->next) {
		size_t bytes = (size_t)c->npages * GC_PAGE;
		if (off < bytes)
			return c->base + off;
		off -= bytes;
	}
	return NULL;
}

void *GC_generate_random_valid_address(void)
{
	for (int tries = 0; tries < 1000; tries++) {
		void *p = GC_generate_random_heap_address();
		if (p && gc_was_marked(p) == 1)
			return p;
	}
	return NULL;
}

void GC_print_backtrace(void *p)
{
	char *obj = gc_base(p);
	for (int depth = 0; obj && depth < 32; depth++) {
		void *base;
		size_t off;
		GC_ref_kind k = GC_get_back_ptr_info(obj, &base, &off);
		fprintf(stderr, "\t%d: %p (%zu bytes)\n", depth, (void *)obj, gc_size(obj));
		if (k == GC_REFD_FROM_ROOT)
			fprintf(stderr, "\t\tRoot at %p\n", base);
		if (k != GC_REFD_FROM_HEAP)
			return;
		fprintf(stderr, "\t\tfrom offset %zu of\n", off);
		obj = base;
	}
}

void GC_generate_random_backtrace(void)
{
	gc_collect();
	void *p = GC_generate_random_valid_address();
	if (p)
		GC_print_backtrace(p);
}
