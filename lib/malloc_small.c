/* malloc_small.c - small requests (<= 128 bytes): size-class slabs.
 *
 * This is CS:APP 9.9.14's "simple segregated storage" - every slab holds slots
 * of one size, a slot has no header, the size is known from the address - with
 * one change that lets it give memory back: free slots are listed per slab,
 * not per class, and each slab counts its used slots. A slab whose last slot
 * is freed goes to a pool of empty slabs that any class can reuse, so memory
 * freed by one size is not stuck there (binary2-bal frees thousands of
 * 112-byte blocks and then asks for 128-byte ones).
 *
 *   avail[c] -> slab <-> slab <-> ...   class-c slabs with at least one free slot
 *   empty_bits: 0010110000...           slabs with no slot in use (cls == 0)
 *   a full slab is on no list; its first free() puts it back on avail[c].
 *
 * Empty slabs are reused lowest-numbered first, and empty slabs at the end
 * of the region are given back to it (trim_tail): live slabs gather at the
 * start, so when a program's small blocks die the region shrinks, and the
 * footprint can be taken by large blocks instead (phases of a program that
 * alternate between small and large blocks no longer need both peaks).
 *
 * The slot format and the O(1) take/give are in malloc_internal.h; this file
 * is the slow side: finding a slab for a class, and moving slabs between lists.
 *
 * Invariants (verified by heapcheck.c):
 *   (A slab lent to a span, cls SPAN_HEAD or SPAN_TAIL, is on no list and not
 *   empty: malloc_span.c owns it until it is freed.)
 *   S1 a slab is on avail[cls] iff 0 < cls <= NSMALL and used < slots(cls);
 *      its bit in empty_bits is set iff cls == 0 (and then used == 0); no
 *      empty slab lies below word empty_lo of the bitmap;
 *   S2 used + |free list| + (never-used slots past fresh) == slots(cls);
 *   S3 free-list offsets lie below fresh, are multiples of the slot size, no repeats;
 *   S4 a slab with cls != 0 and used == 0 is the only slab on its avail list:
 *      each class keeps one empty slab rather than refilling a slab for every
 *      malloc/free pair, but no more than one.
 *   S5 slabs and descriptors are carved in step: limit == nslabs * SLAB_BYTES;
 *   S6 the last slab is never empty (cls == 0): trim_tail gives it back.
 */
#include "malloc_internal.h"

struct small_heap small;
const uint8_t small_slots[NSMALL + 1] = {0, 64, 32, 21, 16, 12, 10, 9, 8};

void small_init(void)
{
    small = (struct small_heap){
        .base = mem_region_lo(MEM_SLABS),
        .meta = (struct slab *)mem_region_lo(MEM_SLAB_META),
    };
}

/* ---- doubly linked slab lists (links are slab numbers) ------------------ */

static void list_push(struct slab **head, struct slab *s)
{
    s->prev = SLAB_NIL;
    s->next = *head ? slab_no(*head) : SLAB_NIL;
    if (*head)
        (*head)->prev = slab_no(s);
    *head = s;
}

static void list_remove(struct slab **head, struct slab *s)
{
    if (s->prev != SLAB_NIL)
        slab_at(s->prev)->next = s->next;
    else
        *head = s->next != SLAB_NIL ? slab_at(s->next) : NULL;
    if (s->next != SLAB_NIL)
        slab_at(s->next)->prev = s->prev;
}

/* ---- the empty slabs: a bitmap, lowest first ------------------------------ */

static bool empty_test(uint32_t i) { return small.empty_bits[i / 64] >> (i % 64) & 1; }
static void empty_clear(uint32_t i) { small.empty_bits[i / 64] &= ~(1ull << (i % 64)); }

/* Give trailing empty slabs back to the region, so that memory that small
 * blocks no longer need stops counting against the footprint. */
static void trim_tail(void)
{
    while (small.nslabs > 0 && empty_test(small.nslabs - 1)) {
        empty_clear(--small.nslabs);
        small.limit -= SLAB_BYTES;
        mem_region_sbrk(MEM_SLABS, -SLAB_BYTES);
        mem_region_sbrk(MEM_SLAB_META, -(intptr_t)sizeof(struct slab));
    }
}

/* The lowest-numbered empty slab: live slabs gather at the start of the
 * region, empty ones at its end, where trim_tail can release them. */
