/* malloc_internal.h - what the allocator's files share: the formats of its
 * three kinds of block and the state that finds them. Read lib/malloc.c first
 * (the design and the invariants); this file is the reference for the bits.
 *
 *   small   <= 128 B   slots in 1 KiB slabs, no header       lib/malloc_small.c
 *   large   the rest   boundary-tag blocks in the heap       lib/malloc_fits.c
 *   huge    >= 256 KiB a mapping each                         lib/malloc_huge.c
 *   span    >= 1 KiB   a run of empty slabs, when the heap would grow   lib/malloc_span.c
 */
#ifndef PAGODA_MALLOC_INTERNAL_H
#define PAGODA_MALLOC_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "memlib.h"

enum {
    ALIGN = 16,           /* every payload is aligned to this */
    SMALL_MAX = 128,      /* requests up to this size are small */
    NSMALL = 8,           /* small classes 1..8: slot size 16 * class */
    SLAB_SHIFT = 10,
    SLAB_BYTES = 1 << SLAB_SHIFT,
    HUGE_MIN = 256 * 1024, /* requests at least this big get their own mapping */
    MAX_SLABS = (64 << 20) >> 10, /* memlib reserves 64 MiB for slabs (memlib.c) */
    NCLASSES = 128,       /* free lists of the large heap */
    EXACT_LIMIT = 1024,   /* large classes below this hold one block size each */
};

static inline size_t align_up(size_t n, size_t a) { return (n + a - 1) & ~(a - 1); }

/* ==== small blocks: slabs ================================================
 *
 * MEM_SLABS is an array of 1 KiB slabs; slab i's descriptor is meta[i] in
 * MEM_SLAB_META (out of line, so a slab is all slots: 1024 / 128 = 8 slots,
 * 1024 / 112 = 9, nothing lost to a header). A slot has no header either: the
 * slab number, hence the descriptor, hence the size, comes from the address.
 *
 *   slab:  | slot | slot | free -> | slot | free -> NIL | fresh ....... |
 *   free slots are chained by a 16-bit offset stored in their first bytes;
 *   slots at and after `fresh` were never handed out (no chaining needed).
 */
enum { SLAB_NIL = 0xffffffffu, SLOT_NIL = 0xffffu };

struct slab {
    uint32_t next, prev; /* neighbours on the class's avail list or the empty list */
    uint16_t free;       /* offset of the first free slot, SLOT_NIL when none */
    uint16_t fresh;      /* offset of the first never-used slot */
    uint8_t cls;         /* slot size is 16 * cls; 0 = empty slab on the empty list */
    uint8_t used;        /* slots handed out */
    uint16_t unused;
};
_Static_assert(sizeof(struct slab) == 16, "slab descriptor is 16 bytes");

struct small_heap {
    char *base;                     /* slab 0 */
    struct slab *meta;              /* descriptor of slab 0 */
    uintptr_t limit;                /* bytes of slabs carved so far */
    uint32_t nslabs;
    struct slab *avail[NSMALL + 1]; /* per class: a slab with a free slot, or NULL */
    uint32_t empty_lo;              /* no empty slab below word empty_lo of empty_bits */
    uint64_t empty_bits[MAX_SLABS / 64]; /* bit i: slab i is empty (cls == 0) */
};
extern struct small_heap small;
extern const uint8_t small_slots[NSMALL + 1]; /* slots per slab, by class */

/* 0 for size 0, which no class serves (avail[0] stays NULL: the slow path
 * turns malloc(0) into malloc(1)). */
static inline unsigned small_class(size_t size) { return (unsigned)((size + 15) >> 4); }
static inline bool in_small(const void *p)
{
    return (uintptr_t)p - (uintptr_t)small.base < small.limit;
}
static inline uint32_t slab_no(const struct slab *s) { return (uint32_t)(s - small.meta); }
static inline struct slab *slab_at(uint32_t i) { return small.meta + i; }
static inline struct slab *slab_of(const void *p)
{
    return small.meta + (((uintptr_t)p - (uintptr_t)small.base) >> SLAB_SHIFT);
}
static inline char *slab_base(const struct slab *s)
{
    return small.base + ((size_t)slab_no(s) << SLAB_SHIFT);
}
static inline uint16_t *slot_link(char *slot) { return (uint16_t *)slot; }

