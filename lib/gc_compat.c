/* gc_compat.c: bdwgc's function names (lib/include/gc.h) over Pagoda's
 * collector. Each is a one-line translation; the only state is GC_find_leak,
 * bdwgc's variable that a program may set before GC_INIT.
 *
 * bdwgc's free-space divisor d: it collects after roughly heap/d bytes of
 * allocation; with a heap about twice the live data that is 2 * live / d, so
 * GC_set_free_space_divisor(d) sets our growth percentage to 200 / d.
 */
#include <string.h>
#include "gc_internal.h"
#include "include/gc.h"

int GC_find_leak;

void GC_init(void)
{
	if (GC_find_leak)
		gc_set_find_leak(1);
	gc_init();
}

/* The caller's address is the allocation site leak-finding mode reports. */
void *GC_malloc(size_t n) { return gc_malloc_from(n, 0, __builtin_return_address(0)); }
void *GC_malloc_atomic(size_t n) { return gc_malloc_from(n, 1, __builtin_return_address(0)); }
void *GC_realloc(void *p, size_t n) { return gc_realloc(p, n); }
void GC_free(void *p) { gc_free(p); }
void GC_gcollect(void) { gc_collect(); }
void GC_add_roots(void *lo, void *hi) { gc_add_roots(lo, hi); }
void GC_remove_roots(void *lo, void *hi) { gc_remove_roots(lo, hi); }
void GC_enable(void) { gc_enable(); }
void GC_disable(void) { gc_disable(); }
void *GC_base(void *p) { return gc_base(p); }
size_t GC_size(const void *p) { return gc_size(p); }

char *GC_strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = gc_malloc_atomic(n);
	return d ? memcpy(d, s, n) : NULL;
}

static struct gc_stats stats(void)
{
	struct gc_stats st;
	gc_get_stats(&st);
	return st;
}

size_t GC_get_heap_size(void) { return stats().heap_bytes; }
size_t GC_get_free_bytes(void) { return stats().free_bytes; }
size_t GC_get_total_bytes(void) { return stats().total_allocated; }
size_t GC_get_bytes_since_gc(void) { return stats().allocated_since_gc; }
GC_word GC_get_gc_no(void) { return stats().collections; }

int GC_is_disabled(void) { return stats().disabled != 0; }

void GC_set_find_leak(int on)
{
	GC_find_leak = on;
	gc_set_find_leak(on);
}

int GC_get_find_leak(void) { return GC_find_leak; }

void GC_set_free_space_divisor(GC_word d)
{
	gc_set_growth_percent(d ? (unsigned)(200 / d) : 0);
}
