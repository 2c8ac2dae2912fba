/* malloc_fits.c - large requests: segregated fits over a boundary-tag heap
 * (CS:APP 9.9.10-9.9.14). The block format is drawn in malloc_internal.h.
 *
 * Free-list organisation. 128 explicit, doubly linked lists (next/prev live in
 * the free block's payload). Below 1 KiB there is one list per block size, so
 * a request of such a size is served by popping the head of its list. Above,
 * each power of two is cut into 8 lists (1024-1151, 1152-1279, ...), and a
 * bitmap says which lists are non-empty, so finding "the next list that has
 * anything" is a find-first-set, not a loop over lists.
 *
 * Placement. Look in the request's own list first: exact lists take the head,
 * range lists take the first block that is big enough (first fit within a
 * list that spans only 1/8 of a power of two is close to best fit). Failing
 * that, the head of the next non-empty list fits by construction. Failing
 * that, the heap grows (see extend_heap).
 *
 * Splitting. When the chosen block is at least 32 bytes (a minimum block)
 * larger than needed, the tail becomes a new free block.
 *
 * Coalescing. Immediate, on every free, using the boundary tags: the next
 * block's header says if it is free; our PREV_ALLOC bit says if the previous
 * one is, and if so its footer gives its size.
 *
 * Invariants (verified by heapcheck.c):
 *   F1 blocks tile [start, end) exactly; sizes are multiples of 16 and >= 32;
 *      every bp is 16-aligned; the epilogue header (size 0, ALLOC) ends the heap;
 *   F2 each block's PREV_ALLOC bit equals the ALLOC bit of the block before it
 *      (the first block has PREV_ALLOC set);
 *   F3 a free block's footer equals its header;
 *   F4 no two free blocks are adjacent (coalescing is immediate);
 *   F5 every free block is on exactly one list, the one fit_class(size) names,
 *      and every list entry is a free block inside the heap; next->prev == self;
 *   F6 bit c of nonempty is set iff list c is non-empty.
 */
#include "malloc_internal.h"

#include <string.h>

struct fit_heap fits;

/* ---- boundary tags ------------------------------------------------------ */

static void write_alloc(char *bp, size_t size, unsigned prev_alloc)
{
    *hdr(bp) = pack(size, ALLOC | prev_alloc);
    *hdr(next_blk(bp)) |= PREV_ALLOC;
}

static void write_free(char *bp, size_t size, unsigned prev_alloc)
{
    *hdr(bp) = pack(size, prev_alloc);
    *ftr(bp) = *hdr(bp);
    *hdr(next_blk(bp)) &= ~(word_t)PREV_ALLOC;
}

static unsigned prev_alloc_bit(char *bp) { return blk_prev_alloc(bp) ? PREV_ALLOC : 0; }

/* ---- free lists ------------------------------------------------------------ */

static void list_insert(char *bp)
{
    unsigned c = fit_class(blk_size(bp));
    char *head = fits.free_head[c];
    *links(bp) = (struct free_links){.next = head, .prev = NULL};
    if (head)
        links(head)->prev = bp;
    fits.free_head[c] = bp;
    fits.nonempty[c / 64] |= 1ull << (c % 64);
}

static void list_remove(char *bp)
{
    unsigned c = fit_class(blk_size(bp));
    struct free_links *l = links(bp);
    if (l->prev)
        links(l->prev)->next = l->next;
    else
        fits.free_head[c] = l->next;
    if (l->next)
        links(l->next)->prev = l->prev;
    if (!fits.free_head[c])
        fits.nonempty[c / 64] &= ~(1ull << (c % 64));
}

/* The first non-empty list at or after c, or NCLASSES. */
static unsigned next_nonempty(unsigned c)
{
    for (unsigned w = c / 64; w < NCLASSES / 64; w++) {
        uint64_t bits = fits.nonempty[w];
        if (w == c / 64)
            bits &= ~0ull << (c % 64);
        if (bits)
            return w * 64 + (unsigned)__builtin_ctzll(bits);
    }
    return NCLASSES;
}