void small_init(void);
void *small_alloc_slow(size_t size);      /* refill the class, then take a slot */
void small_avail_push(struct slab *s);    /* s just got its first free slot */
void small_avail_pop(struct slab *s);     /* s (the head) just became full */
void small_release(struct slab *s);       /* s just became empty */
void small_take_empty(uint32_t i);        /* empty slab i leaves the empty set */
void small_put_empty(struct slab *s);     /* s joins the empty set (may trim the region) */
bool small_empty_range(uint32_t from, uint32_t n);
bool small_find_empty_run(uint32_t n, uint32_t *first);

/* ==== medium blocks in runs of empty slabs (malloc_span.c) ================ */
enum {
    SPAN_HEAD = 0xff, /* slab cls of a span's first page */
    SPAN_TAIL = 0xfe, /* slab cls of its other pages */
    SPAN_MIN = 1024,  /* smaller requests never take a span */
};
void *span_alloc(size_t size);  /* NULL: no run of empty slabs big enough */
void span_free(void *p);
bool span_resize(void *p, size_t size);
bool is_span(const void *p);
size_t span_usable(const void *p);

/* Take a slot from slab s, the head of its class's avail list. O(1). */
static inline void *slab_take(struct slab *s)
{
    char *base = slab_base(s);
    unsigned off = s->free;
    if (off != SLOT_NIL)
        s->free = *slot_link(base + off);
    else {
        off = s->fresh;
        s->fresh = (uint16_t)(off + 16u * s->cls);
    }
    if (++s->used == small_slots[s->cls])
        small_avail_pop(s);
    return base + off;
}

/* Return slot p to its slab. O(1). */
static inline void slab_give(void *p)
{
    struct slab *s = slab_of(p);
    *slot_link(p) = s->free;
    s->free = (uint16_t)((uintptr_t)p - (uintptr_t)slab_base(s));
    if (s->used-- == small_slots[s->cls])
        small_avail_push(s);
    else if (s->used == 0)
        small_release(s);
}

static inline size_t small_usable(const void *p) { return 16u * slab_of(p)->cls; }

/* The fast paths of malloc and free, shared by mm_malloc/mm_free and the libc
 * shim: a slot from the head slab of the class, or NULL (free: false) when
 * the request needs the slow path. */
static inline void *small_fast_alloc(size_t size)
{
    struct slab *s = size <= SMALL_MAX ? small.avail[small_class(size)] : NULL;
    return s ? slab_take(s) : NULL;
}

static inline bool small_fast_free(void *p)
{
    if (!in_small(p) || slab_of(p)->cls > NSMALL) /* a span: the slow path */
        return false;
    slab_give(p);
    return true;
}

/* ==== large blocks: the boundary-tag heap ================================
 *
 *   allocated:  | hdr | payload .................................. |
 *   free:       | hdr | next | prev | ......................| ftr |
 *                     ^ bp (block pointer = payload, 16-aligned)
 *
 *   hdr/ftr = block size (a multiple of 16, >= 32) | PREV_ALLOC | ALLOC
 *
 * Allocated blocks have no footer (CS:APP 9.9.11's optimisation): the next
 * block's PREV_ALLOC bit says whether this one is free, and only a free block
 * needs its size at its end, for coalescing with its successor.
 *
 *   heap:  | pad 8 | block | block | ... | block | epilogue hdr (size 0, ALLOC) |
 *          ^ mem_heap_lo (page aligned)           ^ fits.end - 8
 */
typedef uint64_t word_t;
enum {
    WSIZE = 8,
    ALLOC = 1,
    PREV_ALLOC = 2,
    MIN_BLOCK = 32, /* hdr + next + prev + ftr */
};

struct fit_heap {
    char *start;                     /* bp of the first block */
    char *end;                       /* bp of the epilogue (one past the heap) */
    char *free_head[NCLASSES];       /* per class: first free block, or NULL */
    uint64_t nonempty[NCLASSES / 64]; /* bit c set iff free_head[c] != NULL */
};
extern struct fit_heap fits;

struct free_links {
    char *next, *prev;
};

static inline word_t pack(size_t size, unsigned flags) { return (word_t)size | flags; }
static inline word_t *hdr(char *bp) { return (word_t *)(bp - WSIZE); }
static inline size_t blk_size(char *bp) { return *hdr(bp) & ~(word_t)15; }
static inline bool blk_alloc(char *bp) { return *hdr(bp) & ALLOC; }
static inline bool blk_prev_alloc(char *bp) { return *hdr(bp) & PREV_ALLOC; }
static inline word_t *ftr(char *bp) { return (word_t *)(bp + blk_size(bp) - 2 * WSIZE); }
static inline char *next_blk(char *bp) { return bp + blk_size(bp); }
/* Only when the previous block is free: its footer sits just below our header. */
static inline char *prev_blk(char *bp) { return bp - (*(word_t *)(bp - 2 * WSIZE) & ~(word_t)15); }
static inline struct free_links *links(char *bp) { return (struct free_links *)bp; }
static inline bool in_heap(const void *p)
{
    return (uintptr_t)p - (uintptr_t)fits.start < (uintptr_t)(fits.end - fits.start);
}

