/* gc_internal.h: the collector's shared state, block headers and the
 * address→block map. Only lib/gc_*.c include it.
 *
 * The heap is a list of chunks, each an mmap'd run of 4 KiB pages, with one
 * 64-byte header per page kept OUTSIDE the page (in a second mmap), so objects
 * carry no header and the mark bits of a block sit together:
 *
 *   chunk:   | page 0 | page 1 | page 2 ... |        (objects only)
 *   headers: [ hdr 0  | hdr 1  | hdr 2  ... ]       (struct gc_block each)
 *   map:     page address → header, two levels like a page table:
 *            map[addr >> 30][(addr >> 12) & 0x3ffff]
 *
 * A page is the head of exactly one of
 *   BLOCK_SMALL  n objects of one size class (size <= GC_SMALL_MAX),
 *   BLOCK_LARGE  one object over n pages,
 *   BLOCK_FREE   a run of n free pages,
 * or a tail page of a LARGE object or a FREE run. Walking a chunk's headers
 * from page 0 by steps of (SMALL ? 1 : n) visits exactly the heads.
 *
 * Invariants (checked by gc_check_heap in tests):
 *   - map[page] == &hdr[page] except for the tail pages of a live LARGE
 *     object, whose entries point at the object's head header; pages outside
 *     every chunk map to NULL;
 *   - G.lo <= every chunk address < G.hi;
 *   - an object on a free list lies in a SMALL block of that list's class and
 *     object kind; its first word is the link, the rest is zero unless the
 *     kind is OBJ_ATOMIC;
 *   - OBJ_UNCOLLECTABLE blocks: a mark bit means "allocated"; collections
 *     never clear it, gc_free does (so the objects are roots and never swept);
 *   - a SMALL block is on at most one sweep list, and only between the end of
 *     a collection and its lazy sweep;
 *   - mark bits mean "reachable at the last collection" until the next one
 *     clears them; bits past n are zero.
 */
#ifndef PAGODA_GC_INTERNAL_H
#define PAGODA_GC_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include "include/pagoda_gc.h"

enum {
	GC_PAGE_SHIFT = 12,
	GC_PAGE = 1 << GC_PAGE_SHIFT,
	GC_GRANULE = 16,                 /* alignment and size-class step */
	GC_SMALL_MAX = GC_PAGE / 2,      /* larger objects get whole pages */
	GC_MAX_CLASSES = 64,
	GC_MAP_LEAF_BITS = 18,           /* one leaf maps 1 GiB */
	GC_MAP_TOP_BITS = 47 - GC_PAGE_SHIFT - GC_MAP_LEAF_BITS,
	GC_MAX_ROOTS = 64,
	GC_RUN_BINS = 33,                /* free runs of 1..32 pages, then one list */
	LIVE_HISTORY = 3,                /* collections whose live data keeps the heap (gc_collect.c) */
	GC_CARD = 128,                   /* what a manual dirty note marks (gc_dirty.c) */
	GC_PAGE_CARDS = GC_PAGE / GC_CARD, /* 32: one bit each in a uint32_t per page */
};

enum block_kind { BLOCK_FREE, BLOCK_SMALL, BLOCK_LARGE };

/* What the objects of a block hold, and so how marking treats them (bdwgc's
 * "object kinds"). Every kind but OBJ_ATOMIC is handed out zeroed. */
enum obj_kind {
	OBJ_NORMAL,         /* any word may be a pointer: scan all */
	OBJ_ATOMIC,         /* no pointers: never scanned (strings, numbers) */
	OBJ_UNCOLLECTABLE,  /* scanned, a root, never reclaimed (gc_compat.c) */
	OBJ_TYPED,          /* only the words its layout names (gc_typed.c) */
	OBJ_FINALIZED,      /* a closure word first, run when found dead (gc_finalize.c) */
	GC_KINDS
};

/* One per page; the hot fields of the mark loop come first. */
struct gc_block {
	char *start;              /* the page's address; never changes */
	uint64_t mark[4];         /* SMALL: bit i = object i marked; LARGE: bit 0 */
	struct gc_block *next;    /* sweep list or free-run bin */
	uint32_t size;            /* SMALL: object size; LARGE: bytes asked for */
	uint32_t inv;             /* SMALL: ceil(2^32 / size), index by multiply */
	uint32_t n;               /* SMALL: objects; LARGE, FREE: pages */
	uint8_t kind;             /* enum block_kind */
	uint8_t okind;            /* enum obj_kind */
	uint8_t cls;              /* SMALL: size class */
	uint8_t zeroed;           /* the page is all zero (fresh from mmap) */
};
_Static_assert(sizeof(struct gc_block) == 64, "a header is one cache line");

