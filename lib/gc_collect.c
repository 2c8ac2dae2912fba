/* gc_collect.c: one collection from start to end, when to run one, start-up,
 * and the statistics.
 *
 * Owns: G.allocd's reset, G.collections, the pause times, G.growth_percent,
 * G.disabled, G.initialized.
 *
 * A collection, in order (stop-the-world, single-threaded):
 *   1. forget the free lists and sweep lists (their objects are unmarked and
 *      will be found again by the sweep);
 *   2. clear every mark bit;
 *   3. mark from the roots (gc_roots.c), drain, recover from overflow;
 *   4. leak-finding mode: report unmarked objects never freed;
 *   5. reclaim: free empty blocks and dead large objects now, queue partly
 *      used blocks for the lazy sweep (gc_sweep.c).
 *
 * Growth policy (asked only when the heap has no free page left):
 *   collect  if   allocated since the last collection >= max(1 MiB, live * p%)
 *   grow     otherwise.
 * Why: a collection costs about the live heap (marking) and frees about what
 * was allocated since the last one. Requiring allocation >= p% of live keeps
 * the marking work per allocated byte bounded by 100/p, whatever the program
 * does; growing instead makes room for that allocation, so the heap settles
 * near live * (1 + p/100). Collecting only when the heap is full means a heap
 * that once grew (a burst of live data) is used before collecting again,
 * which trades that memory for fewer collections; a chunk that a collection
 * finds wholly free is unmapped while the heap stays above twice
 * live * (1 + p/100) (gc_sweep.c). p = 75 by default: on
 * GCBench it gives a heap about 1.75 times the peak live data, a third
 * smaller than p = 100 for about the same time (marking is cheap next to
 * allocating there); 1 MiB stops tiny heaps from collecting on every page.
 *
 * Environment: PAGODA_GC_TRACE=1 prints one line per collection;
 * PAGODA_GC_GROWTH=p sets the growth percentage.
 *
 * Callers: gc_alloc.c (collect_is_due, collect_now), programs (gc_collect).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "gc_internal.h"

enum { MIN_TRIGGER = 1 << 20, DEFAULT_GROWTH_PERCENT = 75 };

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void gc_init(void)
{
	if (G.initialized)
		return;
	alloc_init_classes();
	heap_init();
	mark_init();
	roots_init();
	const char *growth = getenv("PAGODA_GC_GROWTH");
	if (growth)
		gc_set_growth_percent((unsigned)atoi(growth));
	if (!G.growth_percent)
		G.growth_percent = DEFAULT_GROWTH_PERCENT;
	G.trace = getenv("PAGODA_GC_TRACE") != NULL;
	G.initialized = 1;
	G.fast_max = G.find_leak ? 0 : GC_SMALL_MAX;
	if (G.find_leak)
		leak_install_exit_report();
}

void gc_ensure_init(void)
{
	if (!G.initialized)
		gc_init();
}

int collect_is_due(void)
{
	if (G.disabled)
		return 0;
	size_t trigger = G.live_bytes / 100 * G.growth_percent;
	if (trigger < MIN_TRIGGER)
		trigger = MIN_TRIGGER;
	return G.allocd >= trigger;
}

/* The heap the policy settles at: live * (1 + p/100), plus the minimum
 * trigger. sweep_reclaim unmaps free chunks only above twice this. */
size_t collect_heap_target(void)
{
	return G.live_bytes / 100 * (100 + G.growth_percent) + MIN_TRIGGER;
}

static void record_pause(uint64_t ns)
{
	G.pause_last = ns;
	G.pause_total += ns;
	if (ns > G.pause_max)
		G.pause_max = ns;
}

void collect_now(void)
{
	uint64_t t0 = now_ns();
	memset(G.free, 0, sizeof G.free);
	mark_clear_all();
	roots_mark_all();
	mark_recover_overflow();
	debug_check_heap();
	finalize_after_mark();
	if (G.find_leak)
		leak_report_unmarked();
	sweep_reclaim();
	record_pause(now_ns() - t0);
	if (G.trace)
		fprintf(stderr, "gc: #%llu allocated %zu KiB, live %zu KiB in %zu objects, heap %zu KiB, "
			"pause %llu us\n", (unsigned long long)G.collections + 1, G.allocd >> 10,
			G.live_bytes >> 10, G.live_objects, G.heap_bytes >> 10,
			(unsigned long long)G.pause_last / 1000);
	G.allocd = 0;
	G.collections++;
}

void gc_collect(void)
{
	gc_ensure_init();
	collect_now();
}

void gc_disable(void)
{
	G.disabled++;
}

void gc_enable(void)
{
	if (G.disabled > 0)
		G.disabled--;
}

void gc_set_growth_percent(unsigned percent)
{
	G.growth_percent = percent ? percent : DEFAULT_GROWTH_PERCENT;
}

void gc_set_find_leak(int on)
{
	G.find_leak = on != 0;
	G.fast_max = (G.find_leak || !G.initialized) ? 0 : GC_SMALL_MAX;
	if (G.find_leak && G.initialized)
		leak_install_exit_report();
}

void gc_get_stats(struct gc_stats *st)
{
	memset(st, 0, sizeof *st);
	st->collections = G.collections;
	st->heap_bytes = G.heap_bytes;
	st->peak_heap_bytes = G.peak_heap_bytes;
	st->allocated_since_gc = G.allocd;
	st->total_allocated = G.total_allocd;
	st->live_bytes = G.live_bytes;
	st->live_objects = G.live_objects;
	size_t used = G.live_bytes + G.allocd;
	st->free_bytes = used < G.heap_bytes ? G.heap_bytes - used : 0;
	st->pause_ns_last = G.pause_last;
	st->pause_ns_max = G.pause_max;
	st->pause_ns_total = G.pause_total;
	st->mark_stack_overflows = G.overflows;
	st->leaks_reported = G.leaks_reported;
	st->disabled = (unsigned)G.disabled;
}