static struct slab *empty_pop(void)
{
    uint32_t words = (small.nslabs + 63) / 64;
    for (uint32_t w = small.empty_lo; w < words; w++) {
        if (small.empty_bits[w]) {
            uint32_t i = w * 64 + (uint32_t)__builtin_ctzll(small.empty_bits[w]);
            small.empty_lo = w;
            empty_clear(i);
            return slab_at(i);
        }
    }
    small.empty_lo = words;
    return NULL;
}

static void empty_push(struct slab *s)
{
    uint32_t i = slab_no(s);
    s->cls = 0;
    s->used = 0;
    small.empty_bits[i / 64] |= 1ull << (i % 64);
    if (i / 64 < small.empty_lo)
        small.empty_lo = i / 64;
    trim_tail();
}

/* ---- empty slabs lent to spans (malloc_span.c) --------------------------- */

void small_take_empty(uint32_t i) { empty_clear(i); }
void small_put_empty(struct slab *s) { empty_push(s); }

/* Are slabs [from, from + n) all empty (and below the region's end)? */
bool small_empty_range(uint32_t from, uint32_t n)
{
    if (from + n > small.nslabs)
        return false;
    for (uint32_t i = from; i < from + n; i++)
        if (!empty_test(i))
            return false;
    return true;
}

/* The lowest run of n empty slabs: a scan of the bitmap that skips words with
 * no empty slab. Only the slow path of a large request calls it. */
bool small_find_empty_run(uint32_t n, uint32_t *first)
{
    uint32_t run = 0;
    for (uint32_t i = small.empty_lo * 64; i < small.nslabs; i++) {
        if (i % 64 == 0 && !small.empty_bits[i / 64]) {
            run = 0;
            i += 63;
            continue;
        }
        run = empty_test(i) ? run + 1 : 0;
        if (run == n) {
            *first = i + 1 - n;
            return true;
        }
    }
    return false;
}

/* ---- moving slabs between lists ----------------------------------------- */

/* s, the head of its avail list, just handed out its last slot. */
void small_avail_pop(struct slab *s) { list_remove(&small.avail[s->cls], s); }

/* s just got a free slot back after being full. A kept empty slab at the head
 * (S4) is released first: the class is no longer down to one slab. */
void small_avail_push(struct slab *s)
{
    struct slab *head = small.avail[s->cls];
    if (head && head->used == 0) {
        list_remove(&small.avail[s->cls], head);
        empty_push(head);
    }
    list_push(&small.avail[s->cls], s);
}

/* s just became empty. Keep it if it is its class's only slab (S4), so that a
 * program doing malloc/free/malloc/free of one size does not recycle a slab
 * on every call; otherwise any class may have it. */
void small_release(struct slab *s)
{
    if (s->prev == SLAB_NIL && s->next == SLAB_NIL)
        return;
    list_remove(&small.avail[s->cls], s);
    empty_push(s);
}

/* ---- getting a slab for a class ------------------------------------------ */

/* A new slab from the end of the region, and its descriptor (S5). */
static struct slab *slab_carve(void)
{
    if (small.nslabs == MAX_SLABS || mem_region_sbrk(MEM_SLABS, SLAB_BYTES) == (void *)-1)
        return NULL;
    if (mem_region_sbrk(MEM_SLAB_META, sizeof(struct slab)) == (void *)-1) {
        mem_region_sbrk(MEM_SLABS, -SLAB_BYTES);
        return NULL;
    }
    small.limit += SLAB_BYTES;
    return slab_at(small.nslabs++);
}

static struct slab *slab_new(unsigned cls)
{
    struct slab *s = empty_pop();
    if (!s)
        s = slab_carve();
    if (!s)
        return NULL;
    s->cls = (uint8_t)cls;
    s->used = 0;
    s->free = SLOT_NIL;
    s->fresh = 0; /* slots are chained only as they are freed, never up front */
    list_push(&small.avail[cls], s);
    return s;
}

/* The fast path found avail[cls] empty (or size was 0). NULL when no slab can
 * be had: the caller then serves the request from the boundary-tag heap. */
void *small_alloc_slow(size_t size)
{
    unsigned cls = small_class(size ? size : 1);
    struct slab *s = small.avail[cls];
    if (!s)
        s = slab_new(cls);
    return s ? slab_take(s) : NULL;
}
