/* gc.h: the Boehm-Demers-Weiser collector's common API, on Pagoda's collector.
 *
 * A program written for bdwgc (#include <gc.h>, GC_INIT, GC_MALLOC, ...)
 * builds unchanged against this header and build/.../libpagoda_gc.a. What is
 * offered is the subset most programs use; finalizers, threads, incremental
 * and generational modes, typed and uncollectable allocation are not.
 *
 * The upper-case names are macros, as in bdwgc, for one reason: GC_MALLOC
 * passes __FILE__ and __LINE__ so that leak-finding mode can name the line
 * that allocated a leaked object. Everything else is a plain function in
 * lib/gc_compat.c.
 */
#ifndef PAGODA_GC_COMPAT_H
#define PAGODA_GC_COMPAT_H

#include <stddef.h>
#include "pagoda_gc.h"

typedef unsigned long GC_word;
typedef long GC_signed_word;

/* bdwgc's variable form of GC_set_find_leak; read by GC_INIT. */
extern int GC_find_leak;

void GC_init(void);
void *GC_malloc(size_t n);
void *GC_malloc_atomic(size_t n);
void *GC_realloc(void *p, size_t n);
void GC_free(void *p);
char *GC_strdup(const char *s);
void GC_gcollect(void);
size_t GC_get_heap_size(void);
size_t GC_get_free_bytes(void);
size_t GC_get_total_bytes(void);
size_t GC_get_bytes_since_gc(void);
GC_word GC_get_gc_no(void);
void GC_add_roots(void *lo, void *hi_plus_1);
void GC_remove_roots(void *lo, void *hi_plus_1);
void GC_enable(void);
void GC_disable(void);
int GC_is_disabled(void);
void GC_set_find_leak(int on);
int GC_get_find_leak(void);
void GC_set_free_space_divisor(GC_word divisor);
void *GC_base(void *p);
size_t GC_size(const void *p);

#define GC_INIT() GC_init()
#define GC_MALLOC(n) gc_malloc_at((n), __FILE__, __LINE__)
#define GC_MALLOC_ATOMIC(n) gc_malloc_atomic_at((n), __FILE__, __LINE__)
#define GC_REALLOC(p, n) gc_realloc_at((p), (n), __FILE__, __LINE__)
#define GC_FREE(p) GC_free(p)
#define GC_STRDUP(s) GC_strdup(s)
#define GC_NEW(t) ((t *)GC_MALLOC(sizeof(t)))
#define GC_NEW_ATOMIC(t) ((t *)GC_MALLOC_ATOMIC(sizeof(t)))

#endif
