/* gc_heap.c: the GC heap's pages, their side headers, the address→block map
 * and the free-page runs.
 *
 * Owns: G.chunks, G.map, G.runs, G.lo/G.hi, G.heap_bytes.
 *
 *   G.map (in bss)          leaf (mmap'd, 2 MiB, 2^18 entries)
 *   [addr >> 30] ─────────▶ [(addr >> 12) & 0x3ffff] ─────▶ struct gc_block
 *
 * Chunks come from mmap(MAP_PRIVATE|MAP_ANONYMOUS), never from malloc, and
 * go back with munmap when a collection finds one wholly free and the heap
 * is well above what the growth policy needs (gc_sweep.c decides); their
 * headers live in a second mapping so that object pages hold nothing but
 * objects.
 *
 * Invariants:
 *   - every page of every chunk has a map entry; a leaf entry is NULL exactly
 *     when its page belongs to no chunk;
 *   - a free run is n >= 1 consecutive pages of one chunk, all with kind
 *     BLOCK_FREE; it is in bin min(n, 33) - 1; runs are not coalesced between
 *     collections (sweep_reclaim rebuilds the bins, merged, in address order);
 *   - G.heap_bytes == sum of chunk sizes; G.peak_heap_bytes is its maximum.
 *
 * Each chunk's mapping has a PROT_NONE guard page on either side, so the
 * kernel never merges it with another mapping. Why: Linux (and Pagoda,
 * mm/vma.c) reports every page of an area made since the last clear_refs
 * as soft-dirty, and a merge ORs that flag into the whole area; a header
 * or bitmap mapping made during a cycle next to a chunk made the whole
 * heap read written (the cache workload's cycles that grew the heap
 * rescanned 2,200 pages instead of 300).
 *
 * Growth: a new chunk is max(request, 1 MiB, heap/8). Small steps keep the
 * peak heap close to what the growth policy in gc_collect.c asks for; 1 MiB
 * keeps the number of chunks (and map updates) small.
 *
 * Callers: gc_alloc.c (pages for blocks and large objects), gc_sweep.c (runs).
 */
#include <string.h>
#include <sys/mman.h>
#include "gc_internal.h"

enum { MIN_CHUNK_PAGES = 256, LEAF_ENTRIES = 1 << GC_MAP_LEAF_BITS };

