/* malloc_debug.c - the debug layer: CS:APP 9.11's memory bugs, caught.
 *
 * A layer on top of the core, not a mode inside it: every debug block is an
 * ordinary core block with a record in front and a canary behind.
 *
 *   | struct dbg (64 B) | front canary (16 B) | payload (size B) | tail canary (16 B) |
 *   ^ d->base (core block)                     ^ p, what the program sees
 *
 * What each bug looks like to this layer:
 *   double free        the record says FREED (the block waits in quarantine,
 *                      so its record is still there to be read);
 *   invalid free       p is outside the heap, or no record says LIVE for p;
 *   overflow/underflow a canary byte changed (checked at free, realloc and exit);
 *   use after free     freed payloads are filled with POISON and kept in a
 *                      FIFO quarantine; a changed byte is found when the block
 *                      leaves the quarantine for reuse, or at exit;
 *   leak               blocks still on the live list at exit.
 * Each finding prints one "pagoda malloc: <bug> ..." line naming the block,
 * its size, its allocation number and the caller's return address (give it to
 * `addr2line -e PROGRAM`); all but leaks then abort().
 *
 * Invariants: every live block is on the live list with magic LIVE ^ p; every
 * quarantined block is on the quarantine FIFO with magic FREED ^ p and its
 * payload all POISON; q_bytes/q_count describe the FIFO. (Mixing the magic
 * with the address makes a stale copy of a record elsewhere not match.)
 */
#include "include/pagoda_malloc.h"
#include "malloc_internal.h"
#include "malloc_report.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

enum {
    DBG_FRONT = 80, /* record + front canary: keeps the payload 16-aligned */
    CANARY_BYTES = 16,
    CANARY = 0xca,
    POISON = 0xdd, /* freed */
    JUNK = 0xab,   /* allocated, not yet written: makes uninitialised reads visible */
    QUARANTINE_BYTES = 1 << 20,
    QUARANTINE_BLOCKS = 1024,
};
static const uint64_t LIVE = 0x4c4956454c495645ull, FREED = 0x4652454544465245ull;

struct dbg {
    uint64_t magic;
    size_t size;
    uint64_t seq; /* allocation number, from 1 */
    void *caller, *free_caller;
    char *base;
    struct dbg *prev, *next; /* live list (both links) or quarantine FIFO (next) */
};
_Static_assert(sizeof(struct dbg) + CANARY_BYTES == DBG_FRONT, "debug record size");

static struct {
    bool started;
    uint64_t seq;
    struct dbg *live;
    struct dbg *q_head, *q_tail; /* oldest, newest */
    size_t q_bytes, q_count;
} dbg;

static char *payload(struct dbg *d) { return (char *)d + DBG_FRONT; }
static struct dbg *dbg_of(const void *p) { return (struct dbg *)((char *)p - DBG_FRONT); }

static __attribute__((noreturn)) void die(void) { abort(); }

/* ---- the live list ---------------------------------------------------------- */

static void live_push(struct dbg *d)
{
    d->prev = NULL;
    d->next = dbg.live;
    if (dbg.live)
        dbg.live->prev = d;
    dbg.live = d;
}

static void live_remove(struct dbg *d)
{
    if (d->prev)
        d->prev->next = d->next;
    else
        dbg.live = d->next;
    if (d->next)
        d->next->prev = d->prev;
}

/* The live block whose payload contains p, for "points into block ..." hints. */
static struct dbg *live_enclosing(const char *p)
{
    for (struct dbg *d = dbg.live; d; d = d->next)
        if (p >= payload(d) && p < payload(d) + d->size)
            return d;
    return NULL;
}

/* ---- canaries and poison ----------------------------------------------------- */

/* LAB membugs: BEGIN */
/* Index of the first byte in [p, p+n) that is not `byte`, or n. */
static size_t first_changed(const char *p, size_t n, int byte)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)p[i] != byte)
            return i;
    return n;
}

/* One past the last byte in [p, p+n) that is not `byte`, or 0. */
static size_t changed_extent(const char *p, size_t n, int byte)
{
    while (n > 0 && (unsigned char)p[n - 1] == byte)
        n--;
    return n;
}

