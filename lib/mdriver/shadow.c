/* shadow.c - granule bitmaps per memlib region, intervals for mappings.
 * See shadow.h. Bitmaps grow (by remapping) as their region grows. */
#include "shadow.h"
#include "memlib.h"
#include "trace.h"

#include <stdint.h>
#include <string.h>

struct bitmap {
    uint64_t *bits;
    size_t words;
};

struct interval {
    uintptr_t lo, hi;
};

enum { MAX_INTERVALS = 4096 };

static struct {
    struct bitmap map[2]; /* MEM_HEAP, MEM_SLABS */
    struct interval *iv;
    size_t niv;
} sh;

static bool bitmap_fit(struct bitmap *b, size_t last_bit)
{
    size_t need = last_bit / 64 + 1;
    if (need <= b->words)
        return true;
    size_t words = need * 2;
    uint64_t *bits = drv_alloc(words * 8);
    if (!bits)
        return false;
    if (b->bits)
        memcpy(bits, b->bits, b->words * 8);
    drv_free(b->bits, b->words * 8);
    b->bits = bits;
    b->words = words;
    return true;
}

/* Mask of bits lo..hi (inclusive) within one word. */
static uint64_t word_mask(unsigned lo, unsigned hi)
{
    uint64_t upto = hi == 63 ? ~0ull : (1ull << (hi + 1)) - 1;
    return upto & (~0ull << lo);
}

static bool bits_any(const struct bitmap *b, size_t g0, size_t g1)
{
    for (size_t w = g0 / 64; w <= g1 / 64; w++) {
        unsigned lo = w == g0 / 64 ? g0 % 64 : 0, hi = w == g1 / 64 ? g1 % 64 : 63;
        if (b->bits[w] & word_mask(lo, hi))
            return true;
    }
    return false;
}

static void bits_set(struct bitmap *b, size_t g0, size_t g1, bool on)
{
    for (size_t w = g0 / 64; w <= g1 / 64; w++) {
        unsigned lo = w == g0 / 64 ? g0 % 64 : 0, hi = w == g1 / 64 ? g1 % 64 : 63;
        if (on)
            b->bits[w] |= word_mask(lo, hi);
        else
            b->bits[w] &= ~word_mask(lo, hi);
    }
}

/* Region index (0 heap, 1 slabs) holding [p, p+n), or -1. */
static int region_of(uintptr_t p, size_t n)
{
    static const enum mem_region which[2] = {MEM_HEAP, MEM_SLABS};
    for (int i = 0; i < 2; i++) {
        uintptr_t lo = (uintptr_t)mem_region_lo(which[i]), hi = (uintptr_t)mem_region_hi(which[i]);
        if (lo && p >= lo && p + n <= hi)
            return i;
    }
    return -1;
}

static bool interval_claim(uintptr_t lo, uintptr_t hi)
{
    if (!sh.iv && !(sh.iv = drv_alloc(MAX_INTERVALS * sizeof *sh.iv)))
        return false;
    for (size_t i = 0; i < sh.niv; i++)
        if (lo < sh.iv[i].hi && sh.iv[i].lo < hi)
            return false;
    if (sh.niv == MAX_INTERVALS)
        return false;
    sh.iv[sh.niv++] = (struct interval){lo, hi};
    return true;
}

static void interval_release(uintptr_t lo)
{
    for (size_t i = 0; i < sh.niv; i++)
        if (sh.iv[i].lo == lo) {
            sh.iv[i] = sh.iv[--sh.niv];
            return;
        }
}

bool shadow_claim(const void *ptr, size_t n)
{
    uintptr_t p = (uintptr_t)ptr;
    if (n == 0)
        return true;
    int r = region_of(p, n);
    if (r < 0)
        return interval_claim(p, p + n);
    uintptr_t lo = (uintptr_t)mem_region_lo(r == 0 ? MEM_HEAP : MEM_SLABS);
    size_t g0 = (p - lo) / 16, g1 = (p + n - 1 - lo) / 16;
    struct bitmap *b = &sh.map[r];
    if (!bitmap_fit(b, g1) || bits_any(b, g0, g1))
        return false;
    bits_set(b, g0, g1, true);
    return true;
}

void shadow_release(const void *ptr, size_t n)
{
    uintptr_t p = (uintptr_t)ptr;
    if (n == 0)
        return;
    int r = region_of(p, n);
    if (r < 0) {
        interval_release(p);
        return;
    }
    uintptr_t lo = (uintptr_t)mem_region_lo(r == 0 ? MEM_HEAP : MEM_SLABS);
    size_t g0 = (p - lo) / 16, g1 = (p + n - 1 - lo) / 16;
    if (g1 / 64 < sh.map[r].words)
        bits_set(&sh.map[r], g0, g1, false);
}

void shadow_reset(void)
{
    for (int i = 0; i < 2; i++)
        if (sh.map[i].bits)
            memset(sh.map[i].bits, 0, sh.map[i].words * 8);
    sh.niv = 0;
}

void shadow_destroy(void)
{
    for (int i = 0; i < 2; i++) {
        drv_free(sh.map[i].bits, sh.map[i].words * 8);
        sh.map[i] = (struct bitmap){0};
    }
    drv_free(sh.iv, MAX_INTERVALS * sizeof *sh.iv);
    sh.iv = NULL;
    sh.niv = 0;
}