/* Block size for a request: header + payload, rounded to 16, at least 32. */
static inline size_t adjust_size(size_t size)
{
    size_t asize = align_up(size + WSIZE, ALIGN);
    return asize < MIN_BLOCK ? MIN_BLOCK : asize;
}

/* Which free list a block of this size lives on. Below EXACT_LIMIT one list per
 * size (16-byte steps); above, 8 lists per power of two, each covering 1/8 of
 * it (1024-1151, 1152-1279, ...); the last list takes everything bigger. */
static inline unsigned fit_class(size_t size)
{
    if (size < EXACT_LIMIT)
        return (unsigned)(size >> 4);
    unsigned lg = 63u - (unsigned)__builtin_clzl(size); /* 2^lg <= size */
    unsigned c = EXACT_LIMIT / 16 + (lg - 10) * 8 + (unsigned)((size >> (lg - 3)) & 7);
    return c < NCLASSES ? c : NCLASSES - 1;
}
/* The smallest size of class c (for c >= 2). */
static inline size_t fit_class_min(unsigned c)
{
    if (c < EXACT_LIMIT / 16)
        return (size_t)c << 4;
    unsigned k = c - EXACT_LIMIT / 16, lg = 10 + k / 8;
    return ((size_t)8 + k % 8) << (lg - 3);
}

void fits_init(void);
void *fits_alloc(size_t size);
void *fits_take(size_t size);              /* no heap growth: NULL instead */
void fits_free(void *bp);
bool fits_resize(void *bp, size_t size);   /* realloc in place; false: must move */
void *fits_slide(void *bp, size_t size);   /* realloc into a free predecessor, or NULL */
void *fits_memalign(size_t align, size_t size);

/* ==== huge blocks: one mapping each ======================================
 *
 *   | memlib's mapping header (32) | (alignment gap) | struct huge | payload ... |
 *                                  ^ map
 */
struct huge {
    char *map;      /* what mem_map returned */
    size_t size;    /* usable bytes of payload */
    uint64_t magic; /* HUGE_MAGIC while live */
    uint64_t unused;
};
_Static_assert(sizeof(struct huge) % ALIGN == 0, "huge header keeps payload aligned");
static const uint64_t HUGE_MAGIC = 0x6567756861646f67ull;
static inline struct huge *huge_of(const void *p) { return (struct huge *)p - 1; }

void *huge_alloc(size_t size);
void *huge_memalign(size_t align, size_t size);
void huge_free(void *p);
bool huge_resize(void *p, size_t size);
static inline size_t huge_usable(const void *p) { return huge_of(p)->size; }

/* ==== the debug layer (malloc_debug_layer.c), called with the program's
 * return address: one checking mechanism's primitives, the entry points
 * written once over them. ================================================== */
struct debug_ops {
    void *(*alloc)(size_t align, size_t size, void *caller);
    size_t (*size_of)(const char *op, const void *p, void *caller);
    void (*release)(const char *op, void *p, void *caller);
    size_t max_align; /* larger alignments are EINVAL */
    bool zeroed;      /* fresh blocks are already zero (calloc skips the memset) */
};
extern const struct debug_ops debug_canaries;    /* malloc_debug.c */
extern const struct debug_ops debug_guard_pages; /* malloc_guard.c (PAGODA_MALLOC_DEBUG=guard) */

void *debug_malloc(const struct debug_ops *o, size_t size, void *caller);
void *debug_memalign(const struct debug_ops *o, size_t align, size_t size, void *caller);
void *debug_calloc(const struct debug_ops *o, size_t nmemb, size_t size, void *caller);
void debug_free(const struct debug_ops *o, void *p, void *caller);
void *debug_realloc(const struct debug_ops *o, void *p, size_t size, void *caller);
size_t debug_usable_size(const struct debug_ops *o, const void *p, void *caller);

/* ==== shared ============================================================= */
bool mm_initialised(void);
void mm_invalid_pointer(const char *op, const void *p); /* reports and aborts */

#endif
