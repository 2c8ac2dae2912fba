/* malloc_guard.c - the debug allocator's guard-page mode (PAGODA_MALLOC_DEBUG=guard):
 * CS:APP 9.11's overruns and uses after free caught by the MMU, as Electric Fence.
 *
 * Every block gets pages of its own, placed so that it ends where a
 * PROT_NONE guard page begins:
 *
 *   | data pages ..........| slack | guard page |
 *   ^ base          ^ p (16-aligned)  ^ p + size + slack
 *
 * The first byte past the block (past its slack, fewer than 16 bytes kept so
 * that p stays aligned, and checked like a canary at free) faults. free makes
 * the block's pages PROT_NONE and never hands them out again, so a use after
 * free faults too. The SIGSEGV handler maps si_addr back to its block, prints
 * one "pagoda malloc: ..." line naming the bug, the exact offset, the access
 * (read or write, from the CPU's error code) and the allocating and freeing
 * callers, then lets the access fault again with the default action: the
 * program dies of SIGSEGV, as the kernel's own line says too.
 *
 * Records live apart from the blocks (a freed block's pages are unreadable),
 * in a table kept sorted by address for the handler's binary search.
 * Invariants: table[0..count) is sorted by base; a live block's data pages are
 * read-write and its guard page PROT_NONE; a freed block's pages are all
 * PROT_NONE; slack bytes hold SLACK_BYTE until free.
 * Cost: two pages at least per block and one mmap each: a debugging mode.
 */
#define _GNU_SOURCE   /* REG_ERR in ucontext_t */
#include "include/pagoda_malloc.h"
#include "malloc_internal.h"
#include "malloc_report.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>

enum { PAGE = 4096, SLACK_BYTE = 0xcb, MAX_BLOCKS = 1 << 16, PF_WRITE_BIT = 2 };

struct guarded {
    char *base;         /* the mapping: data pages, then the guard page */
    size_t pages;       /* data pages */
    char *p;            /* what the program got */
    size_t size;
    unsigned long seq;  /* allocation number, from 1 */
    void *caller, *free_caller;
    bool freed;
};

static struct guarded *table;   /* MAX_BLOCKS records, mmap'd once */
static size_t count;
static unsigned long seq;

static void *map(size_t bytes)
{
    void *m = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return m == MAP_FAILED ? NULL : m;
}

static char *guard_of(const struct guarded *g) { return g->base + g->pages * PAGE; }

/* The record whose mapping (guard page included) holds addr, or NULL. */
static struct guarded *find(const char *addr)
{
    size_t lo = 0, hi = count;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (addr < table[mid].base)
            hi = mid;
        else if (addr >= guard_of(&table[mid]) + PAGE)
            lo = mid + 1;
        else
            return &table[mid];
    }
    return NULL;
}

static void handler(int sig, siginfo_t *si, void *ctx);

static bool start(void)
{
    if (table)
        return true;
    table = map(MAX_BLOCKS * sizeof *table);
    static char altstack[16384];
    stack_t ss = {.ss_sp = altstack, .ss_size = sizeof altstack};
    struct sigaction sa = {.sa_sigaction = handler, .sa_flags = SA_SIGINFO | SA_ONSTACK};
    sigemptyset(&sa.sa_mask);
    return table && sigaltstack(&ss, NULL) == 0 && sigaction(SIGSEGV, &sa, NULL) == 0;
}

/* Keeps the table sorted: mmap hands out addresses in no promised order. */
static struct guarded *insert(char *base)
{
    size_t i = count;
    while (i > 0 && table[i - 1].base > base)
        i--;
    memmove(&table[i + 1], &table[i], (count - i) * sizeof *table);
    count++;
    return &table[i];
}

