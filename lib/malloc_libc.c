/* malloc_libc.c - make Pagoda's allocator *the* malloc of a program.
 *
 * Linking this object defines the C library's allocation functions, so the
 * linker never pulls in the C library's own (musl's malloc objects, or glibc's
 * through symbol interposition): strdup, printf's buffers, fopen's FILEs all
 * come from lib/malloc.c. In a static link, name it as an object or use
 * -Wl,-u,malloc with the archive - an archive member is only pulled in for a
 * symbol that is still undefined when the archive is scanned.
 *
 * The debug layer is chosen here, once, by the environment variable
 * PAGODA_MALLOC_DEBUG (set and not "0"), at the first call - it can never
 * change afterwards, because a block must be freed by the layer that made it.
 * The choice is one predictable branch in this shim; the core's fast path
 * never sees it.
 */
#include "include/pagoda_malloc.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>

static enum { UNDECIDED, PLAIN, DEBUG } layer;

static __attribute__((noinline)) bool decide(void)
{
    const char *v = getenv("PAGODA_MALLOC_DEBUG");
    layer = v && *v && !(v[0] == '0' && v[1] == 0) ? DEBUG : PLAIN;
    return layer == DEBUG;
}

static inline bool debugging(void)
{
    return layer == UNDECIDED ? decide() : layer == DEBUG;
}

void *malloc(size_t n) { return debugging() ? mm_debug_malloc(n) : mm_malloc(n); }
void free(void *p) { debugging() ? mm_debug_free(p) : mm_free(p); }
void *calloc(size_t n, size_t s) { return debugging() ? mm_debug_calloc(n, s) : mm_calloc(n, s); }
void *realloc(void *p, size_t n) { return debugging() ? mm_debug_realloc(p, n) : mm_realloc(p, n); }

void *memalign(size_t align, size_t n)
{
    return debugging() ? mm_debug_memalign(align, n) : mm_memalign(align, n);
}

void *aligned_alloc(size_t align, size_t n) { return memalign(align, n); }

int posix_memalign(void **out, size_t align, size_t n)
{
    if (align < sizeof(void *) || (align & (align - 1)))
        return EINVAL;
    void *p = memalign(align, n);
    if (!p)
        return ENOMEM;
    *out = p;
    return 0;
}

size_t malloc_usable_size(void *p)
{
    return debugging() ? mm_debug_usable_size(p) : mm_usable_size(p);
}
