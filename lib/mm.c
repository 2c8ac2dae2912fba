/* mm.c - the malloc lab's allocator (CS:APP 9.9): the one file the student
 * writes. tools/grade links it into build/user/mdriver_lab (and
 * build/host/mdriver_lab), the trace driver of lib/mdriver, and nothing
 * else: every other program, the shell included, keeps Pagoda's own
 * allocator (lib/malloc*.c), so a broken mm.c breaks only the driver.
 *
 * The interface is lib/include/pagoda_malloc.h's core: mm_init, mm_malloc,
 * mm_free, mm_realloc, mm_usable_size, mm_checkheap, mm_owns. Memory comes
 * only from memlib's heap region (mem_sbrk, mem_heap_lo, mem_heap_hi), whose
 * footprint the driver measures for utilisation. Every payload must be
 * 16-byte aligned; mm_init must start a fresh, empty heap (the driver calls
 * it before every trace, after mem_reset).
 */
#include "include/pagoda_malloc.h"
#include "memlib.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

enum { ALIGNMENT = 16 };

static size_t align_size(size_t n) { return (n + ALIGNMENT - 1) & ~(size_t)(ALIGNMENT - 1); }

int mm_owns(const void *ptr)
{
    const char *p = ptr;
    return mem_initialised() && p >= mem_heap_lo() && p < mem_heap_hi();
}

void *mm_calloc(size_t nmemb, size_t size)
{
    size_t bytes;
    if (__builtin_mul_overflow(nmemb, size, &bytes))
        return NULL;
    void *p = mm_malloc(bytes);
    if (p)
        memset(p, 0, bytes);
    return p;
}

void *mm_memalign(size_t alignment, size_t size)
{
    return alignment <= ALIGNMENT ? mm_malloc(size) : NULL;
}

/* LAB malloc: BEGIN */
/* Segregated explicit free lists with boundary tags.
 *
 *   allocated block:  | header | payload ...                  |
 *   free block:       | header | next | prev | ...   | footer |
 *
 * A header is the block size (a multiple of 16) with bit 0 = this block is
 * allocated and bit 1 = the block before it is allocated; only free blocks
 * carry a footer (a copy of the header), which is what the bit 1 makes
 * possible: allocated blocks lose 8 bytes of overhead, not 16. Headers sit
 * 8 bytes below a 16-byte boundary, so payloads are aligned. A prologue
 * (16 bytes, allocated) and an epilogue header (size 0, allocated) bound the
 * heap, so coalescing never looks outside it.
 *
 * Free blocks are on one of NLISTS LIFO lists by size class (powers of two
 * from 32 bytes); a search takes the first fit in the block's class and
 * upwards. Freeing coalesces at once with both neighbours.
 */
enum { WORD = 8, MIN_BLOCK = 32, NLISTS = 20 };
enum { ALLOC = 1, PREV_ALLOC = 2 };

struct free_links {
    char *next, *prev;
};

static char *heap_start;   /* the first block's header */
static char *lists[NLISTS];

static uint64_t get(const char *p) { return *(const uint64_t *)p; }
static void put(char *p, uint64_t v) { *(uint64_t *)p = v; }
static size_t bsize(const char *hdr) { return get(hdr) & ~(uint64_t)15; }
static int is_alloc(const char *hdr) { return get(hdr) & ALLOC; }
static int prev_alloc(const char *hdr) { return (get(hdr) & PREV_ALLOC) != 0; }
static char *next_hdr(char *hdr) { return hdr + bsize(hdr); }
static char *payload_of(char *hdr) { return hdr + WORD; }
static char *hdr_of(const void *p) { return (char *)p - WORD; }
static struct free_links *links(char *hdr) { return (struct free_links *)payload_of(hdr); }

static void set_prev_alloc(char *hdr, int on)
{
    put(hdr, on ? get(hdr) | PREV_ALLOC : get(hdr) & ~(uint64_t)PREV_ALLOC);
}

static int class_of(size_t size)
{
    int c = 0;
    for (size_t s = MIN_BLOCK; s < size && c < NLISTS - 1; s <<= 1)
        c++;
    return c;
}

static void list_push(char *hdr)
{
    int c = class_of(bsize(hdr));
    links(hdr)->next = lists[c];
    links(hdr)->prev = NULL;
    if (lists[c])
        links(lists[c])->prev = hdr;
    lists[c] = hdr;
}

static void list_remove(char *hdr)
{
    struct free_links *l = links(hdr);
    if (l->prev)
        links(l->prev)->next = l->next;
    else
        lists[class_of(bsize(hdr))] = l->next;
    if (l->next)
        links(l->next)->prev = l->prev;
}

