/* bench/gcbench_malloc/gc.h: the bdwgc names gcbench.c uses, mapped onto
 * glibc malloc so the same source measures explicit malloc/free (run it with
 * "free"). Heap size is glibc's own count of bytes it got from the system.
 * Host only (mallinfo2 is glibc's).
 */
#ifndef GCBENCH_MALLOC_GC_H
#define GCBENCH_MALLOC_GC_H

#include <malloc.h>
#include <stdlib.h>

static inline void GC_INIT(void) {}
static inline void *GC_MALLOC(size_t n) { return calloc(1, n); }
static inline void *GC_MALLOC_ATOMIC(size_t n) { return malloc(n); }
static inline void GC_FREE(void *p) { free(p); }
static inline unsigned long GC_get_gc_no(void) { return 0; }

static inline size_t GC_get_heap_size(void)
{
	struct mallinfo2 m = mallinfo2();
	return m.arena + m.hblkhd;
}

#endif
