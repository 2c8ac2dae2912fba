/* pagoda_malloc.h - Pagoda's user-space allocator, the whole API on one screen.
 *
 * The core has its own names (mm_*, as in the CS:APP malloc lab) so that a
 * program can hold it and the C library's malloc side by side (the trace
 * driver's -l comparison). Programs that want it to *be* malloc link
 * lib/malloc_libc.c as well, which defines malloc, free, calloc, realloc,
 * aligned_alloc, posix_memalign, memalign and malloc_usable_size on top of
 * these functions (and routes them through the debug layer when the
 * environment variable PAGODA_MALLOC_DEBUG is set).
 *
 * Every payload is 16-byte aligned. Not thread-safe (Pagoda has no threads).
 */
#ifndef PAGODA_MALLOC_H
#define PAGODA_MALLOC_H

#include <stddef.h>

/* Start with an empty heap. Optional: the first mm_malloc calls it. Calling it
 * again throws away every block (the trace driver does, between runs). The
 * memory backing is memlib's: mem_init(MEM_ARENA) before mm_init() selects a
 * private arena instead of the program break. Returns 0, or -1 on failure. */
int mm_init(void);

void *mm_malloc(size_t size);
void mm_free(void *ptr);
void *mm_realloc(void *ptr, size_t size);
void *mm_calloc(size_t nmemb, size_t size);
void *mm_memalign(size_t alignment, size_t size); /* alignment: a power of two */
size_t mm_usable_size(const void *ptr);           /* 0 for NULL */

/* Verify every heap invariant (listed at the top of lib/malloc.c); print each
 * violation on stderr. Returns the number of violations, 0 when all is well.
 * verbose > 0 also prints a one-line summary of the heap. */
int mm_checkheap(int verbose);

/* Is ptr inside memory the allocator manages (any heap region or mapping)? */
int mm_owns(const void *ptr);

/* ---- debug layer (lib/malloc_debug.c) -------------------------------------
 * The same operations with bug detection: double free, free of a pointer that
 * malloc never returned, writes past either end of a block (canaries), writes
 * to freed blocks (poison, checked when the block is finally reused), and a
 * list of leaked blocks at exit. Each finding prints one line starting with
 * "pagoda malloc:" and naming the bug and the block; the first four abort(). */
void *mm_debug_malloc(size_t size);
void mm_debug_free(void *ptr);
void *mm_debug_realloc(void *ptr, size_t size);
void *mm_debug_calloc(size_t nmemb, size_t size);
void *mm_debug_memalign(size_t alignment, size_t size);
size_t mm_debug_usable_size(const void *ptr);
int mm_debug_check(void);         /* check every live and quarantined block now */
size_t mm_debug_report_leaks(void); /* list live blocks; returns their count */

#endif
