/* gc_mark.c: marking, with an explicit mark stack and overflow recovery.
 *
 * Owns: the mark stack G.ms_* and every block's mark bits during a collection.
 *
 *   mark stack (mmap'd):  [lo,hi) [lo,hi) ... [lo,hi)  ← G.ms_top
 *                          ranges of words still to scan
 *
 * Marking is depth-first without recursion: pop a range, look at every word
 * in it, and for a word that points into an unmarked object set its mark bit
 * and push the object's words. A long linked list therefore keeps the stack
 * one entry deep however long it is. Large ranges are scanned 4 KiB at a time
 * (the rest is pushed back first), so a big pointer array does not flood the
 * stack either.
 *
 * What a marked object's words are depends on its block's kind (gc_internal.h):
 * OBJ_ATOMIC objects are never pushed; OBJ_TYPED objects are pushed with the
 * low bit of hi set, and the drain scans only the words their layout names.
 *
 * Overflow: when the stack is full a push is dropped and G.ms_overflowed is
 * set; the object is already marked but its children may not be. Recovery
 * (after the stack drains) rescans every marked object in the heap, which
 * marks every child of a marked object; it repeats until a round ends without
 * overflow. Each round marks at least the children of everything marked, so it
 * terminates. The stack is doubled first unless a test capped it.
 *
 * Invariants:
 *   - G.ms_base <= G.ms_top <= G.ms_end;
 *   - every object on the stack is marked; an object is pushed at most once
 *     per collection (only when its bit goes from 0 to 1), except by recovery;
 *   - when marking ends without overflow, every object reachable from a
 *     scanned root has its bit set.
 *
 * Callers: gc_roots.c (roots), gc_collect.c (clear, drain, recover).
 */
#include <string.h>
#include <sys/mman.h>
#include "gc_internal.h"

enum {
	MS_DEFAULT = 1 << 16,      /* entries: 1 MiB */
	MS_MAX = 1 << 24,
	SCAN_CHUNK = GC_PAGE / sizeof(uintptr_t),
	PREFETCH_DEPTH = 32,        /* power of two: the FIFO index is a mask */
};

static int stack_map(size_t entries)
{
	if (G.ms_base)
		munmap(G.ms_base, G.ms_cap * sizeof(struct mark_entry));
	void *p = mmap(NULL, entries * sizeof(struct mark_entry), PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		G.ms_base = NULL;
		return -1;
	}
	G.ms_base = G.ms_top = p;
	G.ms_cap = entries;
	G.ms_end = G.ms_base + entries;
	return 0;
}

void mark_init(void)
{
	stack_map(G.ms_limit ? G.ms_limit : MS_DEFAULT);
}

void gc_set_mark_stack_limit(size_t entries)
{
	G.ms_limit = entries;
	if (G.initialized)
		stack_map(entries ? entries : MS_DEFAULT);
}

/* Uncollectable objects keep their bits: there a bit means "allocated". */
void mark_clear_all(void)
{
	for (struct gc_chunk *c = G.chunks; c; c = c->next)
		for (size_t i = 0; i < c->npages; i++)
			if (c->hdr[i].okind != OBJ_UNCOLLECTABLE || c->hdr[i].kind == BLOCK_FREE)
				memset(c->hdr[i].mark, 0, sizeof c->hdr[i].mark);
}

/* ---- the mark loop (the collector's hot path) --------------------------- */

static inline __attribute__((always_inline)) void push(struct mark_entry **top, uintptr_t *lo,
							 uintptr_t *hi)
{
	if (*top == G.ms_end) {
		G.ms_overflowed = 1;
		return;
	}
	(*top)->lo = lo;
	(*top)->hi = hi;
	(*top)++;
}

enum { TYPED_TAG = 1 };

/* Push the words of a newly marked object that may hold pointers. */
static inline __attribute__((always_inline)) void push_object(struct mark_entry **top,
							       const struct gc_block *b, uintptr_t *obj)
{
	size_t words = block_capacity(b) / sizeof(uintptr_t);
	if (b->okind == OBJ_NORMAL || b->okind == OBJ_UNCOLLECTABLE || b->okind == OBJ_FINALIZED)
		push(top, obj, obj + words);
	else if (b->okind == OBJ_TYPED)
		push(top, obj, (uintptr_t *)((uintptr_t)(obj + words) | TYPED_TAG));
}

/* LAB gc: BEGIN */
/* Mark what each word of [p, end) points into; push newly marked objects.
 * no_sanitize("address") here and on its callers: a conservative scan reads
 * every word of the stack and data, including AddressSanitizer's redzones. */
static inline __attribute__((always_inline, no_sanitize("address"))) void scan_words(uintptr_t *p, uintptr_t *end,
							       struct mark_entry **top)
{
	uintptr_t lo = G.lo, span = G.hi - G.lo;
	for (; p < end; p++) {
		uintptr_t w = *p;
		if (w - lo >= span)
			continue;
		struct gc_block *b = block_of(w);
		if (!b)
			continue;
		if (b->kind == BLOCK_SMALL) {
			uint32_t i = small_index(b, w);
			uint64_t bit = 1ull << (i & 63), *word = &b->mark[i >> 6];
			if (i >= b->n || (*word & bit))
				continue;
			*word |= bit;
			push_object(top, b, (uintptr_t *)(b->start + (size_t)i * b->size));
		} else if (b->kind == BLOCK_LARGE && !(b->mark[0] & 1)) {
			b->mark[0] = 1;
			push_object(top, b, (uintptr_t *)b->start);
		}
	}
}
/* LAB gc: END */
/* LAB gc: STUB
static inline __attribute__((always_inline, no_sanitize("address"))) void scan_words(uintptr_t *p, uintptr_t *end,
							       struct mark_entry **top)
{
	// Lab gc: for each word of [p, end) that points into an object (G.lo,
	// G.hi, block_of, small_index) whose mark bit is clear, set the bit and,
	// push the words it may hold pointers in (push_object knows the kinds).
	// Until then nothing is marked, so a collection frees everything.
	(void)p, (void)end, (void)top, (void)push_object;
}
*/

