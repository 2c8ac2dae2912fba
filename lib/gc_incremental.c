/* gc_incremental.c: incremental and generational collection, from the
 * kernel's dirty bits (gc_dirty.c). bdwgc's GC_enable_incremental, and
 * Pagoda's GC_enable_generational.
 *
 * Incremental (MODE_INCREMENTAL): one collection is spread over many short
 * pauses instead of one long one. Pacing follows allocation (as Boehm's
 * and Go's collectors do): the cycle should end where a stop-the-world
 * collection would have run (cycle_goal: the trigger, or the heap's room),
 * so it starts that far ahead that marking at START_RATE fits
 * (cycle_due), and each step scans in proportion to the allocation since
 * the last one (step_budget).
 *
 *   IDLE --cycle_due--> sweep what the lazy sweep left, SWEEP_STEP blocks
 *        per allocation slow path; then start: clear the marks, start the
 *        dirty bits, push the roots
 *   MARKING: every STEP_BYTES of allocation, a step scans from the mark
 *        stack and rescans pending pages (gc_rescan.c), about the work
 *        left times the share of the allocation left that was used; the
 *        program runs between the steps (objects it allocates meanwhile
 *        are unmarked, "white")
 *   no work left --> fetch the dirty bits. If a finish would be short (the
 *        marked objects on written pages, and what was allocated since the
 *        interval began, under half a step or under what this step has left
 *        of its budget), finish in this pause: rescan the roots and those
 *        pages, drain, finalize and sweep --> IDLE.
 *        Else pre-clean: the written pages become pending, a new interval
 *        starts, the roots are pushed, and steps go on, FINAL_STEP_SHARE
 *        times as often with page-grained bits (at FINAL_RATE at least, so that the rescans outrun
 *        the writes and the set shrinks: the shorter the program runs
 *        between two steps, the fewer pages it writes, so the sooner one
 *        step rescans the whole written set and can finish).
 *
 * Nothing is marked in one piece: a big written set is rescanned page by
 * page over many steps, and a step scans at most max_step_words(). The
 * finish is bounded by half that, or by what its step did not use, unless
 * PRECLEAN_ROUNDS intervals did not converge, or the heap filled and could
 * not grow (then the rest of the marking is done in that pause).
 *
 * Why the finish is enough: an object that is reachable at the finish but
 * unmarked is reached through a pointer held in a root (rescanned), in an
 * unmarked object (traced when that object is marked), or in a marked one.
 * A marked object was scanned either after the pointer was stored (so the
 * pointer was seen) or before, and then the store dirtied its page
 * (rescanned). The dirty intervals cover every store of the cycle without
 * a gap: a pre-clean reads the written pages and starts the next interval
 * in the same pause, and scans the pushed objects only after that, so a
 * store it might miss lands in the next interval.
 *
 * Allocation during a cycle is white (unmarked). Black allocation was tried
 * (blocks made while marking fully marked, free lists dropped at the start):
 * on GCBench inside Pagoda it raised the peak heap from 31 to 49 MiB and
 * did not shorten the longest finish, which was marking left undone, not
 * new objects.
 *
 * Generational (MODE_GENERATIONAL, gc_minor.c): the same cycles, but most
 * of them minors, which keep the marks of the last collection (the old
 * objects) and start from the roots and the old objects on pages written
 * since then; gc_minor.c says why that is enough and when a major runs.
 *
 * Owns: G.mode, G.phase, G.step_at, G.step_words, G.cycle_allocd,
 * G.interval_allocd, G.cycle_scanned, G.last_scanned, G.cycle_cost (and the
 * zeroing of G.cycle_rescanned and G.cycle_dirty_*), G.precleans, the
 * major and step counts. Invariant: PHASE_MARKING only outside STW mode;
 * during it, the sweep lists are empty (so no lazy sweep reads mark bits
 * that are being rebuilt).
 */
#include <stdio.h>
#include <string.h>
#include "gc_internal.h"
#include "include/gc/gc.h"

enum {
	STEP_BYTES = 16 << 10,     /* allocation between two marking steps */
	FINAL_STEP_SHARE = 4,      /* once pre-cleaning, steps come this many times as often */
	MIN_STEP_WORDS = 4 << 10,  /* the least a step scans */
	MAX_STEP_WORDS = 128 << 10, /* the most (at least): what bounds a step's pause */
	LIVE_SHARE = 32,           /* ... or this share of the live data, when more */
	START_RATE = 16,           /* bytes scanned per byte allocated that a cycle's start plans for */
	FINAL_RATE = 16,           /* words scanned per byte allocated once pre-cleaning */
	MIN_LEFT = 256 << 10,      /* allocation left that pacing assumes at least */
	GOAL_PERCENT = 85,         /* of a stop-the-world collector's allocation, where marking should end */
	PRECLEAN_ROUNDS = 32,      /* dirty intervals a cycle may take before it finishes regardless */
	SWEEP_STEP = 256,          /* blocks swept per step before a cycle starts */
	MAX_COST_PERCENT = 200,    /* the most a cycle's cost may stretch the trigger */
	DIRTY_READ_WORDS = 4,      /* one page's soft-dirty bit read and reset, in words scanned */
	FAULT_WORDS = 11,          /* a soft-dirty write fault, in words scanned */
};

