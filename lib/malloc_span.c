/* malloc_span.c - medium blocks in runs of empty slabs ("spans").
 *
 * Slabs and the boundary-tag heap are separate regions (malloc.c says why), so
 * a slab that empties in the middle of the slab region cannot hold a large
 * block: a program whose small blocks peak first and whose large blocks peak
 * later would pay for both peaks. A span lends such memory to a large block:
 * k >= 1 consecutive empty slabs become one header-less block of k KiB. The
 * heap is still preferred (a fit that needs no growth); a span is taken only
 * where the heap would otherwise grow, and only from slabs that already count
 * in the footprint (a span never carves a new slab). Spans are page-granular
 * (up to 1023 bytes of rounding), so they serve requests of SPAN_MIN or more.
 *
 *   slab i:     | SPAN_HEAD, pages k | SPAN_TAIL | ... | SPAN_TAIL |
 *               ^ payload (slab i's base, so 1 KiB aligned)
 *
 * Descriptors: the head's cls is SPAN_HEAD and its `next` field holds k; every
 * page's `prev` is the head's slab number, and the tail pages' cls is SPAN_TAIL. Spans are on
 * no list and their pages are not empty; freeing a span empties its pages
 * (and trim_tail may then give them back to the region).
 *
 * Invariants (verified by heapcheck.c):
 *   P1 a SPAN_HEAD slab i with k pages is followed by exactly k - 1 SPAN_TAIL
 *      slabs; all k have prev == i, all below nslabs; no SPAN_TAIL elsewhere;
 *   P2 a span's payload is its head slab's base; nothing else is handed out.
 */
#include "malloc_internal.h"

static uint32_t span_pages_for(size_t size) { return (uint32_t)((size + SLAB_BYTES - 1) >> SLAB_SHIFT); }

bool is_span(const void *p)
{
    struct slab *s = slab_of(p);
    return s->cls == SPAN_HEAD && p == slab_base(s);
}

size_t span_usable(const void *p) { return (size_t)slab_of(p)->next << SLAB_SHIFT; }

/* Empty slabs [from, to) join the span whose head is slab `head`. */
static void span_claim(uint32_t head, uint32_t from, uint32_t to)
{
    for (uint32_t i = from; i < to; i++) {
        small_take_empty(i);
        *slab_at(i) = (struct slab){.cls = i == head ? SPAN_HEAD : SPAN_TAIL, .prev = head};
    }
    slab_at(head)->next = to - head;
}

void *span_alloc(size_t size)
{
    uint32_t k = span_pages_for(size), first;
    if (size < SPAN_MIN || size >= HUGE_MIN || !small_find_empty_run(k, &first))
        return NULL;
    span_claim(first, first, first + k);
    return slab_base(slab_at(first));
}

/* Pages [from, to) of a span go back to the empty slabs, highest first so that
 * trim_tail can take the region's end back in one go. */
static void span_release(uint32_t from, uint32_t to)
{
    for (uint32_t i = to; i-- > from;)
        small_put_empty(slab_at(i));
}

void span_free(void *p)
{
    if (!is_span(p))
        mm_invalid_pointer("free", p);
    struct slab *s = slab_of(p);
    span_release(slab_no(s), slab_no(s) + s->next);
}

/* realloc in place: shrink by giving back whole pages, grow into the empty
 * slabs that follow. A request that became small leaves the span. */
bool span_resize(void *p, size_t size)
{
    struct slab *s = slab_of(p);
    uint32_t first = slab_no(s), k = s->next, want = span_pages_for(size);
    if (size <= SMALL_MAX || size >= HUGE_MIN)
        return false;
    if (want > k && !small_empty_range(first + k, want - k))
        return false;
    if (want > k)
        span_claim(first, first + k, first + want);
    else
        span_release(first + want, first + k);
    s->next = want;
    return true;
}