/* Scan one range (a root, or an object during recovery). */
__attribute__((no_sanitize("address"))) void mark_range(uintptr_t *lo, uintptr_t *hi)
{
	struct mark_entry *top = G.ms_top;
	scan_words(lo, hi, &top);
	G.ms_top = top;
}

/* A typed object: only the runs of pointer words its layout names. */
static __attribute__((noinline)) void scan_typed(uintptr_t *obj, uintptr_t *end, struct mark_entry **top)
{
	size_t words = (size_t)(end - obj), i = 0, len;
	while (typed_next_run(obj, words, &i, &len)) {
		scan_words(obj + i, obj + i + len, top);
		i += len;
	}
}

/* Pop and scan until the stack is empty.
 *
 * Popped ranges wait in a small FIFO, with their first line prefetched,
 * before being scanned: with plain LIFO order the object just pushed is
 * scanned at once and its cache miss is paid in full; the FIFO gives each
 * miss PREFETCH_DEPTH scans to arrive (Garner, Blackburn and Frampton's
 * "edge order" buffer). Order does not matter to marking. */
__attribute__((no_sanitize("address"))) static int drain(size_t *budgetp)
{
	size_t budget = *budgetp;
	struct mark_entry fifo[PREFETCH_DEPTH];
	unsigned head = 0, count = 0;
	struct mark_entry *top = G.ms_top;
	for (;;) {
		if (budget == 0) {   /* out of budget: the FIFO goes back on the stack */
			for (; count; count--, head = (head + 1) % PREFETCH_DEPTH)
				push(&top, fifo[head].lo, fifo[head].hi);
			break;
		}
		while (count < PREFETCH_DEPTH && top != G.ms_base) {
			struct mark_entry e = *--top;
			if ((uintptr_t)e.hi & TYPED_TAG) {
				scan_typed(e.lo, (uintptr_t *)((uintptr_t)e.hi & ~(uintptr_t)TYPED_TAG), &top);
				continue;
			}
			if ((size_t)(e.hi - e.lo) > SCAN_CHUNK) {
				top->lo = e.lo + SCAN_CHUNK;   /* the rest stays on the stack */
				top++;
				e.hi = e.lo + SCAN_CHUNK;
			}
			__builtin_prefetch(e.lo);
			fifo[(head + count++) % PREFETCH_DEPTH] = e;
		}
		if (count == 0)
			break;
		struct mark_entry e = fifo[head];
		head = (head + 1) % PREFETCH_DEPTH;
		count--;
		scan_words(e.lo, e.hi, &top);
		size_t words = (size_t)(e.hi - e.lo);
		budget = budget > words ? budget - words : 0;
	}
	G.ms_top = top;
	*budgetp = budget;
	return top != G.ms_base;
}

void mark_drain(void)
{
	size_t all = SIZE_MAX;
	drain(&all);
}

/* Scan about *budget words (incremental marking), taking what was scanned
 * off *budget; 1 if work is left. */
int mark_drain_some(size_t *budget)
{
	return *budget ? drain(budget) : G.ms_top != G.ms_base;
}

/* ---- overflow recovery (the slow path) ----------------------------------- */

/* Push what the (marked or not) object obj of block b points to. */
void mark_contents(struct gc_block *b, void *obj)
{
	struct mark_entry *top = G.ms_top;
	push_object(&top, b, obj);
	G.ms_top = top;
}

/* Push [lo, hi), part of a marked object, for the drain to scan (and count
 * against its budget). Dropped on overflow: recovery rescans the whole
 * marked object. */
void mark_push_range(uintptr_t *lo, uintptr_t *hi)
{
	struct mark_entry *top = G.ms_top;
	push(&top, lo, hi);
	G.ms_top = top;
}

/* Scan every marked object of b, draining after each. */
static void rescan_block(struct gc_block *b)
{
	if (b->okind == OBJ_ATOMIC)
		return;
	if (b->kind == BLOCK_LARGE) {
		if (b->mark[0] & 1) {
			mark_contents(b, b->start);
			mark_drain();
		}
		return;
	}
	for (uint32_t i = 0; i < b->n; i++) {
		if (!mark_test(b, i))
			continue;
		mark_contents(b, b->start + (size_t)i * b->size);
		mark_drain();
	}
}

/* Uncollectable objects are roots: scan every allocated one. */
void mark_uncollectable(void)
{
	for (struct gc_chunk *c = G.chunks; c; c = c->next) {
		for (size_t i = 0; i < c->npages;) {
			struct gc_block *b = &c->hdr[i];
			if (b->kind != BLOCK_FREE && b->okind == OBJ_UNCOLLECTABLE)
				rescan_block(b);
			i += b->kind == BLOCK_SMALL ? 1 : b->n;
		}
	}
}

static void rescan_heap(void)
{
	for (struct gc_chunk *c = G.chunks; c; c = c->next) {
		for (size_t i = 0; i < c->npages;) {
			struct gc_block *b = &c->hdr[i];
			if (b->kind != BLOCK_FREE)
				rescan_block(b);
			i += b->kind == BLOCK_SMALL ? 1 : b->n;
		}
	}
}

void mark_recover_overflow(void)
{
	while (G.ms_overflowed) {
		G.ms_overflowed = 0;
		G.overflows++;
		if (!G.ms_limit && G.ms_cap < MS_MAX)
			stack_map(G.ms_cap * 2);
		rescan_heap();
	}
}
