/* gc_compat.c: bdwgc's function names (lib/include/gc/gc.h) over Pagoda's
 * collector: mostly one-line translations. The state here is bdwgc's
 * settings that Pagoda only records (GC_find_leak, interior pointers, Java
 * finalization, manual VDB) and the warning procedure.
 *
 * bdwgc's free-space divisor d: it collects after roughly heap/d bytes of
 * allocation; with a heap about twice the live data that is 2 * live / d, so
 * GC_set_free_space_divisor(d) sets our growth percentage to 200 / d.
 *
 * Allocation functions of other kinds are in gc_typed.c (typed),
 * gc_finalize.c (finalized) and gc_debug.c (debug); finalizers and links in
 * gc_finalize.c; incremental mode in gc_incremental.c.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "gc_internal.h"
#include "include/gc/gc.h"

int GC_find_leak;
static int interior_pointers = 1;

void GC_init(void)
{
	if (GC_find_leak)
		gc_set_find_leak(1);
	gc_init();
}

int GC_is_init_called(void) { return G.initialized; }
int GC_pthread_create(pthread_t *t, const pthread_attr_t *a, void *(*fn)(void *), void *arg) { return gc_pthread_create(t, a, fn, arg); }
int GC_pthread_join(pthread_t t, void **ret) { return pthread_join(t, ret); }
int GC_pthread_detach(pthread_t t) { return pthread_detach(t); }
unsigned GC_get_version(void) { return GC_VERSION_MAJOR << 16 | GC_VERSION_MINOR << 8 | GC_VERSION_MICRO; }

/* ---- allocation ---------------------------------------------------------- */

/* The caller's address is the allocation site leak-finding mode reports. */
void *GC_malloc(size_t n) { return gc_malloc_from(n, 0, __builtin_return_address(0)); }
void *GC_malloc_atomic(size_t n) { return gc_malloc_from(n, 1, __builtin_return_address(0)); }
void *GC_malloc_uncollectable(size_t n) { return gc_malloc_kind(n, OBJ_UNCOLLECTABLE); }
void *GC_malloc_atomic_uncollectable(size_t n) { return gc_malloc_kind(n, OBJ_UNCOLLECTABLE); }
void *GC_malloc_ignore_off_page(size_t n) { return gc_malloc_from(n, 0, __builtin_return_address(0)); }
void *GC_malloc_atomic_ignore_off_page(size_t n) { return gc_malloc_from(n, 1, __builtin_return_address(0)); }
void *GC_malloc_stubborn(size_t n) { return gc_malloc_from(n, 0, __builtin_return_address(0)); }
void *GC_realloc(void *p, size_t n) { return gc_realloc(p, n); }
void GC_free(void *p) { gc_free(p); }
void *GC_base(void *p) { return gc_base(p); }
size_t GC_size(const void *p) { return gc_size(p); }
int GC_is_heap_ptr(const void *p) { return block_of((uintptr_t)p) != NULL; }

char *GC_strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = gc_malloc_atomic(n);
	return d ? memcpy(d, s, n) : NULL;
}

char *GC_strndup(const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *d = gc_malloc_atomic(len + 1);
	if (d) {
		memcpy(d, s, len);
		d[len] = 0;
	}
	return d;
}

/* An aligned address inside a big enough object: the interior pointer keeps
 * it alive (bdwgc does the same, with a registered displacement). */
void *GC_memalign(size_t align, size_t n)
{
	if (align <= GC_GRANULE)
		return gc_malloc(n);
	if (align & (align - 1) || n > SIZE_MAX - align)
		return NULL;
	char *p = gc_malloc(n + align - 1);
	return p ? (void *)(((uintptr_t)p + align - 1) & ~(uintptr_t)(align - 1)) : NULL;
}

int GC_posix_memalign(void **out, size_t align, size_t n)
{
	if (align % sizeof(void *) || align & (align - 1) || !align)
		return EINVAL;
	void *p = GC_memalign(align, n);
	if (!p)
		return ENOMEM;
	*out = p;
	return 0;
}

/* ---- collection --------------------------------------------------------- */

void GC_gcollect(void)
{
	gc_collect();
	finalize_run_pending();
}

void GC_gcollect_and_unmap(void) { GC_gcollect(); }

