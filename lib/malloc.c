/* malloc.c - Pagoda's malloc: the entry points, and the map of the design.
 *
 * Read this next to CS:APP 9.9. Three kinds of block, chosen by request size:
 *
 *   size <= 128 B    small  slots in 1 KiB slabs, no header        malloc_small.c
 *   128 B < size     large  boundary-tag heap, segregated fits     malloc_fits.c
 *   size >= 256 KiB  huge   a mapping each                         malloc_huge.c
 *   1 KiB <= size    span   a run of empty slabs, where the heap   malloc_span.c
 *                           would otherwise grow
 *
 *   address space:  [ MEM_HEAP: brk heap of large blocks ........ ]   (grows up)
 *                   [ MEM_SLABS: 1 KiB slabs ][ MEM_SLAB_META: 16 B per slab ]
 *                   [ mapping ] [ mapping ] ...  huge blocks
 *
 * free(p) needs no header to tell the kinds apart: the slab region and the
 * heap are each one contiguous range, so two unsigned compares classify p
 * (and a slab's class, which free reads anyway, tells a span from slots).
 *
 * Why spans? The regions are separate, so slabs emptied in the middle of the
 * slab region could not hold large blocks: a program whose small blocks peak
 * first and large ones later paid for both peaks (bash running a script: 47
 * empty slabs while the heap grew by 60 KB; 73.7% utilisation, 77.2% with
 * spans, the 16-byte-alignment bound 85.8%).
 *
 * Why two kinds below 256 KiB? Space. A header costs 8 bytes and rounding to
 * 16 costs up to 15 more, which hurts most on small blocks: a 16-byte request
 * needs a 32-byte block (50% utilisation). A slot has neither cost (a 16-byte
 * slot holds 16 bytes) and small blocks no longer sit between large ones, so
 * freeing large blocks leaves holes that coalesce. binary2-bal (16 B and 112 B
 * blocks interleaved, the 112s freed, then 128s requested) cannot exceed 81.8%
 * with any 8-byte-header design; with slabs it reaches about 98%. Large blocks
 * keep CS:APP's boundary tags because they need coalescing and splitting, and
 * 8 bytes are little next to 144 or more.
 *
 * Why 1 KiB slabs with descriptors out of line? A descriptor inside the slab
 * would take slot space (1008 / 128 = 7 slots instead of 8). A small slab
 * keeps the cost of a half-used slab low when a class has few blocks
 * (realloc2-bal keeps a single 16-byte block next to a 28 KB one: a 4 KiB slab
 * would cost about 12 points of utilisation there; 1 KiB + 16 B costs 3.5).
 *
 * Speed. The fast path of malloc is the pop of a slot from the head slab of
 * an exact-size class (small_class(size) indexes the array directly), of free
 * the push of a slot onto its slab's list; both are a few instructions with
 * one well-predicted branch to the slow path. Large blocks come from 128
 * segregated lists found through a bitmap, so even the slow path never walks
 * more than one list.
 *
 * HEAP INVARIANTS (mm_checkheap in heapcheck.c verifies every one)
 *   I1 every payload is 16-byte aligned and lies inside MEM_HEAP, MEM_SLABS or
 *      a live mapping; payloads of live blocks never overlap.
 *   I2 large heap: F1-F6 in malloc_fits.c (tiling, boundary tags agree, no two
 *      free blocks adjacent, every free block on exactly the right list, list
 *      links inside the heap, bitmap matches lists).
 *   I3 slabs: S1-S6 in malloc_small.c (each slab on the right list, slot
 *      counts add up, free slots well formed, at most one empty slab kept per
 *      class, slabs and descriptors carved in step); spans: P1-P2 in
 *      malloc_span.c (a head page, then its tail pages, all naming the head).
 *   I4 huge blocks and regions: memlib's invariants (memlib.h).
 *   I5 mm_usable_size(p) >= the size requested for p.
 *
 * Debug mode is a layer on top (malloc_debug.c) and costs the fast path
 * nothing: the flag is tested by the libc shim (malloc_libc.c), not here.
 */
#include "include/pagoda_malloc.h"
#include "malloc_internal.h"
#include "malloc_report.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static bool initialised;