/* Write a free block's header and footer and tell its successor. */
static void make_free(char *hdr, size_t size, int prev_is_alloc)
{
    put(hdr, size | (prev_is_alloc ? PREV_ALLOC : 0));
    put(hdr + size - WORD, size);
    set_prev_alloc(next_hdr(hdr), 0);
}

static char *coalesce(char *hdr)
{
    size_t size = bsize(hdr);
    char *next = next_hdr(hdr);
    if (!is_alloc(next)) {
        list_remove(next);
        size += bsize(next);
    }
    if (!prev_alloc(hdr)) {
        char *prev = hdr - get(hdr - WORD);
        list_remove(prev);
        size += bsize(prev);
        hdr = prev;
    }
    make_free(hdr, size, prev_alloc(hdr));
    list_push(hdr);
    return hdr;
}

/* Grow the heap by size bytes; returns the new (coalesced) free block. */
static char *extend(size_t size)
{
    char *old_brk = mem_sbrk((intptr_t)size);
    if (old_brk == (void *)-1)
        return NULL;
    char *hdr = old_brk - WORD;   /* the old epilogue becomes the header */
    int pa = prev_alloc(hdr);
    put(hdr + size, ALLOC);       /* new epilogue; its predecessor is free */
    make_free(hdr, size, pa);
    return coalesce(hdr);
}

static char *find_fit(size_t size)
{
    for (int c = class_of(size); c < NLISTS; c++)
        for (char *h = lists[c]; h; h = links(h)->next)
            if (bsize(h) >= size)
                return h;
    return NULL;
}

/* Allocate size bytes at the start of free block hdr, splitting off the rest. */
static void place(char *hdr, size_t size)
{
    size_t have = bsize(hdr);
    int pa = prev_alloc(hdr);
    list_remove(hdr);
    if (have - size >= MIN_BLOCK) {
        put(hdr, size | ALLOC | (pa ? PREV_ALLOC : 0));
        char *rest = next_hdr(hdr);
        make_free(rest, have - size, 1);
        list_push(rest);
    } else {
        put(hdr, have | ALLOC | (pa ? PREV_ALLOC : 0));
        set_prev_alloc(next_hdr(hdr), 1);
    }
}

static size_t block_need(size_t size)
{
    size_t need = align_size(size + WORD);
    return need < MIN_BLOCK ? MIN_BLOCK : need;
}

int mm_init(void)
{
    if (mem_initialised())
        mem_reset();
    else
        mem_init(MEM_BRK);
    memset(lists, 0, sizeof lists);
    char *base = mem_sbrk(4 * WORD);
    if (base == (void *)-1)
        return -1;
    put(base, 0);                           /* padding */
    put(base + WORD, 16 | ALLOC);           /* prologue header */
    put(base + 2 * WORD, 16 | ALLOC);       /* prologue footer */
    put(base + 3 * WORD, ALLOC | PREV_ALLOC); /* epilogue */
    heap_start = base + 3 * WORD;
    return 0;
}

void *mm_malloc(size_t size)
{
    if (!heap_start && mm_init() < 0)
        return NULL;
    if (size == 0 || size > ((size_t)1 << 40))
        return NULL;
    size_t need = block_need(size);
    char *hdr = find_fit(need);
    if (!hdr) {
        char *epilogue = (char *)mem_heap_hi() - WORD;
        size_t tail = prev_alloc(epilogue) ? 0 : get(epilogue - WORD);   /* a free last block */
        if (!(hdr = extend(need - tail)))
            return NULL;
    }
    place(hdr, need);
    return payload_of(hdr);
}

void mm_free(void *ptr)
{
    if (!ptr)
        return;
    char *hdr = hdr_of(ptr);
    make_free(hdr, bsize(hdr), prev_alloc(hdr));
    coalesce(hdr);
}

/* Grow or shrink in place when the next block (or the heap's end) allows. */
static int resize_in_place(char *hdr, size_t need)
{
    size_t have = bsize(hdr);
    char *next = next_hdr(hdr);
    if (!is_alloc(next) && have + bsize(next) >= need) {
        list_remove(next);
        have += bsize(next);
        put(hdr, have | (get(hdr) & 15));
        set_prev_alloc(next_hdr(hdr), 1);
    } else if (bsize(next) == 0 && have < need) {   /* the last block: grow the heap */
        if (mem_sbrk((intptr_t)(need - have)) == (void *)-1)
            return 0;
        put(hdr, need | (get(hdr) & 15));
        put(next_hdr(hdr), ALLOC | PREV_ALLOC);
        have = need;
    }
    if (have < need)
        return 0;
    if (have - need >= MIN_BLOCK) {
        put(hdr, need | (get(hdr) & 15));
        char *rest = next_hdr(hdr);
        make_free(rest, have - need, 1);
        coalesce(rest);
    }
    return 1;
}