/* ---- modes ----------------------------------------------------------------- */

int incremental_enable(enum gc_mode mode)
{
	gc_ensure_init();
	if (G.find_leak || G.mode == mode)
		return 0;
	if (dirty_init() == DIRTY_NONE) {
		GC_get_warn_proc()("GC Warning: no dirty bits (neither soft-dirty nor SIGSEGV handlers): "
				   "staying stop-the-world%s\n", (GC_word)"");
		return -1;
	}
	G.mode = (uint8_t)mode;
	return 0;
}

void GC_enable_incremental(void)
{
	incremental_enable(MODE_INCREMENTAL);
}

int GC_is_incremental_mode(void)
{
	return G.mode != MODE_STW;
}

const char *GC_get_dirty_bits_source(void)
{
	static const char *const names[] = { "none", "soft-dirty", "mprotect", "manual" };
	return names[G.dirty_source];
}

/* ---- the incremental cycle ---------------------------------------------------- */

/* Sweep up to `blocks` blocks still waiting for the lazy sweep; returns
 * how many are left (0: none). A cycle clears the marks only after this. */
static size_t sweep_some(size_t blocks)
{
	size_t left = 0;
	for (unsigned k = 0; k < GC_KINDS; k++)
		for (unsigned c = 0; c < G.nclasses; c++)
			for (struct gc_block *b; (b = G.sweep[k][c]); left++) {
				if (!blocks)
					return left + 1;
				G.sweep[k][c] = b->next;
				b->next = NULL;
				sweep_block(b);
				blocks--;
			}
	return 0;
}

/* The allocation at which a stop-the-world collector would collect: the
 * trigger, or later when the heap has more room than that. */
static size_t cycle_goal(void)
{
	size_t room = G.heap_bytes > G.live_bytes ? G.heap_bytes - G.live_bytes : 0;
	size_t trigger = collect_trigger();
	return (room > trigger ? room : trigger) / 100 * GOAL_PERCENT;
}

/* Bytes the cycle's marking will scan, besides what is allocated during
 * it: what the last cycle scanned (the live data less its atomic
 * objects), or the live data before the first cycle; a minor's own
 * estimate (gc_minor.c) when the cycle is one. */
static size_t scan_estimate(void)
{
	size_t last = G.last_scanned * sizeof(uintptr_t);
	size_t major = last && last < G.live_bytes ? last : G.live_bytes;
	return minor_next() ? minor_estimate(major) : major;
}

/* The most a step scans: MAX_STEP_WORDS, or 1/LIVE_SHARE of the live
 * data when that is more (a stop-the-world pause, the pauses' yardstick,
 * grows with the live data too). */
static size_t max_step_words(void)
{
	size_t share = G.live_bytes / sizeof(uintptr_t) / LIVE_SHARE;
	return share > MAX_STEP_WORDS ? share : MAX_STEP_WORDS;
}

/* Start when the allocation left before the goal is what marking needs at
 * START_RATE: the estimate, and as much again as is allocated meanwhile
 * (all of it may be live), so window = estimate / (rate - 1). */
static int cycle_due(void)
{
	size_t window = scan_estimate() / (START_RATE - 1) + 4 * STEP_BYTES;
	return G.allocd + window >= cycle_goal();
}

/* Words the step after `bytes` of allocation scans: the work left (the
 * estimate and all allocated since the start, less what was scanned)
 * spread over the allocation left before the goal; after the first
 * pre-clean at least FINAL_RATE per byte, so that the rescans outrun the
 * program's writes and the dirty set shrinks. */
static size_t step_budget(size_t bytes)
{
	size_t goal = cycle_goal(), left = goal > G.allocd + MIN_LEFT ? goal - G.allocd : MIN_LEFT;
	size_t work = (scan_estimate() + (G.allocd - G.cycle_allocd)) / sizeof(uintptr_t);
	work = work > G.cycle_scanned ? work - G.cycle_scanned : 0;
	size_t words = (size_t)((double)work * (double)bytes / (double)left);
	if (G.precleans && words < bytes * FINAL_RATE)
		words = bytes * FINAL_RATE;
	size_t most = max_step_words();
	return words < MIN_STEP_WORDS ? MIN_STEP_WORDS : words > most ? most : words;
}

