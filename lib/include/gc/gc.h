/* gc/gc.h: the Boehm-Demers-Weiser collector's public API (bdwgc 8.2), on
 * Pagoda's collector. A program written for bdwgc builds unchanged with
 * `-I lib/include` and links build/.../libpagoda_gc.a; `<gc.h>` and
 * `<gc/gc.h>` are the same header, as bdwgc installs them, beside
 * gc/gc_typed.h, gc/gc_disclaim.h, gc/javaxfc.h, gc/leak_detector.h and
 * gc/gc_backptr.h.
 *
 * Where the semantics cannot be bdwgc's exactly, the declaration says so
 * under "Differs:" and the function behaves conservatively (keeps objects
 * alive, never frees early). Threads: a thread that allocates or holds
 * collector pointers is made with GC_pthread_create (below); the rest of
 * bdwgc's thread API (GC_THREADS's redirect, GC_register_my_thread, parallel
 * marking) is not offered: docs/gc.md lists it.
 *
 * The upper-case names are macros, as in bdwgc. Define GC_DEBUG before
 * including this header and GC_MALLOC & co. become the GC_debug_* calls,
 * which record __FILE__ and __LINE__ and guard each object (gc_debug.c).
 */
#ifndef GC_H
#define GC_H
#define PAGODA_GC_COMPAT_H

#include <stddef.h>
#include <stdint.h>
#include "../pagoda_gc.h"

#define GC_VERSION_MAJOR 8
#define GC_VERSION_MINOR 2
#define GC_VERSION_MICRO 2

typedef unsigned long GC_word;
typedef long GC_signed_word;
typedef uintptr_t GC_uintptr_t;   /* bdwgc 8.2 defines it on Windows only */

#define GC_API extern
#define GC_CALL
#define GC_CALLBACK
#define GC_ATTR_MALLOC __attribute__((__malloc__))

/* Return codes of the registration calls. */
#define GC_SUCCESS 0
#define GC_DUPLICATE 1
#define GC_NO_MEMORY 2
#define GC_UNIMPLEMENTED 3
#define GC_NOT_FOUND 4

/* ---- start-up and collection ------------------------------------------- */

GC_API int GC_find_leak;   /* leak-finding mode; read by GC_INIT */
void GC_init(void);
/* Threads: bdwgc's explicit names (its GC_THREADS redirect of pthread_create
 * is not provided: call these). The thread is registered until it ends. */
int GC_pthread_create(pthread_t *thread, const pthread_attr_t *attr, void *(*fn)(void *), void *arg);
int GC_pthread_join(pthread_t thread, void **ret);
int GC_pthread_detach(pthread_t thread);
int GC_is_init_called(void);
unsigned GC_get_version(void);
void GC_gcollect(void);
void GC_gcollect_and_unmap(void);
/* Differs: a collection cannot be stopped midway; stop_func is never called
 * and the result is always 1 (collected). */
typedef int (*GC_stop_func)(void);
int GC_try_to_collect(GC_stop_func stop_func);
/* One step of incremental marking when incremental mode is on (returns 1 if
 * more work remains), else 0 (nothing to do). */
int GC_collect_a_little(void);
void GC_enable(void);
void GC_disable(void);
int GC_is_disabled(void);
GC_word GC_get_gc_no(void);
/* Collect after about heap/d bytes of allocation (our growth percentage
 * becomes 200/d). */
void GC_set_free_space_divisor(GC_word divisor);
GC_word GC_get_free_space_divisor(void);

/* Incremental and generational collection (gc_incremental.c): marking in
 * small steps between allocations, finished by rescanning only the pages
 * written since marking began, as the kernel reports them (soft-dirty bits
 * in /proc/self/pagemap), or, where the kernel has no soft-dirty tracking,
 * by write-protecting the heap and catching SIGSEGV. GC_get_dirty_bits_source
 * (Pagoda's) says which: "soft-dirty", "mprotect", "manual" (below) or
 * "none". */