static void check_canaries(struct dbg *d, const char *when)
{
    char *p = payload(d);
    size_t i = first_changed(p - CANARY_BYTES, CANARY_BYTES, CANARY);
    if (i < CANARY_BYTES) {
        mm_report("pagoda malloc: heap buffer underflow: %zu byte(s) before block %p "
                  "(%zu bytes, allocation #%lu by %p) were overwritten; found at %s",
                  CANARY_BYTES - i, (void *)p, d->size, (unsigned long)d->seq, d->caller, when);
        die();
    }
    i = changed_extent(p + d->size, CANARY_BYTES, CANARY);
    if (i > 0) {
        mm_report("pagoda malloc: heap buffer overflow: write %zu byte(s) past the end of "
                  "block %p (%zu bytes, allocation #%lu by %p); found at %s",
                  i, (void *)p, d->size, (unsigned long)d->seq, d->caller, when);
        die();
    }
}

static void check_poison(struct dbg *d, const char *when)
{
    size_t i = first_changed(payload(d), d->size, POISON);
    if (i < d->size) {
        mm_report("pagoda malloc: use after free: block %p (%zu bytes, allocation #%lu by %p, "
                  "freed by %p) was written at offset %zu after it was freed; found at %s",
                  (void *)payload(d), d->size, (unsigned long)d->seq, d->caller,
                  d->free_caller, i, when);
        die();
    }
    check_canaries(d, when);
}
/* LAB membugs: END */
/* LAB membugs: STUB
// Lab membugs: report a changed canary byte (overflow past the end,
// underflow before the start) and a changed poison byte in a freed block
// (use after free), each with one "pagoda malloc: ..." line, then die().
static void check_canaries(struct dbg *d, const char *when)
{
    (void)d, (void)when;
}

static void check_poison(struct dbg *d, const char *when)
{
    check_canaries(d, when);
}
*/

/* ---- the quarantine ------------------------------------------------------------ */

/* The oldest freed block is finally reused: check nobody wrote to it. */
static void quarantine_evict(void)
{
    struct dbg *d = dbg.q_head;
    dbg.q_head = d->next;
    if (!dbg.q_head)
        dbg.q_tail = NULL;
    dbg.q_bytes -= d->size;
    dbg.q_count--;
    check_poison(d, "reuse");
    d->magic = 0;
    mm_free(d->base);
}

static void quarantine_push(struct dbg *d)
{
    d->next = NULL;
    if (dbg.q_tail)
        dbg.q_tail->next = d;
    else
        dbg.q_head = d;
    dbg.q_tail = d;
    dbg.q_bytes += d->size;
    dbg.q_count++;
    while (dbg.q_count > QUARANTINE_BLOCKS || (dbg.q_bytes > QUARANTINE_BYTES && dbg.q_count > 1))
        quarantine_evict();
}

/* ---- finding the record for a pointer the program hands back --------------------- */

static __attribute__((noreturn)) void bad_pointer(const char *op, const char *p, void *caller)
{
    struct dbg *in = mm_owns(p) ? live_enclosing(p) : NULL;
    if (in)
        mm_report("pagoda malloc: invalid %s of %p (by %p): never returned by malloc; it "
                  "points %td bytes into block %p (%zu bytes, allocation #%lu by %p)",
                  op, (void *)p, caller, p - payload(in), (void *)payload(in), in->size,
                  (unsigned long)in->seq, in->caller);
    else
        mm_report("pagoda malloc: invalid %s of %p (by %p): never returned by malloc (%s)", op,
                  (void *)p, caller, mm_owns(p) ? "not the start of any live block"
                                                : "not in the heap");
    die();
}

static struct dbg *lookup(const char *op, const void *ptr, void *caller)
{
    const char *p = ptr;
    if (!mm_owns(p) || !mm_owns(p - DBG_FRONT) || (uintptr_t)p % ALIGN)
        bad_pointer(op, p, caller);
    struct dbg *d = dbg_of(p);
    /* LAB membugs: BEGIN */
    if (d->magic == (FREED ^ (uintptr_t)p)) {
        mm_report("pagoda malloc: double free: %s of block %p (%zu bytes, allocation #%lu "
                  "by %p) by %p, already freed by %p",
                  op, (void *)p, d->size, (unsigned long)d->seq, d->caller, caller,
                  d->free_caller);
        die();
    }
    /* LAB membugs: END */
    /* LAB membugs: STUB // Lab membugs: a record that says FREED means a double free: report it and die(). */
    if (d->magic != (LIVE ^ (uintptr_t)p))
        bad_pointer(op, p, caller);
    check_canaries(d, op);
    return d;
}

