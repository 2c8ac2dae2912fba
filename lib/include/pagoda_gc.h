/* pagoda_gc.h: Pagoda's conservative mark-sweep garbage collector, the whole
 * public API on one screen (CS:APP 9.10).
 *
 * Allocate with gc_malloc and never call free: a collection finds every object
 * that a word in the registers, the stack, the program's data and bss, or a
 * registered range could point at (also into the middle of it), follows the
 * pointers inside those objects, and reclaims the rest. docs/gc.md says how the
 * roots are found and why the collector has to be conservative.
 *
 * Contracts that hold for every function here:
 *   - threads: a program's threads that use the collector are made by
 *     gc_pthread_create; then every call here takes one lock, and each
 *     collection stops the other threads with signals (SIGPWR, SIGXCPU:
 *     lib/gc_threads.c) and scans their stacks. No signal safety;
 *   - the heap comes from mmap, never from malloc, so malloc and the collector
 *     can be used side by side (malloc'd memory is NOT scanned for pointers);
 *   - a pointer keeps an object alive only while it is stored 8-byte aligned in
 *     a scanned place; a pointer one past the end does not count;
 *   - allocation functions return NULL only when mmap fails.
 */
#ifndef PAGODA_GC_H
#define PAGODA_GC_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

/* pthread_create for a thread that allocates from the collector or holds
 * its pointers: the thread is registered (its stack becomes a root) until it
 * ends. arg is kept alive until the thread runs. */
int gc_pthread_create(pthread_t *thread, const pthread_attr_t *attr, void *(*fn)(void *), void *arg);

/* Optional: the first allocation initialises the collector too. */
void gc_init(void);

/* Zeroed memory that may hold pointers; 16-byte aligned. */
void *gc_malloc(size_t n);
/* Memory that is never scanned (strings, numbers); NOT zeroed. */
void *gc_malloc_atomic(size_t n);
/* Resize; keeps the kind (scanned or atomic) of the old object. The old
 * object is freed explicitly when it moves, as realloc does. n == 0 frees. */
void *gc_realloc(void *p, size_t n);
/* Optional explicit free of an object start returned above; NULL is ignored.
 * After it, no pointer to the object may be used (as with free). */
void gc_free(void *p);

/* The same allocators with the call site, which leak-finding mode reports
 * (gc.h's GC_MALLOC passes __FILE__ and __LINE__ here). */
void *gc_malloc_at(size_t n, const char *file, int line);
void *gc_malloc_atomic_at(size_t n, const char *file, int line);
void *gc_realloc_at(void *p, size_t n, const char *file, int line);

/* A full collection now (even when disabled). */
void gc_collect(void);
/* Collections triggered by allocation stop while the disable count is > 0. */
void gc_disable(void);
void gc_enable(void);

/* Scan [lo, hi) as a root in every collection (memory the collector does
 * not know: mmap'd areas, malloc'd tables). Up to 64 ranges. */
void gc_add_roots(void *lo, void *hi);
/* Forget every registered range lying inside [lo, hi). */
void gc_remove_roots(void *lo, void *hi);

/* Heap growth: collect only when the heap is full AND the bytes allocated
 * since the last collection exceed percent% of the live bytes; otherwise the
 * heap grows. Default 75. Smaller: smaller heap, more collections. */
void gc_set_growth_percent(unsigned percent);

/* Leak-finding mode (CS:APP 9.11): set before the first allocation. Objects
 * are then expected to be freed with gc_free; every collection (and one at
 * exit) reports on stderr each object that became unreachable without being
 * freed, with its size and allocation site, and then reclaims it. */
void gc_set_find_leak(int on);

/* Object queries: the start of the object containing p (or NULL when p is not
 * in the GC heap or points at free memory), and its usable size. */
void *gc_base(const void *p);
size_t gc_size(const void *p);

struct gc_stats {
	uint64_t collections;        /* completed collections */
	size_t heap_bytes;           /* bytes mmap'd for objects now */
	size_t peak_heap_bytes;      /* largest heap_bytes so far */
	size_t free_bytes;           /* heap_bytes - live - allocated since */
	size_t allocated_since_gc;   /* bytes handed out since the last collection */
	uint64_t total_allocated;    /* bytes handed out since start */
	size_t live_bytes;           /* found reachable by the last mark */
	size_t live_objects;         /* ditto, objects */
	uint64_t pause_ns_last, pause_ns_max, pause_ns_total;
	uint64_t mark_stack_overflows; /* rounds of overflow recovery */
	uint64_t leaks_reported;     /* leak-finding mode */
	unsigned disabled;           /* gc_disable count */
	unsigned marking;            /* 1 while an incremental cycle is marking */
	uint64_t minor_collections;  /* generational: the collections that were minors */
};
void gc_get_stats(struct gc_stats *st);
/* Every pause so far, in nanoseconds, oldest first (a stop-the-world
 * collection is one pause; an incremental cycle is several: its start, each
 * marking step, its finish). Returns the count; the log stays valid until
 * the next collection step. For benchmarks: tests must not depend on time. */
size_t gc_get_pause_log(const uint64_t **log);

/* For tests and teaching: did the last collection find the object containing
 * p reachable? (1 yes, 0 no, -1 p is not a GC object.) */
int gc_was_marked(const void *p);
/* For tests: cap the mark stack at this many entries (0 = default), so the
 * overflow-recovery path can be exercised on small heaps. */
void gc_set_mark_stack_limit(size_t entries);
/* Walk the whole heap and check its invariants (lib/gc_internal.h); prints
 * the first problems on stderr and returns how many were found. Slow. */
int gc_check_heap(void);
/* Print on stderr every stack, data, registered-root and heap word that
 * points into p's object: "why is this object still alive?". */
void gc_explain(const void *p);

#endif