void GC_enable_incremental(void);
int GC_is_incremental_mode(void);
const char *GC_get_dirty_bits_source(void);
/* Pagoda's: collect young objects often and old pages only where written
 * (sticky mark bits); implies incremental mode. */
void GC_enable_generational(void);
/* bdwgc's manual VDB: after GC_set_manual_vdb_allowed(1), the next
 * GC_enable_incremental takes its dirty bits from the program, which then
 * must report every pointer store into a heap object: GC_PTR_STORE_AND_DIRTY
 * (store, then note the 128-byte card written) or GC_END_STUBBORN_CHANGE
 * after the stores (the object's card, or every card of a large object).
 * No kernel call, no fault; a rescan reads only the marked objects on
 * written cards. GC_get_dirty_bits_source says "manual". Without the
 * setting these cost a store and a test. GC_change_stubborn does nothing
 * (bdwgc's too). */
void GC_end_stubborn_change(const void *p);
void GC_change_stubborn(const void *p);
void GC_ptr_store_and_dirty(void *p, const void *q);
void GC_set_manual_vdb_allowed(int on);
int GC_get_manual_vdb_allowed(void);

/* ---- allocation --------------------------------------------------------- */

void *GC_malloc(size_t n);
void *GC_malloc_atomic(size_t n);
/* Scanned, never collected (a root), until GC_free. */
void *GC_malloc_uncollectable(size_t n);
/* Differs: scanned like GC_malloc_uncollectable (conservative). */
void *GC_malloc_atomic_uncollectable(size_t n);
/* Differs: Pagoda accepts interior pointers anywhere, so "pointers only
 * near the start" changes nothing: these are GC_malloc / GC_malloc_atomic. */
void *GC_malloc_ignore_off_page(size_t n);
void *GC_malloc_atomic_ignore_off_page(size_t n);
void *GC_malloc_stubborn(size_t n);
void *GC_realloc(void *p, size_t n);
void GC_free(void *p);
char *GC_strdup(const char *s);
char *GC_strndup(const char *s, size_t n);
/* align: a power of two. Alignments up to 4096 are exact; larger ones are
 * served from a large object big enough to align inside (GC_base of the
 * result is then not the result). */
void *GC_memalign(size_t align, size_t n);
int GC_posix_memalign(void **out, size_t align, size_t n);
void *GC_base(void *p);
int GC_is_heap_ptr(const void *p);
size_t GC_size(const void *p);

/* ---- the heap ----------------------------------------------------------- */

size_t GC_get_heap_size(void);
size_t GC_get_free_bytes(void);
size_t GC_get_unmapped_bytes(void);
size_t GC_get_total_bytes(void);
size_t GC_get_bytes_since_gc(void);
size_t GC_get_memory_use(void);
void GC_get_heap_usage_safe(GC_word *heap_size, GC_word *free_bytes, GC_word *unmapped_bytes,
			    GC_word *bytes_since_gc, GC_word *total_bytes);
/* Grow the heap by at least n bytes now; 1 on success, 0 on failure. */
int GC_expand_hp(size_t n);
/* The heap never grows past n bytes (0: no limit); an allocation that would
 * need more collects first, then fails with NULL (bdwgc calls GC_oom_fn,
 * whose default returns NULL too). */
void GC_set_max_heap_size(GC_word n);
void GC_set_dont_expand(int on);
int GC_get_dont_expand(void);
typedef void *(*GC_oom_func)(size_t);
void GC_set_oom_fn(GC_oom_func fn);
GC_oom_func GC_get_oom_fn(void);

/* ---- roots and pointers ------------------------------------------------- */

void GC_add_roots(void *lo, void *hi_plus_1);
void GC_remove_roots(void *lo, void *hi_plus_1);
void GC_clear_roots(void);
/* Differs: interior pointers are always recognised (as bdwgc's default, 1);
 * GC_set_all_interior_pointers(0) is accepted and changes nothing, which
 * only keeps more objects alive. */