bool mm_initialised(void) { return initialised; }

int mm_init(void)
{
    if (mem_initialised())
        mem_reset();
    else
        mem_init(MEM_BRK);
    small_init();
    fits_init();
    initialised = true;
    return fits.end ? 0 : -1;
}

void mm_invalid_pointer(const char *op, const void *p)
{
    mm_report("pagoda malloc: %s(%p): invalid pointer: not a live block "
              "(double free or corruption?)", op, p);
    abort();
}

/* ---- malloc ------------------------------------------------------------ */

/* Everything but "pop a slot from a slab with room": first call, a class whose
 * slabs are all full, large and huge requests, and malloc(0). Falls back from
 * slabs to the heap, and from the heap to a mapping, when memory runs out. */
static __attribute__((noinline)) void *malloc_slow(size_t size)
{
    if (!initialised)
        mm_init();
    void *p = NULL;
    if (size <= SMALL_MAX)
        p = small_alloc_slow(size);
    if (!p && size < HUGE_MIN)
        p = fits_take(size);
    if (!p)
        p = span_alloc(size);
    if (!p && size < HUGE_MIN)
        p = fits_alloc(size);
    if (!p)
        p = huge_alloc(size);
    if (!p)
        errno = ENOMEM;
    return p;
}

void *mm_malloc(size_t size)
{
    void *p = small_fast_alloc(size);
    return p ? p : malloc_slow(size);
}

/* ---- free ---------------------------------------------------------------- */

static __attribute__((noinline)) void free_slow(void *p)
{
    if (!p)
        return;
    if (in_small(p))
        span_free(p);
    else if (in_heap(p))
        fits_free(p);
    else
        huge_free(p);
}

void mm_free(void *p)
{
    if (!small_fast_free(p))
        free_slow(p);
}

/* ---- realloc, calloc, memalign ---------------------------------------------- */

size_t mm_usable_size(const void *p)
{
    if (!p)
        return 0;
    if (in_small(p))
        return is_span(p) ? span_usable(p) : small_usable(p);
    if (in_heap(p))
        return blk_size((char *)p) - WSIZE;
    return huge_usable(p);
}

/* Keep the block where it is if the new size allows: the same small class, a
 * large block that can shrink or grow into its neighbour or the heap's end, a
 * huge block whose mapping still fits. */
static bool resize_in_place(void *p, size_t size)
{
    if (in_small(p) && is_span(p))
        return span_resize(p, size);
    if (in_small(p))
        return size <= SMALL_MAX && small_class(size) == slab_of(p)->cls;
    if (in_heap(p))
        return fits_resize(p, size);
    return huge_resize(p, size);
}

void *mm_realloc(void *p, size_t size)
{
    if (!p)
        return mm_malloc(size);
    if (size == 0) {
        mm_free(p);
        return NULL;
    }
    if (resize_in_place(p, size))
        return p;
    void *q = in_heap(p) ? fits_slide(p, size) : NULL;
    if (q)
        return q;
    q = mm_malloc(size);
    if (!q)
        return NULL; /* p is untouched, as the C standard requires */
    size_t old = mm_usable_size(p);
    memcpy(q, p, old < size ? old : size);
    mm_free(p);
    return q;
}

void *mm_calloc(size_t nmemb, size_t size)
{
    size_t bytes;
    if (__builtin_mul_overflow(nmemb, size, &bytes)) {
        errno = ENOMEM;
        return NULL;
    }
    void *p = mm_malloc(bytes);
    if (p && (in_small(p) || in_heap(p))) /* a fresh mapping is already zero */
        memset(p, 0, bytes);
    return p;
}

void *mm_memalign(size_t align, size_t size)
{
    if (align == 0 || (align & (align - 1))) {
        errno = EINVAL;
        return NULL;
    }
    if (align <= ALIGN)
        return mm_malloc(size);
    if (!initialised)
        mm_init();
    void *p = NULL;
    if (size < HUGE_MIN && align < HUGE_MIN)
        p = fits_memalign(align, size);
    if (!p)
        p = huge_memalign(align, size);
    if (!p)
        errno = ENOMEM;
    return p;
}

int mm_owns(const void *p) { return initialised && mem_contains(p, 1); }