struct gc_chunk {
	char *base;
	uint32_t npages;
	uint32_t all_free;        /* set by the reclaim pass: no live page */
	struct gc_block *hdr;     /* hdr[i] describes base + i pages */
	uint64_t *dirty;          /* gc_dirty.c: bit i = page i written (or NULL) */
	uint64_t *pending;        /* gc_rescan.c: bit i = page i still to rescan */
	uint64_t (*pending_marks)[4]; /* gc_rescan.c: page i's mark bits when it became pending */
	uint32_t *cards;          /* gc_dirty.c: page i's written cards (all of a page the kernel reports);
	                           * then, at cards + npages, gc_rescan.c's cards of pending page i */
	struct gc_chunk *next;
};

struct mark_entry { uintptr_t *lo, *hi; };

enum gc_mode { MODE_STW, MODE_INCREMENTAL, MODE_GENERATIONAL };
enum gc_phase { PHASE_IDLE, PHASE_MARKING };
enum dirty_source { DIRTY_NONE, DIRTY_SOFT, DIRTY_MPROTECT, DIRTY_MANUAL };
struct root_range { uintptr_t *lo, *hi; };

struct gc_state {
	/* allocation fast path */
	size_t fast_max;                          /* GC_SMALL_MAX, or 0 in leak mode */
	void *free[GC_KINDS][GC_MAX_CLASSES];     /* [kind][class] free lists */
	uint8_t class_of[GC_SMALL_MAX / GC_GRANULE + 1]; /* granules → class */
	uint32_t class_size[GC_MAX_CLASSES];
	unsigned nclasses;

	/* heap */
	uintptr_t lo, hi;                         /* bounds of all chunks */
	struct gc_chunk *chunks;
	struct gc_block *runs[GC_RUN_BINS];       /* free runs by length */
	struct gc_block *sweep[GC_KINDS][GC_MAX_CLASSES]; /* blocks to sweep lazily */
	size_t heap_bytes, peak_heap_bytes;

	/* policy and statistics */
	size_t allocd;                            /* bytes since last collection */
	uint64_t total_allocd;
	size_t live_bytes, live_objects;
	size_t live_history[LIVE_HISTORY];        /* live_bytes after recent collections */
	unsigned growth_percent;
	int disabled;
	int initialized;
	int find_leak;
	int trace;                                /* PAGODA_GC_TRACE: 0, 1 or 2 (steps too) */
	size_t max_heap;                          /* GC_set_max_heap_size; 0: none */
	int dont_expand;                          /* GC_set_dont_expand */
	void *(*oom_fn)(size_t);                  /* GC_set_oom_fn */
	uint64_t collections;
	uint64_t pause_last, pause_max, pause_total;
	uint64_t *pause_log;                      /* every pause, ns (mmap'd) */
	size_t pause_count, pause_cap;

	/* incremental and generational collection (gc_incremental.c) */
	uint8_t mode, phase, dirty_source, major_due;
	uint8_t manual_vdb;                       /* GC_set_manual_vdb_allowed: the program reports its stores */
	uint8_t minors_costly;                    /* generational: a minor's remembered set was too big (gc_minor.c) */
	uint8_t cycle_minor;                      /* the cycle marking now is a minor (gc_minor.c) */
	size_t step_at;                           /* G.allocd at the last step */
	size_t step_words;                        /* words the last marking step could scan */
	size_t cycle_allocd;                      /* G.allocd when the cycle started */
	size_t interval_allocd;                   /* G.allocd when its dirty interval started */
	size_t cycle_scanned;                     /* words scanned by this cycle's steps */
	size_t last_scanned;                      /* cycle_scanned of the last finished cycle */
	size_t cycle_rescanned;                   /* words of this cycle's page rescans (gc_rescan.c) */
	size_t cycle_dirty_read;                  /* pagemap entries this cycle read (gc_dirty.c) */
	size_t cycle_dirty_found;                 /* soft-dirty pages found there (gc_dirty.c) */
	unsigned cycle_cost;                      /* the last cycle's words over its marking's, in percent (0: none yet) */
	unsigned precleans;                       /* pre-clean rounds of this cycle */
	struct gc_chunk *rescan_chunk;            /* gc_rescan.c: the pending pages' cursor */
	size_t rescan_page, rescan_left;
	size_t major_live;                        /* live bytes after the last major */
	size_t minor_scanned;                     /* words the last minor's steps scanned */
	uint64_t minors, majors, steps;
	uint64_t minors_at_major;                 /* G.minors when the last major ended (gc_minor.c) */
	uint64_t overflows, leaks_reported;

