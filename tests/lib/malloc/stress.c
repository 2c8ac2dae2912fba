/* stress.c - randomised stress of the allocator core against a shadow model.
 *
 *   stress [OPS [SEED]]      default 2,000,000 operations, seed 1
 *
 * The model: SLOTS slots, each empty or holding (pointer, size, tag). Each
 * step picks a slot: an empty one gets malloc, calloc or memalign (of a size
 * drawn from a mix of small, large and huge); a full one is freed, realloc'ed,
 * or has its contents verified. Every payload holds a pattern derived from its
 * tag, so any byte the allocator clobbers (metadata written into a live block,
 * two blocks overlapping, realloc losing data) is found. Big payloads are
 * patterned on their first and last 4 KiB and every 4 KiB between, to keep
 * the run short. mm_checkheap runs every CHECK_EVERY steps and at the end;
 * after freeing everything the heap must be one free block (or none).
 * Prints PASS/FAIL malloc/stress.
 */
#include "include/pagoda_malloc.h"
#include "malloc_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { SLOTS = 4096, CHECK_EVERY = 100000, DENSE = 8192, STRIDE = 4096 };

struct slot {
    unsigned char *p;
    size_t size;
    uint32_t tag;
};

static struct slot slot[SLOTS];
static uint64_t rng_state;
static uint32_t next_tag = 1;
static long step;

static uint64_t rng(void)
{
    uint64_t s = rng_state;
    s ^= s >> 12;
    s ^= s << 25;
    s ^= s >> 27;
    rng_state = s;
    return s * 0x2545f4914f6cdd1dull;
}

static size_t pick_size(void)
{
    unsigned r = (unsigned)(rng() % 1000);
    if (r < 550)
        return rng() % 129; /* small, including 0 */
    if (r < 850)
        return 129 + rng() % 4000;
    if (r < 985)
        return 4129 + rng() % 60000;
    if (r < 997)
        return 64 * 1024 + rng() % (200 * 1024);
    return 256 * 1024 + rng() % (2u << 20); /* huge */
}

static unsigned char pattern(uint32_t tag, size_t i) { return (unsigned char)(tag * 131u + i * 7u + (i >> 8)); }

/* The offsets of an n-byte payload that carry the pattern: all of a small
 * payload; the first and last STRIDE bytes and every STRIDE-th byte of a big one.
 * Returns the first such offset >= i. */
static size_t next_patterned(size_t n, size_t i)
{
    if (n <= DENSE || i < STRIDE || i >= n - STRIDE || i % STRIDE == 0)
        return i;
    size_t j = i + STRIDE - i % STRIDE;
    return j < n - STRIDE ? j : n - STRIDE;
}

/* Call fn on every patterned offset below `upto` of a payload of n bytes. */
static bool each_offset(size_t n, size_t upto, bool (*fn)(struct slot *, size_t), struct slot *s)
{
    for (size_t i = next_patterned(n, 0); i < upto; i = next_patterned(n, i + 1))
        if (!fn(s, i))
            return false;
    return true;
}

static bool put(struct slot *s, size_t i)
{
    s->p[i] = pattern(s->tag, i);
    return true;
}

static bool same(struct slot *s, size_t i) { return s->p[i] == pattern(s->tag, i); }

static bool fail(const char *what, struct slot *s)
{
    printf("FAIL malloc/stress: step %ld: %s (block %p, %zu bytes, tag %u)\n", step, what,
           (void *)s->p, s->size, s->tag);
    return false;
}

static bool fresh_block(struct slot *s, size_t n)
{
    unsigned how = (unsigned)(rng() % 10);
    if (how < 7)
        s->p = mm_malloc(n);
    else if (how < 9)
        s->p = mm_calloc(1, n);
    else
        s->p = mm_memalign((size_t)32 << (rng() % 8), n);
    s->size = n;
    s->tag = next_tag++;
    if (!s->p || (uintptr_t)s->p % 16 || mm_usable_size(s->p) < n)
        return fail("bad fresh block", s);
    if (how >= 7 && how < 9)
        for (size_t i = 0; i < n; i++)
            if (s->p[i])
                return fail("calloc block not zero", s);
    return each_offset(n, n, put, s);
}

static bool resize_block(struct slot *s)
{
    size_t n = pick_size(), keep = n < s->size ? n : s->size;
    if (!each_offset(s->size, s->size, same, s))
        return fail("payload changed before realloc", s);
    unsigned char *q = mm_realloc(s->p, n ? n : 1);
    if (!q)
        return fail("realloc failed", s);
    s->p = q;
    if (!each_offset(s->size, keep, same, s)) /* the kept prefix must have moved intact */
        return fail("realloc lost contents", s);
    s->size = n ? n : 1;
    s->tag = next_tag++; /* re-pattern under a new tag */
    return each_offset(s->size, s->size, put, s);
}

static bool one_step(void)
{
    struct slot *s = &slot[rng() % SLOTS];
    if (!s->p)
        return fresh_block(s, pick_size());
    unsigned what = (unsigned)(rng() % 10);
    if (what < 5) {
        if (!each_offset(s->size, s->size, same, s))
            return fail("payload changed before free", s);
        mm_free(s->p);
        s->p = NULL;
        return true;
    }
    if (what < 8)
        return resize_block(s);
    return each_offset(s->size, s->size, same, s) || fail("payload changed", s);
}

static bool heap_empty_after_freeing_all(void)
{
    for (int i = 0; i < SLOTS; i++)
        if (slot[i].p) {
            if (!each_offset(slot[i].size, slot[i].size, same, &slot[i]))
                return fail("payload changed (final sweep)", &slot[i]);
            mm_free(slot[i].p);
            slot[i].p = NULL;
        }
    char *first = fits.start;
    bool one_free = first == fits.end || (!blk_alloc(first) && next_blk(first) == fits.end);
    if (!one_free) {
        printf("FAIL malloc/stress: heap not a single free block after freeing everything\n");
        return false;
    }
    return true;
}

int main(int argc, char **argv)
{
    long ops = argc > 1 ? atol(argv[1]) : 2000000;
    rng_state = (argc > 2 ? strtoull(argv[2], NULL, 0) : 1) * 0x9e3779b97f4a7c15ull + 1;
    setvbuf(stdout, NULL, _IOLBF, 0);
    mem_init(MEM_ARENA);
    mm_init();
    for (step = 0; step < ops; step++) {
        if (!one_step())
            return 1;
        if (step % CHECK_EVERY == 0 && mm_checkheap(0)) {
            printf("FAIL malloc/stress: mm_checkheap failed at step %ld\n", step);
            return 1;
        }
    }
    if (!heap_empty_after_freeing_all() || mm_checkheap(0)) {
        printf("FAIL malloc/stress: final state\n");
        return 1;
    }
    printf("PASS malloc/stress (%ld operations, peak footprint %zu bytes)\n", ops,
           mem_peak_footprint());
    return 0;
}
