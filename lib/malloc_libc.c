/* malloc_libc.c - make Pagoda's allocator *the* malloc of a program.
 *
 * Linking this object defines the C library's allocation functions, so the
 * linker never pulls in the C library's own (musl's malloc objects, or glibc's
 * through symbol interposition, or LD_PRELOAD of build/host/libpagoda_malloc.so):
 * strdup, printf's buffers, fopen's FILEs all come from lib/malloc.c.
 * In a static link, name it as an object or use -Wl,-u,malloc with the
 * archive - an archive member is only pulled in for a symbol that is still
 * undefined when the archive is scanned.
 *
 * Every entry point runs under heap_lock (malloc_lock.h): the core is
 * single-threaded, the lock makes it safe once threads exist, and costs a
 * predictable branch until then. The lock, its flag and the fork handlers
 * live here too. While there is one thread and no debug layer, malloc and
 * free take the core's fast path (a slab slot) right here, before any call.
 *
 * The debug layer is chosen here, once, by the environment variable
 * PAGODA_MALLOC_DEBUG (set and not "0"; "guard" picks its guard-page mode), at the first call - it can never
 * change afterwards, because a block must be freed by the layer that made it.
 * The debug layer is told the program's return address (ours would point
 * into this file), so its reports name the caller.
 */
#include "include/pagoda_malloc.h"
#include "malloc_internal.h"
#include "malloc_lock.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

/* ---- the lock ----------------------------------------------------------------- */

static volatile char single_threaded_yet = 1;
volatile char *mm_single_threaded = &single_threaded_yet;
volatile int mm_heap_lock_word;

void mm_lock_slow(void)
{
    for (unsigned spins = 0;; spins++) {
        if (!__atomic_load_n(&mm_heap_lock_word, __ATOMIC_RELAXED) &&
            !__atomic_exchange_n(&mm_heap_lock_word, 1, __ATOMIC_ACQUIRE))
            return;
        if (spins % 64 == 63)
            sched_yield();
        else
            __builtin_ia32_pause();
    }
}

static bool fork_locked;
static void fork_prepare(void) { fork_locked = heap_lock(); }
static void fork_parent(void) { heap_unlock(fork_locked); }
static void fork_child(void) { heap_unlock(fork_locked); }

void mm_atfork_register(void)
{
    static bool done;
    if (!done)
        pthread_atfork(fork_prepare, fork_parent, fork_child);
    done = true;
}

/* ---- which layer ----------------------------------------------------------------- */

static enum { UNDECIDED, PLAIN, DEBUG } layer;

/* The debug layer's two mechanisms: canaries, poison and a quarantine
 * (malloc_debug.c, the default), or guard pages (malloc_guard.c, "guard"). */
static const struct debug_ops *dbg = &debug_canaries;

static __attribute__((noinline)) bool decide(void)
{
    const char *v = getenv("PAGODA_MALLOC_DEBUG");
    layer = v && *v && !(v[0] == '0' && v[1] == 0) ? DEBUG : PLAIN;
    if (layer == DEBUG && !strcmp(v, "guard"))
        dbg = &debug_guard_pages;
    return layer == DEBUG;
}

static inline bool debugging(void)
{
    return layer == UNDECIDED ? decide() : layer == DEBUG;
}

/* ---- the C library's names ----------------------------------------------------------- */

#define CALLER __builtin_return_address(0)
#define EXPORT __attribute__((visibility("default"))) /* the .so is built -fvisibility=hidden */

/* No thread besides us and no debug layer: the core's fast path, inline. */
static inline bool plain_and_alone(void) { return *mm_single_threaded && layer == PLAIN; }

EXPORT void *malloc(size_t n)
{
    void *fast = plain_and_alone() ? small_fast_alloc(n) : NULL;
    if (fast)
        return fast;
    bool t = heap_lock();
    void *p = debugging() ? debug_malloc(dbg, n, CALLER) : mm_malloc(n);
    heap_unlock(t);
    return p;
}

EXPORT void free(void *p)
{
    if (plain_and_alone() && small_fast_free(p))
        return;
    bool t = heap_lock();
    if (debugging())
        debug_free(dbg, p, CALLER);
    else
        mm_free(p);
    heap_unlock(t);
}

EXPORT void *calloc(size_t n, size_t s)
{
    bool t = heap_lock();
    void *p = debugging() ? debug_calloc(dbg, n, s, CALLER) : mm_calloc(n, s);
    heap_unlock(t);
    return p;
}

EXPORT void *realloc(void *p, size_t n)
{
    bool t = heap_lock();
    void *q = debugging() ? debug_realloc(dbg, p, n, CALLER) : mm_realloc(p, n);
    heap_unlock(t);
    return q;
}

static void *memalign_by(size_t align, size_t n, void *caller)
{
    bool t = heap_lock();
    void *p = debugging() ? debug_memalign(dbg, align, n, caller) : mm_memalign(align, n);
    heap_unlock(t);
    return p;
}

EXPORT void *memalign(size_t align, size_t n) { return memalign_by(align, n, CALLER); }
EXPORT void *aligned_alloc(size_t align, size_t n) { return memalign_by(align, n, CALLER); }
EXPORT void *valloc(size_t n) { return memalign_by(4096, n, CALLER); }

EXPORT void *pvalloc(size_t n)
{
    if (n > SIZE_MAX - 4095) {
        errno = ENOMEM;
        return NULL;
    }
    return memalign_by(4096, (n + 4095) & ~(size_t)4095, CALLER);
}

EXPORT int posix_memalign(void **out, size_t align, size_t n)
{
    if (align < sizeof(void *) || (align & (align - 1)))
        return EINVAL;
    void *p = memalign_by(align, n, CALLER);
    if (!p)
        return ENOMEM;
    *out = p;
    return 0;
}

EXPORT size_t malloc_usable_size(void *p)
{
    bool t = heap_lock();
    size_t n = debugging() ? debug_usable_size(dbg, p, CALLER) : mm_usable_size(p);
    heap_unlock(t);
    return n;
}