	/* mark stack */
	struct mark_entry *ms_base, *ms_top, *ms_end;
	size_t ms_cap, ms_limit;
	int ms_overflowed;

	/* roots */
	uintptr_t *stack_base;
	uintptr_t *data_lo, *data_hi;
	struct root_range roots[GC_MAX_ROOTS];
	unsigned nroots;

	struct gc_block **map[1ul << GC_MAP_TOP_BITS];
};

/* The one instance. It lies in bss and is excluded from the root scan:
 * its free lists would otherwise keep every free object "reachable". */
extern struct gc_state G;

/* The exact "is this word a heap pointer?" test: heap bounds, then the map. */
static inline struct gc_block *block_of(uintptr_t p)
{
	if (p - G.lo >= G.hi - G.lo)
		return NULL;
	struct gc_block **leaf = G.map[p >> (GC_PAGE_SHIFT + GC_MAP_LEAF_BITS)];
	if (!leaf)
		return NULL;
	return leaf[(p >> GC_PAGE_SHIFT) & ((1ul << GC_MAP_LEAF_BITS) - 1)];
}

/* Index of the object containing p in a SMALL block. Exact for offsets below
 * one page: the multiply's error is below off/2^32 < 1/size. */
static inline uint32_t small_index(const struct gc_block *b, uintptr_t p)
{
	return (uint32_t)(((uint64_t)(p - (uintptr_t)b->start) * b->inv) >> 32);
}

/* How many objects of a SMALL block are marked. */
static inline unsigned mark_count(const struct gc_block *b)
{
	return (unsigned)(__builtin_popcountll(b->mark[0]) + __builtin_popcountll(b->mark[1]) +
			  __builtin_popcountll(b->mark[2]) + __builtin_popcountll(b->mark[3]));
}

static inline int mark_test(const struct gc_block *b, uint32_t i)
{
	return (b->mark[i >> 6] >> (i & 63)) & 1;
}

/* Set / clear the mark bit of the object starting at obj (SMALL or LARGE). */
static inline void mark_set(struct gc_block *b, const void *obj)
{
	uint32_t i = b->kind == BLOCK_SMALL ? small_index(b, (uintptr_t)obj) : 0;
	b->mark[i >> 6] |= 1ull << (i & 63);
}

static inline void mark_unset(struct gc_block *b, const void *obj)
{
	uint32_t i = b->kind == BLOCK_SMALL ? small_index(b, (uintptr_t)obj) : 0;
	b->mark[i >> 6] &= ~(1ull << (i & 63));
}

/* Bytes an object of block b may hold (its size class, or its pages). */
static inline size_t block_capacity(const struct gc_block *b)
{
	return b->kind == BLOCK_SMALL ? b->size : (size_t)b->n * GC_PAGE;
}

/* gc_heap.c */
void heap_init(void);
struct gc_block *heap_alloc_pages(size_t npages);   /* NULL: no free run */
int heap_grow(size_t npages);                        /* 0 on success */
int heap_grow_least(size_t npages);                  /* by 1 MiB (or npages), not heap/8 */
void heap_free_run(struct gc_block *head, size_t npages);
void heap_reset_runs(void);
void heap_map_large(struct gc_block *head, size_t npages);
void heap_unmap_large(struct gc_block *head);
void heap_release_chunk(struct gc_chunk *c);
struct gc_block *heap_page_header(struct gc_block *b, size_t i);

