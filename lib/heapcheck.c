/* heapcheck.c - mm_checkheap: verify every invariant the allocator states.
 *
 * One function per structure, each named after the invariants it checks
 * (F* in malloc_fits.c, S* in malloc_small.c, memlib's in memlib.h). Every
 * violation prints one line naming the invariant and the block; the total is
 * returned. Walks are bounded by counts taken first, so a corrupted list with
 * a cycle is reported, not followed forever. Cost: O(heap) - call it from
 * tests and from the trace driver's -c mode, not from production code.
 */
#include "include/pagoda_malloc.h"
#include "malloc_internal.h"
#include "malloc_report.h"

struct heap_walk {
    size_t blocks, free_blocks, free_bytes;
};

/* ---- large heap: F1-F4 by walking blocks in address order ---------------- */

static int check_block(char *bp, bool prev_alloc, bool prev_free_seen)
{
    int bad = 0;
    size_t size = blk_size(bp);
    if ((uintptr_t)bp % ALIGN || size % ALIGN || size < MIN_BLOCK)
        return mm_report("F1: block %p: size %zu or alignment broken", (void *)bp, size);
    if ((size_t)(fits.end - bp) < size)
        return mm_report("F1: block %p (size %zu) runs past the heap end %p",
                         (void *)bp, size, (void *)fits.end);
    if (blk_prev_alloc(bp) != prev_alloc)
        bad += mm_report("F2: block %p: PREV_ALLOC is %d, previous block is %s",
                         (void *)bp, blk_prev_alloc(bp), prev_alloc ? "allocated" : "free");
    if (!blk_alloc(bp) && *ftr(bp) != *hdr(bp))
        bad += mm_report("F3: free block %p: header %#lx != footer %#lx", (void *)bp,
                         (unsigned long)*hdr(bp), (unsigned long)*ftr(bp));
    if (!blk_alloc(bp) && prev_free_seen)
        bad += mm_report("F4: free block %p follows a free block (missed coalescing)",
                         (void *)bp);
    return bad;
}

static int walk_heap(struct heap_walk *w)
{
    int bad = 0;
    bool prev_alloc = true;
    char *bp = fits.start;
    if (fits.start != mem_heap_lo() + 2 * WSIZE || fits.end != mem_heap_hi())
        return mm_report("F1: heap bounds %p-%p disagree with memlib's %p-%p",
                         (void *)fits.start, (void *)fits.end, (void *)mem_heap_lo(),
                         (void *)mem_heap_hi());
    while (bp < fits.end) {
        int b = check_block(bp, prev_alloc, !prev_alloc);
        bad += b;
        if (b && (blk_size(bp) < MIN_BLOCK || (size_t)(fits.end - bp) < blk_size(bp)))
            return bad; /* cannot find the next block */
        w->blocks++;
        if (!blk_alloc(bp)) {
            w->free_blocks++;
            w->free_bytes += blk_size(bp);
        }
        prev_alloc = blk_alloc(bp);
        bp = next_blk(bp);
    }
    if (bp != fits.end || *hdr(fits.end) != pack(0, ALLOC | (prev_alloc ? PREV_ALLOC : 0)))
        bad += mm_report("F1: epilogue at %p broken (header %#lx)", (void *)fits.end,
                         (unsigned long)*hdr(fits.end));
    return bad;
}

/* ---- large heap: F5-F6 by walking every free list ------------------------ */

static int check_list_entry(unsigned c, char *bp, char *prev)
{
    if (!in_heap(bp) || (uintptr_t)bp % ALIGN)
        return mm_report("F5: list %u: entry %p is not a block in the heap", c, (void *)bp);
    if (blk_alloc(bp))
        return mm_report("F5: list %u: block %p is allocated", c, (void *)bp);
    if (fit_class(blk_size(bp)) != c)
        return mm_report("F5: list %u: block %p of size %zu belongs on list %u", c,
                         (void *)bp, blk_size(bp), fit_class(blk_size(bp)));
    if (links(bp)->prev != prev)
        return mm_report("F5: list %u: block %p: prev link %p, expected %p", c, (void *)bp,
                         (void *)links(bp)->prev, (void *)prev);
    return 0;
}