/* t0: when the pause that starts the cycle began. A major clears the
 * marks; a minor keeps them, and the pages written since the last
 * collection become pending (gc_minor.c). */
static void cycle_start(uint64_t t0)
{
	sweep_some(SIZE_MAX);
	G.cycle_minor = (uint8_t)minor_chosen();
	if (G.cycle_minor)
		rescan_defer();
	else
		mark_clear_all();
	dirty_start();
	roots_push_all();
	G.phase = PHASE_MARKING;
	G.precleans = 0;
	G.step_at = G.cycle_allocd = G.interval_allocd = G.allocd;
	G.cycle_scanned = G.cycle_rescanned = G.cycle_dirty_read = G.cycle_dirty_found = 0;
	record_pause(gc_now_ns() - t0);
}

/* Scan from the mark stack, then rescan pending pages, within *budget;
 * 1 while either has work left. */
static int mark_some(size_t *budget)
{
	for (;;) {
		if (mark_drain_some(budget))
			return 1;
		if (!G.rescan_left)
			return 0;
		if (!*budget || rescan_some(budget))
			return 1;
	}
}

/* Roots and written pages again (the dirty bits already fetched), then
 * everything they lead to. With PAGODA_GC_TRACE, one line says where the
 * pause went. */
static void remark(void)
{
	uint64_t t[3];
	t[0] = gc_now_ns();
	size_t all = SIZE_MAX;
	mark_some(&all);   /* pending pages, when the heap filled before they were done */
	roots_push_all();
	mark_drain();
	t[1] = gc_now_ns();
	rescan_now();
	mark_recover_overflow();
	t[2] = gc_now_ns();
	if (G.trace)
		fprintf(stderr, "gc: remark: roots %llu us, rescan %llu us (precleans %u, allocated %zu KiB in the cycle, "
			"scanned %zu words in steps, %zu of them rescans)\n",
			(unsigned long long)(t[1] - t[0]) / 1000, (unsigned long long)(t[2] - t[1]) / 1000,
			G.precleans, (G.allocd - G.cycle_allocd) >> 10, G.cycle_scanned, G.cycle_rescanned);
}

/* The interval's marking is done and its dirty bits fetched: is a finish
 * now short? It scans the roots, the marked objects on written pages, and
 * what they reach that is unmarked: at most what was allocated in the
 * interval, since everything reachable when it began is marked by now.
 * Short: half a step, or what the step left of its budget (the pause is
 * then no longer than one full step). */
static int finish_is_short(size_t budget_left)
{
	if (!G.precleans)   /* the first interval is the whole cycle so far: pre-clean it in steps */
		return 0;
	size_t words = rescan_cost() + (G.allocd - G.interval_allocd) / sizeof(uintptr_t);
	size_t most = max_step_words() / 2 > budget_left ? max_step_words() / 2 : budget_left;
	return words <= most || G.precleans >= PRECLEAN_ROUNDS;
}

/* Start a new dirty interval; the pages written in the last one become
 * marking work for the next steps, with the roots ("pre-cleaning"). The
 * pages join the pending set before the interval starts and are scanned
 * after, so a write the scan might miss lands in the new interval. */
static void preclean(void)
{
	G.precleans++;
	rescan_defer();
	dirty_start();
	G.interval_allocd = G.allocd;
	roots_push_all();
}

/* The cycle's cost against marking the live data once, in percent: the
 * words its steps and its finish scanned, DIRTY_READ_WORDS per pagemap
 * entry read and FAULT_WORDS per soft-dirty page found (each was a write
 * fault), over the words less the rescans of written pages
 * (G.cycle_rescanned, `in_steps` of them by the steps); from 100 to
 * MAX_COST_PERCENT. incremental_trigger stretches the trigger by it: the
 * cache workload's table, written at random, is rescanned about twice per
 * cycle, half as much again as the marking. Inside Pagoda a scanned word
 * costs about 37 instructions; reading the cache's 4,700 heap pages from
 * the pagemap 0.53 million and clear_refs 0.19 million (4 words a page);
 * a write fault on a page clear_refs protected takes the copy-on-write
 * reuse path, about 400 (bench-vm's "COW fault, reuse": 11 words). */
static unsigned cycle_cost(size_t in_steps)
{
	size_t marking = G.cycle_scanned > in_steps ? G.cycle_scanned - in_steps : 0;
	size_t all = G.cycle_scanned + (G.cycle_rescanned - in_steps) + G.cycle_dirty_read * DIRTY_READ_WORDS +
		     G.cycle_dirty_found * FAULT_WORDS;
	size_t cost = marking ? all * 100 / marking : MAX_COST_PERCENT;
	return cost > MAX_COST_PERCENT ? MAX_COST_PERCENT : (unsigned)cost;
}