/* ---- allocation and release --------------------------------------------------------- */

/* At exit: check every block once more and list the leaks. A destructor, not
 * atexit(): in a static musl program atexit() links musl's internal calloc
 * (for its 33rd handler), and with it a second allocator on the break. */
static __attribute__((destructor)) void at_exit(void)
{
    if (!dbg.started)
        return;
    mm_debug_check();
    mm_debug_report_leaks();
}

static void *dbg_alloc(size_t align, size_t size, void *caller)
{
    dbg.started = true;
    size_t gap = align > ALIGN ? align : 0;
    if (size > SIZE_MAX / 2 - DBG_FRONT - CANARY_BYTES - gap) {
        errno = ENOMEM;
        return NULL;
    }
    size_t need = DBG_FRONT + size + CANARY_BYTES + gap;
    char *base = gap ? mm_memalign(align, need) : mm_malloc(need);
    if (!base)
        return NULL;
    char *p = (char *)align_up((uintptr_t)base + DBG_FRONT, align > ALIGN ? align : ALIGN);
    struct dbg *d = dbg_of(p);
    *d = (struct dbg){.magic = LIVE ^ (uintptr_t)p, .size = size, .seq = ++dbg.seq,
                      .caller = caller, .base = base};
    memset(p - CANARY_BYTES, CANARY, CANARY_BYTES);
    memset(p, JUNK, size);
    memset(p + size, CANARY, CANARY_BYTES);
    live_push(d);
    return p;
}

static void dbg_release(struct dbg *d, void *caller)
{
    live_remove(d);
    d->magic = FREED ^ (uintptr_t)payload(d);
    d->free_caller = caller;
    memset(payload(d), POISON, d->size);
    quarantine_push(d);
}

/* The primitives of struct debug_ops; the entry points built on them are in
 * malloc_debug_layer.c. */
static size_t dbg_size_of(const char *op, const void *p, void *caller)
{
    return lookup(op, p, caller)->size;
}

static void dbg_free(const char *op, void *p, void *caller)
{
    dbg_release(lookup(op, p, caller), caller);
}

const struct debug_ops debug_canaries = {
    .alloc = dbg_alloc, .size_of = dbg_size_of, .release = dbg_free, .max_align = SIZE_MAX,
};

/* For direct callers (pagoda_malloc.h); the libc shim passes its caller's address. */
#define CALLER __builtin_return_address(0)
void *mm_debug_malloc(size_t size) { return debug_malloc(&debug_canaries, size, CALLER); }
void *mm_debug_memalign(size_t align, size_t size)
{
    return debug_memalign(&debug_canaries, align, size, CALLER);
}
void *mm_debug_calloc(size_t nmemb, size_t size)
{
    return debug_calloc(&debug_canaries, nmemb, size, CALLER);
}
void mm_debug_free(void *p) { debug_free(&debug_canaries, p, CALLER); }
void *mm_debug_realloc(void *p, size_t size)
{
    return debug_realloc(&debug_canaries, p, size, CALLER);
}
size_t mm_debug_usable_size(const void *p) { return debug_usable_size(&debug_canaries, p, CALLER); }

/* ---- whole-heap checks --------------------------------------------------------------- */

int mm_debug_check(void)
{
    int n = 0;
    for (struct dbg *d = dbg.live; d; d = d->next, n++)
        check_canaries(d, "check");
    for (struct dbg *d = dbg.q_head; d; d = d->next, n++)
        check_poison(d, "check");
    return n;
}

/* LAB membugs: BEGIN */
size_t mm_debug_report_leaks(void)
{
    size_t n = 0, bytes = 0;
    for (struct dbg *d = dbg.live; d; d = d->next, n++) {
        bytes += d->size;
        mm_report("pagoda malloc: leak: %zu bytes at %p, allocation #%lu by %p", d->size,
                  (void *)payload(d), (unsigned long)d->seq, d->caller);
    }
    if (n)
        mm_report("pagoda malloc: %zu block(s), %zu bytes leaked", n, bytes);
    return n;
}
/* LAB membugs: END */
/* LAB membugs: STUB
size_t mm_debug_report_leaks(void)
{
    // Lab membugs: one "pagoda malloc: leak: ..." line per block still live,
    // then "pagoda malloc: N block(s), B bytes leaked"; return N.
    return 0;
}
*/