static int check_lists(const struct heap_walk *w)
{
    int bad = 0;
    size_t listed = 0;
    for (unsigned c = 0; c < NCLASSES; c++) {
        bool bit = fits.nonempty[c / 64] >> (c % 64) & 1;
        if (bit != (fits.free_head[c] != NULL))
            bad += mm_report("F6: list %u: bitmap bit %d but head %p", c, bit,
                             (void *)fits.free_head[c]);
        char *prev = NULL;
        for (char *bp = fits.free_head[c]; bp; prev = bp, bp = links(bp)->next) {
            if (++listed > w->free_blocks)
                return bad + mm_report("F5: lists hold more entries than the heap has "
                                       "free blocks (%zu): a cycle or a stale entry",
                                       w->free_blocks);
            int b = check_list_entry(c, bp, prev);
            if (b)
                return bad + b;
        }
    }
    if (listed != w->free_blocks)
        bad += mm_report("F5: %zu free blocks in the heap but %zu on lists", w->free_blocks,
                         listed);
    return bad;
}

/* ---- slabs: S1-S6, spans: P1 ---------------------------------------------------------- */

static int check_slab_slots(struct slab *s)
{
    unsigned size = 16u * s->cls, slots = small_slots[s->cls], nfree = 0;
    uint64_t seen = 0;
    if (s->used > slots || s->fresh % size || s->fresh > slots * size)
        return mm_report("S2: slab %u (class %u): used %u, fresh %u out of range",
                         slab_no(s), size, s->used, s->fresh);
    for (unsigned off = s->free; off != SLOT_NIL; off = *slot_link(slab_base(s) + off)) {
        unsigned i = off / size;
        if (off % size || off >= s->fresh || (seen >> i & 1))
            return mm_report("S3: slab %u (class %u): bad or repeated free slot offset %u",
                             slab_no(s), size, off);
        seen |= 1ull << i;
        nfree++;
    }
    if (s->used + nfree + (slots - s->fresh / size) != slots)
        return mm_report("S2: slab %u (class %u): %u used + %u free + %u fresh != %u slots",
                         slab_no(s), size, s->used, nfree, slots - s->fresh / size, slots);
    return 0;
}

/* Walk one list (an avail list or the empty list) and count its slabs;
 * every member must have class cls and, for avail lists, a free slot (S1). */
static int check_slab_list(struct slab *head, unsigned cls, uint32_t *count)
{
    uint32_t prev = SLAB_NIL, n = 0;
    for (struct slab *s = head; s; s = s->next == SLAB_NIL ? NULL : slab_at(s->next)) {
        if (++n > small.nslabs)
            return mm_report("S1: list of class %u has a cycle", cls);
        if (slab_no(s) >= small.nslabs || s->prev != prev || s->cls != cls)
            return mm_report("S1: list of class %u: slab %u misplaced (class %u, prev %u)",
                             cls, slab_no(s), s->cls, s->prev);
        if (cls && s->used == 0 && (s != head || s->next != SLAB_NIL))
            return mm_report("S4: class %u: empty slab %u is not alone on its list", cls,
                             slab_no(s));
        prev = slab_no(s);
    }
    *count = n;
    return 0;
}

/* S1 for empty slabs: bit i of empty_bits is set iff slab i exists and has
 * class 0; S6: the last slab is not empty (trim_tail gave it back). */