/* gc_mark.c */
void mark_init(void);
void mark_clear_all(void);
void mark_range(uintptr_t *lo, uintptr_t *hi);
void mark_drain(void);
int mark_drain_some(size_t *budget);                /* 1: work is left */
void mark_recover_overflow(void);
void mark_contents(struct gc_block *b, void *obj);  /* push what obj points to */
void mark_push_range(uintptr_t *lo, uintptr_t *hi); /* part of a marked object, to scan in the drain */
void mark_uncollectable(void);                      /* their contents, as roots */

/* gc_typed.c: an OBJ_TYPED object of `words` words keeps its layout in its
 * last two words. typed_next_run gives the next run [*i, *i + *len) of
 * pointer words at or after *i; 0 when there is none. */
int typed_next_run(const uintptr_t *obj, size_t words, size_t *i, size_t *len);

/* gc_finalize.c: run between marking and sweeping, and as roots */
void finalize_after_mark(void);
void finalize_mark_roots(void);
void finalize_run_pending(void);     /* slow path: run ready finalizers */

/* gc_debug.c: check the guard words of live debug objects after marking */
void debug_check_heap(void);

/* gc_roots.c */
/* gc_threads.c: the allocation lock (recursive; free until a second thread
 * exists), stopping the other threads around marking, their stacks. */
extern volatile int gc_threads_on;
void gc_lock(void);
void gc_unlock(void);
void threads_stop_world(void);
void threads_start_world(void);
uintptr_t *thread_stack_top(void);
void threads_mark_stacks(void);

void roots_init(void);
void roots_mark_all(void);
void roots_push_all(void);     /* scan the roots, push, do not drain */

/* gc_sweep.c */
void sweep_reclaim(void);
size_t sweep_block(struct gc_block *b);

/* gc_collect.c */
void collect_now(void);
void collect_full(void);             /* stop-the-world, from scratch */
void collect_finish(uint64_t t0);    /* after marking: finalize, sweep, stats */
uint64_t gc_now_ns(void);
void record_pause(uint64_t ns);
size_t collect_trigger(void);

/* gc_dirty.c */
int dirty_init(void);
void dirty_start(void);
void dirty_fetch(void);
void dirty_stop(void);
int dirty_test(const struct gc_chunk *c, size_t page);
void dirty_forget(struct gc_chunk *c);
void dirty_new_chunk(struct gc_chunk *c);
void dirty_new_block(struct gc_block *b, size_t npages);
void dirty_note(const void *p, size_t n);           /* manual: the program stored into [p, p + n) */
void dirty_note_object(const void *p);              /* manual: into the object holding p */
int dirty_bitmaps(struct gc_chunk *c);              /* map c's dirty and pending bits */

/* gc_rescan.c */
size_t rescan_cost(void);           /* words a rescan of the dirty pages would scan */
void rescan_now(void);              /* rescan the dirty pages, drain after each */
size_t rescan_defer(void);          /* dirty pages join the pending ones; how many */
int rescan_some(size_t *budget);    /* rescan pending pages; 1: some are left */
void rescan_drop(void);             /* forget the pending pages */

/* gc_incremental.c */
int incremental_enable(enum gc_mode mode);   /* 0: on (dirty bits found) */
void incremental_collect(void);      /* collect_now in the other modes */
void incremental_alloc_hook(void);   /* slow path: start or step a cycle */
size_t incremental_trigger(void);    /* collect_trigger in the incremental mode */
int collect_is_due(void);
size_t collect_heap_target(void);

/* gc_minor.c: the generational mode's minors and majors */
int minor_next(void);                /* the next (or current) cycle is a minor */
size_t minor_estimate(size_t major_estimate);   /* bytes a minor's marking scans */
int minor_chosen(void);              /* at a cycle's start: a minor? (reads the dirty bits) */
void generational_finished(int minor, size_t scanned);
size_t generational_trigger(size_t major, size_t minor, size_t least);

/* gc_alloc.c */
void alloc_init_classes(void);
void *gc_malloc_from(size_t n, int atomic, void *ret);
void *gc_malloc_kind(size_t n, enum obj_kind k);     /* slow path, any kind */
/* The object containing p (its start, and its block), or NULL. */
char *object_of(const void *p, struct gc_block **bp);
void gc_ensure_init(void);

/* gc_leak.c */
void leak_record(void *p, size_t size, const char *file, int line, void *ret);
void leak_forget(void *p);
void leak_report_unmarked(void);
void leak_install_exit_report(void);

/* gc_check.c */
int gc_check_heap(void);

#endif