static void *map_anon(size_t bytes)
{
	void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

/* npages of chunk memory between two guard pages (see the top). The
 * mapping is made readable and writable and only the guards are taken
 * away, so a kernel whose mprotect fails (a lab tree with the mprotect lab
 * stubbed: ENOSYS) still gives a working heap, without guards; mapping it
 * PROT_NONE first left such a kernel with no heap at all. */
static char *chunk_pages_map(size_t npages)
{
	char *p = map_anon((npages + 2) * GC_PAGE);
	if (!p)
		return NULL;
	(void)mprotect(p, GC_PAGE, PROT_NONE);
	(void)mprotect(p + (npages + 1) * GC_PAGE, GC_PAGE, PROT_NONE);
	return p + GC_PAGE;
}

static void chunk_pages_unmap(char *base, size_t npages)
{
	munmap(base - GC_PAGE, (npages + 2) * GC_PAGE);
}

static size_t round_page(size_t n)
{
	return (n + GC_PAGE - 1) & ~(size_t)(GC_PAGE - 1);
}

/* Point the map entry of the page at addr to b, creating the leaf if needed. */
static int map_set(char *addr, struct gc_block *b)
{
	uintptr_t a = (uintptr_t)addr;
	struct gc_block ***top = &G.map[a >> (GC_PAGE_SHIFT + GC_MAP_LEAF_BITS)];
	if (!*top) {
		*top = map_anon(LEAF_ENTRIES * sizeof(struct gc_block *));
		if (!*top)
			return -1;
	}
	(*top)[(a >> GC_PAGE_SHIFT) & (LEAF_ENTRIES - 1)] = b;
	return 0;
}

struct gc_block *heap_page_header(struct gc_block *b, size_t i)
{
	return b + i;   /* headers of one chunk are one array */
}

static unsigned run_bin(size_t npages)
{
	return npages < GC_RUN_BINS ? (unsigned)npages - 1 : GC_RUN_BINS - 1;
}

void heap_free_run(struct gc_block *head, size_t npages)
{
	head->kind = BLOCK_FREE;
	head->n = (uint32_t)npages;
	unsigned bin = run_bin(npages);
	head->next = G.runs[bin];
	G.runs[bin] = head;
}

void heap_reset_runs(void)
{
	memset(G.runs, 0, sizeof G.runs);
}

/* Unlink the first run of at least npages: exact bins first, smallest first,
 * then first fit in the last bin. */
static struct gc_block *take_run(size_t npages)
{
	for (unsigned bin = run_bin(npages); bin < GC_RUN_BINS - 1; bin++) {
		struct gc_block *r = G.runs[bin];
		if (r) {
			G.runs[bin] = r->next;
			return r;
		}
	}
	for (struct gc_block **pp = &G.runs[GC_RUN_BINS - 1]; *pp; pp = &(*pp)->next) {
		struct gc_block *r = *pp;
		if (r->n >= npages) {
			*pp = r->next;
			return r;
		}
	}
	return NULL;
}

/* npages consecutive free pages, still marked FREE (the caller sets the
 * kind), or NULL when no run is long enough. */
struct gc_block *heap_alloc_pages(size_t npages)
{
	struct gc_block *r = take_run(npages);
	if (!r)
		return NULL;
	if (r->n > npages)
		heap_free_run(heap_page_header(r, npages), r->n - npages);
	r->n = (uint32_t)npages;
	r->next = NULL;
	return r;
}

static size_t meta_bytes(size_t npages)
{
	return round_page(sizeof(struct gc_block) * (npages + 1));
}

_Static_assert(sizeof(struct gc_chunk) <= sizeof(struct gc_block), "a chunk's own header fits in one block header");

static struct gc_chunk *chunk_create(size_t npages)
{
	char *base = chunk_pages_map(npages);
	if (!base)
		return NULL;
	struct gc_chunk *c = map_anon(meta_bytes(npages));
	if (!c) {
		chunk_pages_unmap(base, npages);
		return NULL;
	}
	c->base = base;
	c->npages = (uint32_t)npages;
	c->hdr = (struct gc_block *)c + 1;   /* sizeof(*c) <= one header */
	for (size_t i = 0; i < npages; i++) {
		c->hdr[i].start = base + i * GC_PAGE;
		c->hdr[i].kind = BLOCK_FREE;
		c->hdr[i].zeroed = 1;
	}
	return c;
}

static int chunk_map(struct gc_chunk *c)
{
	for (size_t i = 0; i < c->npages; i++)
		if (map_set(c->hdr[i].start, &c->hdr[i]))
			return -1;
	uintptr_t lo = (uintptr_t)c->base, hi = lo + (uintptr_t)c->npages * GC_PAGE;
	if (!G.chunks || lo < G.lo)
		G.lo = lo;
	if (!G.chunks || hi > G.hi)
		G.hi = hi;
	return 0;
}

/* Add a chunk of at least npages pages to the heap as one free run:
 * heap/8, or the least chunk (1 MiB) when `least`: an incremental cycle
 * that needs room only until its end, which frees what it outran (on
 * GCBench, heap/8 took the peak heap to 27.4 MiB, 1 MiB to 26.6 and
 * 256 KiB to 26.9, inside Pagoda). */
static int grow(size_t npages, int least)
{
	size_t want = least ? 0 : G.heap_bytes / GC_PAGE / 8;
	if (want < MIN_CHUNK_PAGES)
		want = MIN_CHUNK_PAGES;
	if (want < npages)
		want = npages;
	if (G.dont_expand && G.heap_bytes)
		return -1;
	if (G.max_heap && G.heap_bytes + want * GC_PAGE > G.max_heap) {
		want = G.max_heap > G.heap_bytes ? (G.max_heap - G.heap_bytes) / GC_PAGE : 0;
		if (want < npages)
			return -1;   /* GC_set_max_heap_size */
	}
	struct gc_chunk *c = chunk_create(want);
	if (!c || chunk_map(c))
		return -1;
	c->next = G.chunks;
	G.chunks = c;
	G.heap_bytes += want * GC_PAGE;
	if (G.heap_bytes > G.peak_heap_bytes)
		G.peak_heap_bytes = G.heap_bytes;
	heap_free_run(c->hdr, want);
	dirty_new_chunk(c);
	return 0;
}

int heap_grow(size_t npages)
{
	return grow(npages, 0);
}

int heap_grow_least(size_t npages)
{
	return grow(npages, 1);
}

static void recompute_bounds(void)
{
	G.lo = G.hi = 0;
	for (struct gc_chunk *c = G.chunks; c; c = c->next) {
		uintptr_t lo = (uintptr_t)c->base, hi = lo + (uintptr_t)c->npages * GC_PAGE;
		if (!G.lo || lo < G.lo)
			G.lo = lo;
		if (hi > G.hi)
			G.hi = hi;
	}
}

/* Unmap a wholly free chunk that the caller has already unlinked from
 * G.chunks (and never put in the bins). */
void heap_release_chunk(struct gc_chunk *c)
{
	for (size_t i = 0; i < c->npages; i++)
		map_set(c->hdr[i].start, NULL);
	dirty_forget(c);
	G.heap_bytes -= (size_t)c->npages * GC_PAGE;
	chunk_pages_unmap(c->base, c->npages);
	munmap(c, meta_bytes(c->npages));
	recompute_bounds();
}

/* Tail pages of a large object map to its head, so an interior pointer
 * anywhere in it finds the header in one lookup. */
void heap_map_large(struct gc_block *head, size_t npages)
{
	for (size_t i = 1; i < npages; i++)
		map_set(heap_page_header(head, i)->start, head);
}

void heap_unmap_large(struct gc_block *head)
{
	for (size_t i = 1; i < head->n; i++) {
		struct gc_block *t = heap_page_header(head, i);
		map_set(t->start, t);
		t->kind = BLOCK_FREE;
	}
	head->kind = BLOCK_FREE;
}

void heap_init(void)
{
	G.lo = G.hi = 0;
	heap_reset_runs();
}
