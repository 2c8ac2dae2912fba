/* gc_alloc.c: allocation and explicit free.
 *
 * Owns: G.free (the per-class free lists), the size-class tables, and the
 * path from a request to an object:
 *
 *   gc_malloc ──fast──▶ pop G.free[kind][class]              (a few instructions)
 *       │
 *       └─slow─▶ alloc_slow ─▶ refill_class: lazily sweep a block of the class,
 *                             or carve a fresh page into objects,
 *                             or make_room: collect (if due) / grow the heap
 *                  large (> 2 KiB) ─▶ whole pages from gc_heap.c
 *
 * Size classes: 16-byte steps up to 128 bytes; above that one class per
 * "objects per page" count, each as large as that count allows, so a page
 * wastes less than one granule per object (e.g. 3 × 1360, 2 × 2048).
 *
 * Invariants:
 *   - an object handed out by gc_malloc is all zero (free-list objects are
 *     zero but for the link word, which the fast path clears);
 *   - G.allocd counts bytes put on a free list or given as large objects since
 *     the last collection (a free list is counted whole when it is filled);
 *   - in leak-finding mode G.fast_max == 0, so every allocation takes the slow
 *     path, which records the site.
 */
#include <string.h>
#include "gc_internal.h"

struct gc_state G;

enum { SMALL_GRANULES = GC_SMALL_MAX / GC_GRANULE };

void alloc_init_classes(void)
{
	unsigned c = 0;
	uint32_t last = 0;
	for (unsigned g = 1; g <= SMALL_GRANULES; g++) {
		uint32_t s = g * GC_GRANULE;
		if (s > 128)
			s = (GC_PAGE / (GC_PAGE / s)) & ~(uint32_t)(GC_GRANULE - 1);
		if (s != last) {
			G.class_size[c++] = s;
			last = s;
		}
		G.class_of[g] = (uint8_t)(c - 1);
	}
	G.class_of[0] = 0;
	G.nclasses = c;
}

/* ---- the fast path ----------------------------------------------------- */

static void *alloc_slow(size_t n, unsigned k, const char *file, int line, void *ret);

/* k is OBJ_NORMAL or OBJ_ATOMIC: the other kinds always take the slow path. */
static inline __attribute__((always_inline)) void *alloc_fast(size_t n, unsigned k)
{
	if (n - 1 < G.fast_max) {
		void **head = &G.free[k][G.class_of[(n + GC_GRANULE - 1) / GC_GRANULE]];
		void **p = *head;
		if (p) {
			*head = *p;
			*p = NULL;
			return p;
		}
	}
	return NULL;
}

/* Every allocation, under the allocation lock (a no-op until a second
 * thread exists: gc_threads.c). ret is the public caller's return address. */
static inline __attribute__((always_inline)) void *alloc_locked(size_t n, unsigned k, const char *file, int line,
								  void *ret)
{
	gc_lock();
	void *p = alloc_fast(n, k);
	if (!p)
		p = alloc_slow(n, k, file, line, ret);
	gc_unlock();
	return p;
}

void *gc_malloc(size_t n)
{
	return alloc_locked(n, 0, NULL, 0, __builtin_return_address(0));
}

void *gc_malloc_atomic(size_t n)
{
	return alloc_locked(n, 1, NULL, 0, __builtin_return_address(0));
}

void *gc_malloc_at(size_t n, const char *file, int line)
{
	return alloc_locked(n, 0, file, line, __builtin_return_address(0));
}

void *gc_malloc_atomic_at(size_t n, const char *file, int line)
{
	return alloc_locked(n, 1, file, line, __builtin_return_address(0));
}

/* For wrappers (gc_compat.c) that pass their own caller as the site. */
void *gc_malloc_from(size_t n, int atomic, void *ret)
{
	return alloc_locked(n, atomic ? OBJ_ATOMIC : OBJ_NORMAL, NULL, 0, ret);
}

/* Any kind, always the slow path. An uncollectable object is marked at
 * once and stays marked until gc_free (its mark bit means "allocated"). */