/* ---- coalescing -------------------------------------------------------- */

/* bp is free with valid tags and on no list. Merge it with free neighbours
 * (taking them off their lists) and return the merged block, on no list. */
static char *coalesce(char *bp)
{
    size_t size = blk_size(bp);
    char *next = next_blk(bp);
    if (!blk_alloc(next)) {
        list_remove(next);
        size += blk_size(next);
    }
    if (!blk_prev_alloc(bp)) {
        bp = prev_blk(bp);
        list_remove(bp);
        size += blk_size(bp);
    }
    write_free(bp, size, prev_alloc_bit(bp));
    return bp;
}

/* ---- the heap's end -------------------------------------------------------- */

void fits_init(void)
{
    char *lo = mem_sbrk(2 * WSIZE); /* alignment pad, then the epilogue header */
    fits = (struct fit_heap){0};
    if (lo == (void *)-1)
        return; /* no heap: every request goes to slabs or mappings */
    fits.start = fits.end = lo + 2 * WSIZE;
    *hdr(fits.end) = pack(0, ALLOC | PREV_ALLOC);
}

/* Make the last block a free block of at least `need` bytes and return it, on
 * no list. If the last block is already free, only the difference is asked of
 * memlib: the heap grows by exactly what is missing, never by a fixed chunk
 * (memlib, not the allocator, decides how the kernel's break moves). */
static char *extend_heap(size_t need)
{
    if (!fits.end)
        return NULL;
    char *bp = fits.end; /* the old epilogue header becomes the new block's */
    size_t have = blk_prev_alloc(bp) ? 0 : blk_size(prev_blk(bp));
    size_t incr = need > have ? need - have : 0;
    if (incr && mem_sbrk((intptr_t)incr) == (void *)-1)
        return NULL;
    if (!incr) {
        bp = prev_blk(bp);
        list_remove(bp);
        return bp;
    }
    fits.end = bp + incr;
    *hdr(fits.end) = pack(0, ALLOC); /* new epilogue; write_free fixes nothing here */
    write_free(bp, incr, prev_alloc_bit(bp));
    return coalesce(bp);
}

/* ---- placement and splitting -------------------------------------------------- */

/* Find a free block of at least asize bytes and take it off its list. */
static char *take_fit(size_t asize)
{
    unsigned c = fit_class(asize);
    char *bp = fits.free_head[c];
    if (c >= EXACT_LIMIT / 16) /* a range list: first fit within it */
        while (bp && blk_size(bp) < asize)
            bp = links(bp)->next;
    if (!bp) {
        c = next_nonempty(c + 1);
        if (c == NCLASSES)
            return NULL;
        bp = fits.free_head[c]; /* every block of a later list is big enough */
    }
    list_remove(bp);
    return bp;
}

/* bp is free and on no list: allocate its first asize bytes and return the
 * rest, if it can be a block of its own, to the free lists. */
static void place(char *bp, size_t asize)
{
    size_t size = blk_size(bp);
    if (size - asize < MIN_BLOCK) {
        write_alloc(bp, size, prev_alloc_bit(bp));
        return;
    }
    write_alloc(bp, asize, prev_alloc_bit(bp));
    char *rest = next_blk(bp);
    write_free(rest, size - asize, PREV_ALLOC);
    list_insert(rest);
}

/* A block from the free lists, or NULL: never grows the heap. */
void *fits_take(size_t size)
{
    if (size > (SIZE_MAX >> 2))
        return NULL;
    size_t asize = adjust_size(size);
    char *bp = take_fit(asize);
    if (bp)
        place(bp, asize);
    return bp;
}

void *fits_alloc(size_t size)
{
    char *bp = fits_take(size);
    if (bp || size > (SIZE_MAX >> 2))
        return bp;
    size_t asize = adjust_size(size);
    bp = extend_heap(asize);
    if (!bp)
        return NULL;
    place(bp, asize);
    return bp;
}

