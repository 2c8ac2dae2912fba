/* gc_collect.c: one collection from start to end, when to run one, start-up,
 * and the statistics.
 *
 * Owns: G.allocd's reset, G.collections, G.live_history, the pause times and log,
 * G.growth_percent, G.disabled, G.initialized.
 *
 * A collection, in order (stop-the-world, single-threaded; gc_incremental.c
 * spreads steps 1-2 over many pauses, or does generational minors):
 *   1. clear every mark bit (uncollectable objects keep theirs);
 *   2. mark from the roots (gc_roots.c), drain, recover from overflow;
 *   3. debug mode: check guard words; finalization and weak links
 *      (gc_finalize.c); leak-finding mode: report unmarked objects never freed;
 *   4. forget the free lists and sweep lists (their objects are unmarked and
 *      will be found again by the sweep);
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
 * near live * (1 + p/100) (in the incremental mode live * (1 + p/100 * c),
 * c the last cycle's cost over its marking's, 1 to 2: gc_incremental.c's
 * incremental_trigger). Collecting only when the heap is full means a heap
 * that once grew (a burst of live data) is used before collecting again,
 * which trades that memory for fewer collections; a chunk that a collection
 * finds wholly free is unmapped while the heap stays above twice
 * live * (1 + p/100) (gc_sweep.c). p = 75 by default: on
 * GCBench it gives a heap about 1.75 times the peak live data, a third
 * smaller than p = 100 for about the same time (marking is cheap next to
 * allocating there); 1 MiB stops tiny heaps from collecting on every page.
 *
 * Environment: PAGODA_GC_TRACE=1 prints one line per collection (=2: and
 * one per incremental marking step);
 * PAGODA_GC_GROWTH=p sets the growth percentage.
 *
 * Callers: gc_alloc.c (collect_is_due, collect_now), programs (gc_collect).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include "gc_internal.h"
#include "include/gc/gc.h"

enum { MIN_TRIGGER = 1 << 20, DEFAULT_GROWTH_PERCENT = 75, YOUNG_PERCENT = 25 };
_Static_assert(LIVE_HISTORY > 0, "the history holds at least one collection");

uint64_t gc_now_ns(void)
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
	const char *trace = getenv("PAGODA_GC_TRACE");
	G.trace = trace ? (atoi(trace) > 1 ? 2 : 1) : 0;
	G.initialized = 1;
	const char *mode = getenv("PAGODA_GC_MODE");   /* incremental | generational */
	if (mode && !strcmp(mode, "incremental"))
		GC_enable_incremental();
	if (mode && !strcmp(mode, "generational"))
		GC_enable_generational();
	G.fast_max = G.find_leak ? 0 : GC_SMALL_MAX;
	if (G.find_leak)
		leak_install_exit_report();
}

void gc_ensure_init(void)
{
	if (!G.initialized)
		gc_init();
}

/* Allocation that makes a collection worth it: growth_percent% of the live
 * bytes (in the incremental mode, stretched by the last cycle's cost:
 * incremental_trigger); in the generational mode, gc_minor.c's choice
 * from it (a minor's YOUNG_PERCENT%, or a due major's room). */
size_t collect_trigger(void)
{
	size_t trigger = G.mode == MODE_INCREMENTAL ? incremental_trigger() : G.live_bytes / 100 * G.growth_percent;
	if (G.mode == MODE_GENERATIONAL)
		trigger = generational_trigger(trigger, G.live_bytes / 100 * YOUNG_PERCENT, MIN_TRIGGER);
	return trigger < MIN_TRIGGER ? MIN_TRIGGER : trigger;
}

int collect_is_due(void)
{
	return !G.disabled && G.allocd >= collect_trigger();
}

/* The heap the policy settles at: live * (1 + p/100), plus the minimum
 * trigger, where live is the most of this collection's and the last
 * LIVE_HISTORY ones': one collection that falls between a big structure's
 * death and the next one's birth does not give the heap away.
 * sweep_reclaim unmaps free chunks only above twice this. */
size_t collect_heap_target(void)
{
	size_t live = G.live_bytes;
	for (unsigned i = 0; i < LIVE_HISTORY; i++)
		live = G.live_history[i] > live ? G.live_history[i] : live;
	return live / 100 * (100 + G.growth_percent) + MIN_TRIGGER;
}

/* Every pause (a whole stop-the-world collection, or one incremental start,
 * step or finish) goes into the statistics and the pause log. */
void record_pause(uint64_t ns)
{
	G.pause_last = ns;
	G.pause_total += ns;
	if (ns > G.pause_max)
		G.pause_max = ns;
	if (G.pause_count == G.pause_cap) {
		size_t cap = G.pause_cap ? G.pause_cap * 2 : 4096;
		uint64_t *log = mmap(NULL, cap * sizeof *log, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (log == MAP_FAILED)
			return;
		if (G.pause_log) {
			memcpy(log, G.pause_log, G.pause_count * sizeof *log);
			munmap(G.pause_log, G.pause_cap * sizeof *log);
		}
		G.pause_log = log;
		G.pause_cap = cap;
	}
	G.pause_log[G.pause_count++] = ns;
}

size_t gc_get_pause_log(const uint64_t **log)
{
	*log = G.pause_log;
	return G.pause_count;
}

/* Everything after marking, in every mode. */
void collect_finish(uint64_t t0)
{
	debug_check_heap();
	finalize_after_mark();
	if (G.find_leak)
		leak_report_unmarked();
	memset(G.free, 0, sizeof G.free);   /* their objects are unmarked: swept again */
	sweep_reclaim();
	G.live_history[G.collections % LIVE_HISTORY] = G.live_bytes;
	record_pause(gc_now_ns() - t0);
	if (G.trace)
		fprintf(stderr, "gc: #%llu allocated %zu KiB, live %zu KiB in %zu objects, heap %zu KiB, "
			"pause %llu us (minors %llu, majors %llu, steps %llu)\n",
			(unsigned long long)G.collections + 1, G.allocd >> 10, G.live_bytes >> 10, G.live_objects,
			G.heap_bytes >> 10, (unsigned long long)G.pause_last / 1000, (unsigned long long)G.minors,
			(unsigned long long)G.majors, (unsigned long long)G.steps);
	G.allocd = 0;
	G.collections++;
}

/* A whole collection, stop-the-world, from cleared marks (abandoning an
 * incremental cycle in progress). */
void collect_full(void)
{
	uint64_t t0 = gc_now_ns();
	if (G.phase == PHASE_MARKING) {
		G.phase = PHASE_IDLE;
		G.cycle_minor = 0;
		rescan_drop();
	}
	mark_clear_all();
	roots_mark_all();
	mark_recover_overflow();
	if (G.mode == MODE_GENERATIONAL)
		dirty_start();
	else if (G.mode == MODE_INCREMENTAL)
		dirty_stop();
	collect_finish(t0);
	if (G.mode == MODE_GENERATIONAL)
		generational_finished(0, 0);
}

void collect_now(void)
{
	threads_stop_world();
	if (G.mode == MODE_STW)
		collect_full();
	else
		incremental_collect();
	threads_start_world();
}

void gc_collect(void)
{
	gc_ensure_init();
	gc_lock();
	threads_stop_world();
	collect_full();
	threads_start_world();
	gc_unlock();
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
	st->marking = G.phase == PHASE_MARKING;
	st->minor_collections = G.minors;
}