static int check_empty_bits(void)
{
    for (uint32_t i = 0; i < small.nslabs; i++) {
        bool bit = small.empty_bits[i / 64] >> (i % 64) & 1;
        if (bit != (slab_at(i)->cls == 0))
            return mm_report("S1: slab %u: empty bit %d, but its class is %u", i, bit,
                             slab_at(i)->cls);
        if (bit && i < small.empty_lo * 64)
            return mm_report("S1: empty slab %u below the hint (word %u)", i, small.empty_lo);
    }
    uint64_t beyond = small.nslabs % 64 ? small.empty_bits[small.nslabs / 64] >> (small.nslabs % 64) : 0;
    for (uint32_t w = (small.nslabs + 63) / 64; w < MAX_SLABS / 64; w++)
        beyond |= small.empty_bits[w];
    if (beyond)
        return mm_report("S1: empty bits set past the last slab (%u)", small.nslabs);
    if (small.nslabs && slab_at(small.nslabs - 1)->cls == 0)
        return mm_report("S6: the last slab (%u) is empty but was not given back",
                         small.nslabs - 1);
    return 0;
}

/* P1 of malloc_span.c: the head at i, then its tail pages, all naming i. */
static int check_span(uint32_t i)
{
    uint32_t k = slab_at(i)->next;
    if (k == 0 || i + k > small.nslabs)
        return mm_report("P1: span at slab %u: %u pages, %u slabs in all", i, k, small.nslabs);
    for (uint32_t j = i; j < i + k; j++)
        if (slab_at(j)->prev != i || (j > i && slab_at(j)->cls != SPAN_TAIL))
            return mm_report("P1: span at slab %u: page %u has class %u, head %u", i, j,
                             slab_at(j)->cls, slab_at(j)->prev);
    return 0;
}

static int check_slabs(void)
{
    int bad = 0;
    uint32_t should[NSMALL + 1] = {0}, listed = 0;
    if (small.limit != (uintptr_t)small.nslabs * SLAB_BYTES ||
        (small.base && (mem_region_hi(MEM_SLABS) - small.base != (ptrdiff_t)small.limit ||
                        mem_region_hi(MEM_SLAB_META) - (char *)small.meta !=
                            (ptrdiff_t)(small.nslabs * sizeof(struct slab)))))
        return mm_report("S5: %u slabs but regions hold %td and %td bytes", small.nslabs,
                         mem_region_hi(MEM_SLABS) - small.base,
                         mem_region_hi(MEM_SLAB_META) - (char *)small.meta);
    for (uint32_t i = 0; i < small.nslabs; i++) {
        struct slab *s = slab_at(i);
        if (s->cls == SPAN_HEAD) {
            bad += check_span(i);
            i += s->next - 1;
            continue;
        }
        if (s->cls > NSMALL || (s->cls == 0 && s->used))
            bad += mm_report("S1: slab %u: class %u, used %u", i, s->cls, s->used);
        else if (s->cls)
            bad += check_slab_slots(s);
        unsigned c = s->cls <= NSMALL ? s->cls : 0;
        if (c == 0 || s->used < small_slots[c])
            should[c]++;
    }
    for (unsigned c = 1; c <= NSMALL; c++) {
        int b = check_slab_list(small.avail[c], c, &listed);
        if (!b && listed != should[c])
            b = mm_report("S1: class %u: %u slabs on its list, %u should be", c, listed,
                          should[c]);
        bad += b;
    }
    return bad + check_empty_bits();
}

/* ---- everything ------------------------------------------------------------ */

int mm_checkheap(int verbose)
{
    if (!mm_initialised())
        return 0;
    struct heap_walk w = {0};
    int bad = mem_check();
    if (fits.end) {
        int b = walk_heap(&w);
        bad += b ? b : check_lists(&w);
    }
    bad += check_slabs();
    if (verbose)
        mm_report("heap: %zu bytes, %zu blocks, %zu free (%zu bytes); %u slabs; "
                  "footprint %zu; %d problem(s)",
                  (size_t)(fits.end - fits.start), w.blocks, w.free_blocks, w.free_bytes,
                  small.nslabs, mem_footprint(), bad);
    return bad;
}