static void *guard_alloc(size_t align, size_t size, void *caller)
{
    if (align < ALIGN)
        align = ALIGN;
    if (size > SIZE_MAX / 2 || !start() || count == MAX_BLOCKS) {
        errno = ENOMEM;
        return NULL;
    }
    size_t pages = (size + align - 1 + PAGE - 1) / PAGE;
    pages = pages ? pages : 1;
    char *base = map((pages + 1) * PAGE);
    if (!base)
        return NULL;
    mprotect(base + pages * PAGE, PAGE, PROT_NONE);
    char *p = (char *)((uintptr_t)(base + pages * PAGE - size) & ~(uintptr_t)(align - 1));
    memset(p + size, SLACK_BYTE, base + pages * PAGE - (p + size));
    *insert(base) = (struct guarded){.base = base, .pages = pages, .p = p, .size = size, .seq = ++seq,
                                     .caller = caller};
    return p;
}

static struct guarded *lookup(const char *op, void *p, void *caller)
{
    struct guarded *g = find(p);
    if (g && g->p == p && !g->freed)
        return g;
    if (g && g->p == p)
        mm_report("pagoda malloc: double free: %s of %p, a %zu-byte block (allocation #%lu by %p) "
                  "already freed by %p; %s called by %p", op, p, g->size, g->seq, g->caller, g->free_caller,
                  op, caller);
    else
        mm_report("pagoda malloc: invalid %s: %p is not a block this allocator returned; called by %p", op,
                  p, caller);
    abort();
}

static void check_slack(const struct guarded *g, void *caller)
{
    for (const char *s = g->p + g->size; s < guard_of(g); s++)
        if ((unsigned char)*s != SLACK_BYTE) {
            mm_report("pagoda malloc: heap overflow: byte %zu past the end of a %zu-byte block (allocation "
                      "#%lu by %p) was written; found at free by %p", (size_t)(s - g->p) - g->size + 1, g->size,
                      g->seq, g->caller, caller);
            abort();
        }
}

static void guard_release(struct guarded *g, void *caller)
{
    check_slack(g, caller);
    g->freed = true;
    g->free_caller = caller;
    mprotect(g->base, g->pages * PAGE, PROT_NONE);
}

/* One line for the access that faulted in a block of ours; false if it is not ours. */
static bool explain(const char *addr, bool write)
{
    struct guarded *g = find(addr);
    const char *what = write ? "write" : "read";
    if (!g)
        return false;
    if (g->freed)
        mm_report("pagoda malloc: use after free: %s at offset %ld of a freed %zu-byte block (allocation #%lu "
                  "by %p, freed by %p)", what, (long)(addr - g->p), g->size, g->seq, g->caller, g->free_caller);
    else if (addr >= guard_of(g))
        mm_report("pagoda malloc: heap overflow: %s at offset %ld, byte %zu past the end of a %zu-byte block "
                  "(allocation #%lu by %p)", what, (long)(addr - g->p), (size_t)(addr - g->p) - g->size + 1,
                  g->size, g->seq, g->caller);
    else
        return false;
    return true;
}

/* The access faults again once the default action is back: death by SIGSEGV. */
static void handler(int sig, siginfo_t *si, void *ctx)
{
    ucontext_t *uc = ctx;
    explain(si->si_addr, uc->uc_mcontext.gregs[REG_ERR] & PF_WRITE_BIT);
    signal(sig, SIG_DFL);
}

/* ---- the primitives of struct debug_ops (malloc_debug_layer.c) ------------------------ */

static size_t guard_size_of(const char *op, const void *p, void *caller)
{
    return lookup(op, (void *)p, caller)->size;
}

static void guard_free(const char *op, void *p, void *caller)
{
    guard_release(lookup(op, p, caller), caller);
}

/* Alignment beyond a page would need a bigger gap than the guard layout has;
 * fresh blocks are fresh mappings, hence zero. */
const struct debug_ops debug_guard_pages = {
    .alloc = guard_alloc, .size_of = guard_size_of, .release = guard_free, .max_align = PAGE,
    .zeroed = true,
};
