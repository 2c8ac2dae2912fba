/* malloc_debug_layer.c - the debug layer's six entry points (malloc, memalign,
 * calloc, free, realloc, malloc_usable_size), written once over the three
 * primitives of a checking mechanism (struct debug_ops in malloc_internal.h):
 *
 *   debug_canaries     canaries, poison and a quarantine   malloc_debug.c
 *   debug_guard_pages  a PROT_NONE page after each block   malloc_guard.c
 *
 * The libc shim (malloc_libc.c) picks one at the first call from
 * PAGODA_MALLOC_DEBUG and passes the program's return address as `caller`;
 * mm_debug_* (pagoda_malloc.h) call the canaries directly.
 *
 * Contract of the primitives: alloc(align, size, caller) returns a block of
 * size bytes at an align-aligned address, or NULL with errno set; size_of
 * and release look the pointer up first and report and abort on an invalid
 * pointer or a double free, naming the operation `op` and the caller.
 */
#include "malloc_internal.h"

#include <errno.h>
#include <string.h>

void *debug_malloc(const struct debug_ops *o, size_t size, void *caller)
{
    return o->alloc(ALIGN, size, caller);
}

void *debug_memalign(const struct debug_ops *o, size_t align, size_t size, void *caller)
{
    if (align == 0 || (align & (align - 1)) || align > o->max_align) {
        errno = EINVAL;
        return NULL;
    }
    return o->alloc(align, size, caller);
}

void *debug_calloc(const struct debug_ops *o, size_t nmemb, size_t size, void *caller)
{
    size_t bytes;
    if (__builtin_mul_overflow(nmemb, size, &bytes)) {
        errno = ENOMEM;
        return NULL;
    }
    void *p = o->alloc(ALIGN, bytes, caller);
    if (p && !o->zeroed)
        memset(p, 0, bytes);
    return p;
}

void debug_free(const struct debug_ops *o, void *p, void *caller)
{
    if (p)
        o->release("free", p, caller);
}

/* Always moves the block, so that a stale pointer to the old copy is caught
 * (by the quarantine's poison, or by the MMU) like any use after free. */
void *debug_realloc(const struct debug_ops *o, void *p, size_t size, void *caller)
{
    if (!p)
        return o->alloc(ALIGN, size, caller);
    size_t old = o->size_of("realloc", p, caller);
    if (size == 0) {
        o->release("realloc", p, caller);
        return NULL;
    }
    char *q = o->alloc(ALIGN, size, caller);
    if (!q)
        return NULL;
    memcpy(q, p, old < size ? old : size);
    o->release("realloc", p, caller);
    return q;
}

size_t debug_usable_size(const struct debug_ops *o, const void *p, void *caller)
{
    return p ? o->size_of("malloc_usable_size", p, caller) : 0;
}