int GC_try_to_collect(GC_stop_func stop_func)
{
	(void)stop_func;
	GC_gcollect();
	return 1;
}

void GC_enable(void) { gc_enable(); }
void GC_disable(void) { gc_disable(); }
void GC_add_roots(void *lo, void *hi) { gc_add_roots(lo, hi); }
void GC_remove_roots(void *lo, void *hi) { gc_remove_roots(lo, hi); }
void GC_clear_roots(void) { G.nroots = 0; }

static struct gc_stats stats(void)
{
	struct gc_stats st;
	gc_get_stats(&st);
	return st;
}

size_t GC_get_heap_size(void) { return stats().heap_bytes; }
size_t GC_get_free_bytes(void) { return stats().free_bytes; }
size_t GC_get_unmapped_bytes(void) { return 0; }
size_t GC_get_total_bytes(void) { return stats().total_allocated; }
size_t GC_get_bytes_since_gc(void) { return stats().allocated_since_gc; }
size_t GC_get_memory_use(void) { return stats().heap_bytes - stats().free_bytes; }
GC_word GC_get_gc_no(void) { return stats().collections; }
int GC_is_disabled(void) { return stats().disabled != 0; }

void GC_get_heap_usage_safe(GC_word *heap, GC_word *free_bytes, GC_word *unmapped, GC_word *since, GC_word *total)
{
	struct gc_stats st = stats();
	if (heap)
		*heap = st.heap_bytes;
	if (free_bytes)
		*free_bytes = st.free_bytes;
	if (unmapped)
		*unmapped = 0;
	if (since)
		*since = st.allocated_since_gc;
	if (total)
		*total = st.total_allocated;
}

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

GC_word GC_get_free_space_divisor(void) { return 200 / (G.growth_percent ? G.growth_percent : 75); }

/* ---- the heap's size ---------------------------------------------------- */

int GC_expand_hp(size_t n)
{
	gc_ensure_init();
	return heap_grow((n + GC_PAGE - 1) / GC_PAGE) == 0;
}

void GC_set_max_heap_size(GC_word n) { G.max_heap = n; }
void GC_set_dont_expand(int on) { G.dont_expand = on != 0; }
int GC_get_dont_expand(void) { return G.dont_expand; }
void GC_set_oom_fn(GC_oom_func fn) { G.oom_fn = fn; }
GC_oom_func GC_get_oom_fn(void) { return G.oom_fn; }

/* ---- recorded settings -------------------------------------------------- */

void GC_set_all_interior_pointers(int on) { interior_pointers = on; }
int GC_get_all_interior_pointers(void) { return interior_pointers; }
void GC_register_displacement(size_t n) { (void)n; }
void GC_set_java_finalization(int on) { (void)on; }
int GC_get_java_finalization(void) { return 1; }
void GC_set_manual_vdb_allowed(int on) { G.manual_vdb = on != 0; }
int GC_get_manual_vdb_allowed(void) { return G.manual_vdb; }
void GC_change_stubborn(const void *p) { (void)p; }
/* The whole object changed (bdwgc: after pointer stores into it). */
void GC_end_stubborn_change(const void *p)
{
	gc_lock();   /* the note looks up chunks a collection may give back */
	dirty_note_object(p);
	gc_unlock();
}

void GC_ptr_store_and_dirty(void *p, const void *q)
{
	*(const void **)p = q;
	gc_lock();
	dirty_note(p, sizeof q);
	gc_unlock();
}

void GC_noop1(GC_word x)
{
	__asm__ volatile("" : : "r"(x));
}

void *GC_call_with_alloc_lock(GC_fn_type fn, void *client_data)
{
	gc_lock();
	void *r = fn(client_data);
	gc_unlock();
	return r;
}

void GC_alloc_lock(void)
{
	gc_lock();
}

void GC_alloc_unlock(void)
{
	gc_unlock();
}

/* ---- warnings -------------------------------------------------------------- */

static void default_warn(char *msg, GC_word arg)
{
	fprintf(stderr, msg, arg);
}

static GC_warn_proc warn_proc = default_warn;

void GC_set_warn_proc(GC_warn_proc p) { warn_proc = p; }
GC_warn_proc GC_get_warn_proc(void) { return warn_proc; }
void GC_ignore_warn_proc(char *msg, GC_word arg) { (void)msg, (void)arg; }