void GC_set_all_interior_pointers(int on);
int GC_get_all_interior_pointers(void);
void GC_register_displacement(size_t n);
typedef GC_word GC_hidden_pointer;
#define GC_HIDE_POINTER(p) (~(GC_hidden_pointer)(p))
#define GC_REVEAL_POINTER(p) ((void *)GC_HIDE_POINTER(p))
/* Keep ptr's object alive up to here (an empty asm the compiler must keep). */
#define GC_reachable_here(ptr) __asm__ __volatile__(" " : : "X"(ptr) : "memory")
void GC_noop1(GC_word x);

/* The allocation lock (lib/gc_threads.c's, recursive: fn may allocate). */
typedef void *(*GC_fn_type)(void *client_data);
void *GC_call_with_alloc_lock(GC_fn_type fn, void *client_data);
void GC_alloc_lock(void);
void GC_alloc_unlock(void);

/* ---- warnings, leak finding ---------------------------------------------- */

typedef void (*GC_warn_proc)(char *msg, GC_word arg);
void GC_set_warn_proc(GC_warn_proc p);
GC_warn_proc GC_get_warn_proc(void);
void GC_ignore_warn_proc(char *msg, GC_word arg);
void GC_set_find_leak(int on);
int GC_get_find_leak(void);

/* ---- finalization (gc_finalize.c) ---------------------------------------- */

typedef void (*GC_finalization_proc)(void *obj, void *client_data);
/* Run fn(obj, cd) once obj is unreachable. Topological: if A and B are both
 * unreachable and A points to B, A is finalized first and B only in a later
 * collection. An object that reaches itself is never finalized. fn == 0
 * removes the finalizer; the old one goes to *ofn, *ocd. */
void GC_register_finalizer(void *obj, GC_finalization_proc fn, void *cd, GC_finalization_proc *ofn, void **ocd);
/* As above, but pointers from obj to itself do not count. */
void GC_register_finalizer_ignore_self(void *obj, GC_finalization_proc fn, void *cd, GC_finalization_proc *ofn,
				       void **ocd);
/* No ordering at all: finalized even when reachable from another
 * finalizable object. */
void GC_register_finalizer_no_order(void *obj, GC_finalization_proc fn, void *cd, GC_finalization_proc *ofn,
				    void **ocd);
/* Ordered like GC_register_finalizer, and not run while an object with a
 * no-order finalizer still reaches it (bdwgc's Java mode, its default). */
void GC_register_finalizer_unreachable(void *obj, GC_finalization_proc fn, void *cd, GC_finalization_proc *ofn,
				       void **ocd);
/* Weak pointers: *link = 0 when obj is found unreachable (before any
 * finalizer runs: "short" links; long links only once obj cannot be
 * resurrected). Return GC_SUCCESS, GC_DUPLICATE, GC_NO_MEMORY, or
 * GC_UNIMPLEMENTED in leak-finding mode (and, differing from bdwgc, which
 * aborts, for a misaligned link). */
int GC_register_disappearing_link(void **link);
int GC_general_register_disappearing_link(void **link, const void *obj);
int GC_move_disappearing_link(void **link, void **new_link);
int GC_unregister_disappearing_link(void **link);
int GC_register_long_link(void **link, const void *obj);
int GC_move_long_link(void **link, void **new_link);
int GC_unregister_long_link(void **link);
/* Ready finalizers run at the end of GC_gcollect and in allocations, or,
 * with finalize_on_demand, only from GC_invoke_finalizers (the notifier is
 * called once per collection that readied some). */
int GC_should_invoke_finalizers(void);
int GC_invoke_finalizers(void);
void GC_set_finalize_on_demand(int on);
int GC_get_finalize_on_demand(void);
typedef void (*GC_finalizer_notifier_proc)(void);
void GC_set_finalizer_notifier(GC_finalizer_notifier_proc fn);
GC_finalizer_notifier_proc GC_get_finalizer_notifier(void);
/* Differs: Java-style ordering is always on (bdwgc's default); 0 is
 * accepted and changes nothing. */