void fits_free(void *ptr)
{
    char *bp = ptr;
    if (!blk_alloc(bp)) /* cheap catch of the commonest double free */
        mm_invalid_pointer("free", bp);
    write_free(bp, blk_size(bp), prev_alloc_bit(bp));
    list_insert(coalesce(bp));
}

/* ---- realloc in place ---------------------------------------------------------- */

/* Cut an allocated block down to asize bytes; a tail of 32 bytes or more is
 * freed (and merged with a free successor). */
static void shrink(char *bp, size_t asize)
{
    size_t size = blk_size(bp);
    if (size - asize < MIN_BLOCK)
        return;
    *hdr(bp) = pack(asize, ALLOC | prev_alloc_bit(bp));
    char *rest = next_blk(bp);
    write_free(rest, size - asize, PREV_ALLOC);
    list_insert(coalesce(rest));
}

/* Grow an allocated block to at least asize bytes without moving it: absorb a
 * free successor, and if the block (or its free successor) is the last in the
 * heap, extend the heap by the difference. False when neither works. */
static bool grow(char *bp, size_t asize)
{
    char *next = next_blk(bp);
    bool next_free = !blk_alloc(next);
    size_t room = blk_size(bp) + (next_free ? blk_size(next) : 0);
    bool last = next == fits.end || (next_free && next_blk(next) == fits.end);
    if (room < asize && !last)
        return false;
    if (room < asize) {
        if (!extend_heap(asize - blk_size(bp))) /* merges with a free `next` */
            return false;
    } else {
        list_remove(next);
    }
    size_t size = blk_size(bp) + blk_size(next_blk(bp));
    write_alloc(bp, size, prev_alloc_bit(bp));
    return true;
}

bool fits_resize(void *ptr, size_t size)
{
    char *bp = ptr;
    if (size > (SIZE_MAX >> 2))
        return false;
    size_t asize = adjust_size(size);
    if (asize > blk_size(bp) && !grow(bp, asize))
        return false;
    shrink(bp, asize);
    return true;
}

/* Grow an allocated block that cannot grow in place into its free
 * predecessor (and free successor): slide the payload down with memmove.
 * A buffer that grows by "allocate bigger, copy, free" leaves a free block
 * behind it; this takes it back instead of leaving a hole. NULL: no room. */
void *fits_slide(void *ptr, size_t size)
{
    char *bp = ptr;
    if (size > (SIZE_MAX >> 2) || blk_prev_alloc(bp))
        return NULL;
    size_t asize = adjust_size(size), old = blk_size(bp) - WSIZE;
    char *prev = prev_blk(bp), *next = next_blk(bp);
    bool next_free = !blk_alloc(next);
    size_t room = blk_size(prev) + blk_size(bp) + (next_free ? blk_size(next) : 0);
    if (room < asize)
        return NULL;
    list_remove(prev);
    if (next_free)
        list_remove(next);
    memmove(prev, bp, old < size ? old : size);
    write_alloc(prev, room, prev_alloc_bit(prev));
    shrink(prev, asize);
    return prev;
}

/* ---- aligned blocks -------------------------------------------------------------- */

/* align > 16. Allocate enough to find an aligned payload at least a minimum
 * block past the start, free the gap in front, trim the tail. */
void *fits_memalign(size_t align, size_t size)
{
    if (size > (SIZE_MAX >> 2) || align > (SIZE_MAX >> 2))
        return NULL;
    char *bp = fits_alloc(size + align + MIN_BLOCK);
    if (!bp)
        return NULL;
    char *abp = (char *)align_up((uintptr_t)bp, align);
    if (abp != bp) {
        if ((size_t)(abp - bp) < MIN_BLOCK)
            abp += align;
        size_t gap = (size_t)(abp - bp), total = blk_size(bp);
        *hdr(abp) = pack(total - gap, ALLOC); /* previous (the gap) is free */
        write_free(bp, gap, prev_alloc_bit(bp));
        list_insert(coalesce(bp));
    }
    shrink(abp, adjust_size(size));
    return abp;
}