void *mm_realloc(void *ptr, size_t size)
{
    if (!ptr)
        return mm_malloc(size);
    if (size == 0) {
        mm_free(ptr);
        return NULL;
    }
    if (resize_in_place(hdr_of(ptr), block_need(size)))
        return ptr;
    void *q = mm_malloc(size);
    if (!q)
        return NULL;
    size_t keep = bsize(hdr_of(ptr)) - WORD;
    memcpy(q, ptr, keep < size ? keep : size);
    mm_free(ptr);
    return q;
}

size_t mm_usable_size(const void *ptr)
{
    return ptr ? bsize(hdr_of(ptr)) - WORD : 0;
}

/* Every block aligned and inside the heap, free blocks with matching footers
 * and on the right list, no two free blocks adjacent, prev-alloc bits true. */
int mm_checkheap(int verbose)
{
    int bad = 0;
    size_t free_blocks = 0, listed = 0;
    int prev_was_alloc = 1;
    char *hdr = heap_start;
    for (; heap_start && bsize(hdr) > 0; hdr = next_hdr(hdr)) {
        if ((uintptr_t)payload_of(hdr) % ALIGNMENT || hdr + bsize(hdr) > mem_heap_hi())
            bad += fprintf(stderr, "mm_checkheap: block %p misaligned or past the heap\n", (void *)hdr) > 0;
        if (prev_alloc(hdr) != prev_was_alloc)
            bad += fprintf(stderr, "mm_checkheap: block %p has a wrong prev-alloc bit\n", (void *)hdr) > 0;
        if (!is_alloc(hdr)) {
            free_blocks++;
            if (!prev_was_alloc)
                bad += fprintf(stderr, "mm_checkheap: two free blocks in a row at %p\n", (void *)hdr) > 0;
            if (get(hdr + bsize(hdr) - WORD) != bsize(hdr))
                bad += fprintf(stderr, "mm_checkheap: free block %p: footer differs\n", (void *)hdr) > 0;
        }
        prev_was_alloc = is_alloc(hdr);
    }
    for (int c = 0; c < NLISTS; c++)
        for (char *h = lists[c]; h; h = links(h)->next, listed++)
            if (is_alloc(h) || class_of(bsize(h)) != c)
                bad += fprintf(stderr, "mm_checkheap: list %d holds a wrong block %p\n", c, (void *)h) > 0;
    if (listed != free_blocks)
        bad += fprintf(stderr, "mm_checkheap: %zu free blocks, %zu on lists\n", free_blocks, listed) > 0;
    if (verbose)
        fprintf(stderr, "mm_checkheap: %zu free blocks, %d problems\n", free_blocks, bad);
    return bad;
}
/* LAB malloc: END */
/* LAB malloc: STUB
// The naive allocator (CS:APP's mm-naive): each block is a 16-byte header
// holding its size, then the payload, taken from the top of the heap; free
// does nothing and realloc always moves. Correct, fast, and wasteful: make it
// reuse memory.
int mm_init(void)
{
    if (mem_initialised())
        mem_reset();
    else
        mem_init(MEM_BRK);
    return 0;
}

void *mm_malloc(size_t size)
{
    if (!mem_initialised())
        mm_init();
    char *p = mem_sbrk((intptr_t)align_size(size + ALIGNMENT));
    if (p == (void *)-1)
        return NULL;
    *(size_t *)p = size;
    return p + ALIGNMENT;
}

void mm_free(void *ptr)
{
    (void)ptr;
}

void *mm_realloc(void *ptr, size_t size)
{
    if (!ptr)
        return mm_malloc(size);
    if (size == 0)
        return NULL;
    void *q = mm_malloc(size);
    if (!q)
        return NULL;
    size_t old = mm_usable_size(ptr);
    memcpy(q, ptr, old < size ? old : size);
    return q;
}

size_t mm_usable_size(const void *ptr)
{
    return ptr ? *(const size_t *)((const char *)ptr - ALIGNMENT) : 0;
}

int mm_checkheap(int verbose)
{
    if (verbose)
        fprintf(stderr, "mm_checkheap: the naive allocator checks nothing\n");
    return 0;
}
*/