void GC_set_java_finalization(int on);
int GC_get_java_finalization(void);

/* ---- debug allocation (gc_debug.c) ----------------------------------------- */

#define GC_EXTRA_PARAMS const char *s, int i
#define GC_EXTRAS __FILE__, __LINE__
void *GC_debug_malloc(size_t n, GC_EXTRA_PARAMS);
void *GC_debug_malloc_atomic(size_t n, GC_EXTRA_PARAMS);
void *GC_debug_malloc_uncollectable(size_t n, GC_EXTRA_PARAMS);
void *GC_debug_malloc_atomic_uncollectable(size_t n, GC_EXTRA_PARAMS);
void *GC_debug_malloc_ignore_off_page(size_t n, GC_EXTRA_PARAMS);
void *GC_debug_malloc_atomic_ignore_off_page(size_t n, GC_EXTRA_PARAMS);
void *GC_debug_malloc_stubborn(size_t n, GC_EXTRA_PARAMS);
char *GC_debug_strdup(const char *str, GC_EXTRA_PARAMS);
char *GC_debug_strndup(const char *str, size_t n, GC_EXTRA_PARAMS);
void GC_debug_free(void *p);
void *GC_debug_realloc(void *p, size_t n, GC_EXTRA_PARAMS);
void GC_debug_change_stubborn(const void *p);
void GC_debug_end_stubborn_change(const void *p);
void GC_debug_ptr_store_and_dirty(void *p, const void *q);
void GC_debug_register_displacement(size_t n);
void *GC_debug_malloc_replacement(size_t n);
void *GC_debug_realloc_replacement(void *p, size_t n);
void GC_debug_register_finalizer(void *obj, GC_finalization_proc fn, void *cd, GC_finalization_proc *ofn,
				 void **ocd);
void GC_debug_register_finalizer_ignore_self(void *obj, GC_finalization_proc fn, void *cd,
					     GC_finalization_proc *ofn, void **ocd);
void GC_debug_register_finalizer_no_order(void *obj, GC_finalization_proc fn, void *cd,
					  GC_finalization_proc *ofn, void **ocd);
void GC_debug_register_finalizer_unreachable(void *obj, GC_finalization_proc fn, void *cd,
					     GC_finalization_proc *ofn, void **ocd);

/* ---- the macros ------------------------------------------------------------- */

#define GC_INIT() GC_init()
#ifdef GC_DEBUG
#define GC_MALLOC(sz) GC_debug_malloc(sz, GC_EXTRAS)
#define GC_MALLOC_ATOMIC(sz) GC_debug_malloc_atomic(sz, GC_EXTRAS)
#define GC_STRDUP(s) GC_debug_strdup(s, GC_EXTRAS)
#define GC_STRNDUP(s, sz) GC_debug_strndup(s, sz, GC_EXTRAS)
#define GC_MALLOC_UNCOLLECTABLE(sz) GC_debug_malloc_uncollectable(sz, GC_EXTRAS)
#define GC_MALLOC_ATOMIC_UNCOLLECTABLE(sz) GC_debug_malloc_atomic_uncollectable(sz, GC_EXTRAS)
#define GC_MALLOC_IGNORE_OFF_PAGE(sz) GC_debug_malloc_ignore_off_page(sz, GC_EXTRAS)
#define GC_MALLOC_ATOMIC_IGNORE_OFF_PAGE(sz) GC_debug_malloc_atomic_ignore_off_page(sz, GC_EXTRAS)
#define GC_REALLOC(old, sz) GC_debug_realloc(old, sz, GC_EXTRAS)
#define GC_FREE(p) GC_debug_free(p)
#define GC_REGISTER_FINALIZER(p, f, d, of, od) GC_debug_register_finalizer(p, f, d, of, od)
#define GC_REGISTER_FINALIZER_IGNORE_SELF(p, f, d, of, od) GC_debug_register_finalizer_ignore_self(p, f, d, of, od)
#define GC_REGISTER_FINALIZER_NO_ORDER(p, f, d, of, od) GC_debug_register_finalizer_no_order(p, f, d, of, od)
#define GC_REGISTER_FINALIZER_UNREACHABLE(p, f, d, of, od) GC_debug_register_finalizer_unreachable(p, f, d, of, od)
#define GC_END_STUBBORN_CHANGE(p) GC_debug_end_stubborn_change(p)
#define GC_PTR_STORE_AND_DIRTY(p, q) GC_debug_ptr_store_and_dirty(p, q)
#define GC_GENERAL_REGISTER_DISAPPEARING_LINK(link, obj) \
	GC_general_register_disappearing_link(link, GC_base((void *)(obj)))