void *gc_malloc_kind(size_t n, enum obj_kind k)
{
	gc_lock();
	void *p = alloc_slow(n, k, NULL, 0, __builtin_return_address(0));
	if (p && k == OBJ_UNCOLLECTABLE)
		mark_set(block_of((uintptr_t)p), p);
	gc_unlock();
	return p;
}

/* ---- the slow path ----------------------------------------------------- */

/* While an incremental cycle marks, the heap grows (until the cycle has
 * allocated twice the trigger) rather than finish the marking in one pause;
 * by the least chunk, since the cycle's end frees what it outran. */
static int grow_while_marking(size_t npages)
{
	return G.phase == PHASE_MARKING && G.allocd - G.cycle_allocd < 2 * collect_trigger() &&
	       heap_grow_least(npages) == 0;
}

/* Called when no free pages are left: collect if enough was allocated since
 * the last collection to make it worth it, else grow. */
static int make_room(size_t npages)
{
	if (collect_is_due()) {
		if (!grow_while_marking(npages))
			collect_now();
		return 0;
	}
	if (G.mode == MODE_GENERATIONAL)
		G.major_due = 1;   /* minors no longer keep up: a major soon */
	if (G.phase == PHASE_MARKING ? heap_grow_least(npages) == 0 : heap_grow(npages) == 0)
		return 0;   /* while marking, by the least chunk (see grow_while_marking) */
	if (G.allocd && !G.disabled) {   /* the heap may not grow: collect now */
		collect_now();
		return 0;
	}
	return -1;
}

/* Turn a free page into a block of class c and make it the class's list. */
static void small_block_init(struct gc_block *b, unsigned c, unsigned k)
{
	uint32_t size = G.class_size[c];
	b->kind = BLOCK_SMALL;
	b->okind = (uint8_t)k;
	b->cls = (uint8_t)c;
	b->size = size;
	b->inv = (uint32_t)(((1ull << 32) + size - 1) / size);
	b->n = GC_PAGE / size;
	memset(b->mark, 0, sizeof b->mark);
	if (k != OBJ_ATOMIC && !b->zeroed)
		memset(b->start, 0, GC_PAGE);
	b->zeroed = 0;
	dirty_new_block(b, 1);
	char *p = b->start;
	for (uint32_t i = 0; i + 1 < b->n; i++, p += size)
		*(void **)p = p + size;
	*(void **)p = NULL;
	G.free[k][c] = b->start;
	G.allocd += (size_t)b->n * size;
	G.total_allocd += (size_t)b->n * size;
}

static int refill_from_sweep_list(unsigned c, unsigned k)
{
	struct gc_block *b;
	while ((b = G.sweep[k][c])) {
		G.sweep[k][c] = b->next;
		b->next = NULL;
		if (sweep_block(b))
			return 1;
	}
	return 0;
}

static int refill_class(unsigned c, unsigned k)
{
	for (;;) {
		if (refill_from_sweep_list(c, k))
			return 0;
		struct gc_block *b = heap_alloc_pages(1);
		if (b) {
			small_block_init(b, c, k);
			return 0;
		}
		if (make_room(1))
			return -1;
	}
}

static void *small_alloc(size_t n, unsigned k)
{
	unsigned c = G.class_of[(n + GC_GRANULE - 1) / GC_GRANULE];
	void **p;
	while (!(p = G.free[k][c]))
		if (refill_class(c, k))
			return NULL;
	G.free[k][c] = *p;
	*p = NULL;
	return p;
}

static void *large_alloc(size_t n, unsigned k)
{
	if (n > UINT32_MAX)
		return NULL;
	size_t np = (n + GC_PAGE - 1) / GC_PAGE;
	struct gc_block *b;
	while (!(b = heap_alloc_pages(np)))
		if (make_room(np))
			return NULL;
	b->kind = BLOCK_LARGE;
	b->okind = (uint8_t)k;
	b->size = (uint32_t)n;
	memset(b->mark, 0, sizeof b->mark);
	for (size_t i = 0; i < np; i++) {
		struct gc_block *t = heap_page_header(b, i);
		if (k != OBJ_ATOMIC && !t->zeroed)
			memset(t->start, 0, GC_PAGE);
		t->zeroed = 0;
	}
	heap_map_large(b, np);
	dirty_new_block(b, np);
	G.allocd += np * GC_PAGE;
	G.total_allocd += np * GC_PAGE;
	return b->start;
}