/* growth_percent% of the live data, times the last cycle's cost: a cycle
 * also rescans the pages written while it marked, so it waits for that
 * much more allocation, and its work per byte allocated stays what
 * growth_percent allows a stop-the-world collection (gc_collect.c). */
size_t incremental_trigger(void)
{
	size_t trigger = G.live_bytes / 100 * G.growth_percent;
	return G.cycle_cost ? trigger / 100 * G.cycle_cost : trigger;
}

/* t0: when the pause that finishes the cycle began. */
static void cycle_finish(uint64_t t0)
{
	size_t in_steps = G.cycle_rescanned;
	remark();
	rescan_drop();
	if (!G.cycle_minor) {
		G.last_scanned = G.cycle_scanned;
		G.cycle_cost = cycle_cost(in_steps);
	}
	G.phase = PHASE_IDLE;
	if (G.mode == MODE_GENERATIONAL)
		dirty_start();   /* the next minor's interval (the sweep writes no page) */
	else
		dirty_stop();
	collect_finish(t0);
	if (G.mode == MODE_GENERATIONAL)
		generational_finished(G.cycle_minor, G.cycle_scanned);
	else
		G.majors++;
	G.cycle_minor = 0;
}

/* One marking step of `words` words. When the interval's work is done,
 * finish if that is short, else pre-clean and go on marking; once the
 * pre-clean's pages are rescanned within the same step the program has
 * written nothing since, so the finish is short then (at most one
 * pre-clean per step, so a step stays one step's work). */
static void cycle_step(size_t words)
{
	uint64_t t0 = gc_now_ns();
	size_t budget = words;
	int precleaned = 0;
	G.steps++;
	G.step_words = words;
	while (!mark_some(&budget)) {
		dirty_fetch();
		if (finish_is_short(budget)) {
			cycle_finish(t0);
			return;
		}
		if (precleaned)
			break;
		preclean();
		precleaned = 1;
	}
	G.cycle_scanned += words - budget;
	record_pause(gc_now_ns() - t0);
	if (G.trace > 1)
		fprintf(stderr, "gc: step: %zu of %zu words, %zu pages pending, %llu us\n", words - budget, words,
			G.rescan_left, (unsigned long long)G.pause_last / 1000);
}

/* Allocation between two steps: STEP_BYTES, or a FINAL_STEP_SHARE of it
 * once pre-cleaning with page-grained dirty bits (the manual mode's cards
 * converge without it, and its steps would only come more often). */
static size_t step_every(void)
{
	return G.precleans && G.dirty_source != DIRTY_MANUAL ? STEP_BYTES / FINAL_STEP_SHARE : STEP_BYTES;
}

/* ---- the hooks ------------------------------------------------------------------- */

void incremental_alloc_hook(void)
{
	if (G.disabled)
		return;
	if (G.phase == PHASE_MARKING) {
		size_t bytes = G.allocd - G.step_at;
		if (bytes >= step_every()) {
			G.step_at = G.allocd;
			cycle_step(step_budget(bytes));
		}
		return;
	}
	if (cycle_due()) {
		uint64_t t0 = gc_now_ns();
		if (sweep_some(SWEEP_STEP)) {   /* the lazy sweep first, in steps too */
			record_pause(gc_now_ns() - t0);
			return;
		}
		cycle_start(gc_now_ns());
	}
}

/* The heap is full and a collection is due (gc_collect.c's policy).
 * Marking: the rest of it in this pause. Generational, and no cycle began
 * in time: the heap grows by the least chunk and a cycle (a minor or a
 * major, gc_minor.c) starts, to mark in steps; if the heap cannot grow,
 * it finishes in the same pause. */
void incremental_collect(void)
{
	uint64_t t0 = gc_now_ns();
	if (G.phase == PHASE_IDLE && G.mode == MODE_GENERATIONAL) {
		int room = heap_grow_least(1) == 0;
		cycle_start(t0);
		if (room)
			return;
	}
	if (G.phase == PHASE_MARKING) {
		dirty_fetch();
		cycle_finish(t0);
	} else {
		collect_full();
	}
}

int GC_collect_a_little(void)
{
	gc_ensure_init();
	gc_lock();
	threads_stop_world();
	if (G.phase == PHASE_MARKING)
		cycle_step(MAX_STEP_WORDS / 4);
	int more = G.phase == PHASE_MARKING;
	threads_start_world();
	gc_unlock();
	return more;
}