#define GC_REGISTER_LONG_LINK(link, obj) GC_register_long_link(link, GC_base((void *)(obj)))
#define GC_REGISTER_DISPLACEMENT(n) GC_debug_register_displacement(n)
#else
/* Not in debug mode, GC_MALLOC records the call site for leak-finding mode. */
#define GC_MALLOC(sz) gc_malloc_at((sz), __FILE__, __LINE__)
#define GC_MALLOC_ATOMIC(sz) gc_malloc_atomic_at((sz), __FILE__, __LINE__)
#define GC_STRDUP(s) GC_strdup(s)
#define GC_STRNDUP(s, sz) GC_strndup(s, sz)
#define GC_MALLOC_UNCOLLECTABLE(sz) GC_malloc_uncollectable(sz)
#define GC_MALLOC_ATOMIC_UNCOLLECTABLE(sz) GC_malloc_atomic_uncollectable(sz)
#define GC_MALLOC_IGNORE_OFF_PAGE(sz) GC_malloc_ignore_off_page(sz)
#define GC_MALLOC_ATOMIC_IGNORE_OFF_PAGE(sz) GC_malloc_atomic_ignore_off_page(sz)
#define GC_REALLOC(old, sz) gc_realloc_at((old), (sz), __FILE__, __LINE__)
#define GC_FREE(p) GC_free(p)
#define GC_REGISTER_FINALIZER(p, f, d, of, od) GC_register_finalizer(p, f, d, of, od)
#define GC_REGISTER_FINALIZER_IGNORE_SELF(p, f, d, of, od) GC_register_finalizer_ignore_self(p, f, d, of, od)
#define GC_REGISTER_FINALIZER_NO_ORDER(p, f, d, of, od) GC_register_finalizer_no_order(p, f, d, of, od)
#define GC_REGISTER_FINALIZER_UNREACHABLE(p, f, d, of, od) GC_register_finalizer_unreachable(p, f, d, of, od)
#define GC_END_STUBBORN_CHANGE(p) GC_end_stubborn_change(p)
#define GC_PTR_STORE_AND_DIRTY(p, q) GC_ptr_store_and_dirty(p, q)
#define GC_GENERAL_REGISTER_DISAPPEARING_LINK(link, obj) GC_general_register_disappearing_link(link, obj)
#define GC_REGISTER_LONG_LINK(link, obj) GC_register_long_link(link, obj)
#define GC_REGISTER_DISPLACEMENT(n) GC_register_displacement(n)
#endif
#define GC_NEW(t) ((t *)GC_MALLOC(sizeof(t)))
#define GC_NEW_ATOMIC(t) ((t *)GC_MALLOC_ATOMIC(sizeof(t)))
#define GC_NEW_UNCOLLECTABLE(t) ((t *)GC_MALLOC_UNCOLLECTABLE(sizeof(t)))
#define GC_NEW_STUBBORN(t) GC_NEW(t)
#define GC_MALLOC_STUBBORN(sz) GC_MALLOC(sz)
#define GC_CHANGE_STUBBORN(p) GC_change_stubborn(p)

#endif