static void *alloc_object(size_t n, unsigned k)
{
	if (n == 0)
		n = 1;
	if (n <= GC_SMALL_MAX)
		return small_alloc(n, k);
	return large_alloc(n, k);
}

static __attribute__((noinline)) void *alloc_slow(size_t n, unsigned k, const char *file,
						  int line, void *ret)
{
	gc_ensure_init();
	finalize_run_pending();
	if (G.mode != MODE_STW) {
		threads_stop_world();   /* a step scans the stacks */
		incremental_alloc_hook();
		threads_start_world();
	}
	void *p = alloc_object(n, k);
	if (p && G.find_leak)
		leak_record(p, n, file, line, ret);
	if (!p && G.oom_fn)
		p = G.oom_fn(n);
	return p;
}

/* ---- free, realloc, queries --------------------------------------------- */

/* The start of the object containing p, with its block; NULL if none. */
char *object_of(const void *p, struct gc_block **bp)
{
	struct gc_block *b = block_of((uintptr_t)p);
	*bp = b;
	if (!b || b->kind == BLOCK_FREE)
		return NULL;
	if (b->kind == BLOCK_LARGE)
		return b->start;
	uint32_t i = small_index(b, (uintptr_t)p);
	return i < b->n ? b->start + (size_t)i * b->size : NULL;
}

static void free_locked(void *p)
{
	struct gc_block *b;
	char *obj = object_of(p, &b);
	if (!obj || obj != p)
		return;
	if (G.find_leak)
		leak_forget(p);
	size_t cap = block_capacity(b);
	G.allocd -= cap < G.allocd ? cap : G.allocd;
	if (b->kind == BLOCK_LARGE) {
		size_t np = b->n;
		heap_unmap_large(b);
		heap_free_run(b, np);
		return;
	}
	if (b->okind != OBJ_ATOMIC)
		memset(obj, 0, b->size);
	if (b->okind == OBJ_UNCOLLECTABLE)
		mark_unset(b, obj);
	*(void **)obj = G.free[b->okind][b->cls];
	G.free[b->okind][b->cls] = obj;
}

void gc_free(void *p)
{
	gc_lock();
	free_locked(p);
	gc_unlock();
}

static void *realloc_locked(void *p, size_t n, const char *file, int line, void *ret)
{
	if (!p)
		return alloc_slow(n, 0, file, line, ret);
	if (n == 0) {
		gc_free(p);
		return NULL;
	}
	struct gc_block *b;
	char *obj = object_of(p, &b);
	if (!obj || obj != p)
		return NULL;
	size_t cap = block_capacity(b);
	if (n <= cap && n > cap / 2) {
		if (b->okind != OBJ_ATOMIC)
			memset(obj + n, 0, cap - n);   /* no stale pointers past the end */
		if (G.find_leak) {
			leak_forget(p);
			leak_record(p, n, file, line, ret);
		}
		return p;
	}
	void *q = alloc_slow(n, b->okind == OBJ_ATOMIC ? OBJ_ATOMIC : OBJ_NORMAL, file, line, ret);
	if (q) {
		memcpy(q, p, n < cap ? n : cap);
		gc_free(p);
	}
	return q;
}

void *gc_realloc_at(void *p, size_t n, const char *file, int line)
{
	gc_lock();
	void *q = realloc_locked(p, n, file, line, __builtin_return_address(0));
	gc_unlock();
	return q;
}

void *gc_realloc(void *p, size_t n)
{
	return gc_realloc_at(p, n, NULL, 0);
}

void *gc_base(const void *p)
{
	struct gc_block *b;
	return object_of(p, &b);
}

size_t gc_size(const void *p)
{
	struct gc_block *b;
	return object_of(p, &b) ? block_capacity(b) : 0;
}

int gc_was_marked(const void *p)
{
	struct gc_block *b;
	char *obj = object_of(p, &b);
	if (!obj)
		return -1;
	return b->kind == BLOCK_LARGE ? (int)(b->mark[0] & 1) : mark_test(b, small_index(b, (uintptr_t)obj));
}
