/* gc_incremental.c: incremental and generational collection, from the
 * kernel's dirty bits (gc_dirty.c). bdwgc's GC_enable_incremental, and
 * Pagoda's GC_enable_generational.
 *
 * Incremental (MODE_INCREMENTAL): one collection is spread over many short
 * pauses instead of one long one.
 *
 *   IDLE --allocd >= START% of the trigger--> sweep what the lazy sweep left,
 *        SWEEP_STEP blocks per allocation slow path; then start: clear the
 *        marks, start the dirty bits, push the roots
 *   MARKING: every STEP_BYTES of allocation, scan G.step_words words from
 *        the mark stack (paced by step_words so that marking ends before
 *        the heap fills); the program runs between the steps
 *        (objects it allocates meanwhile are unmarked, "white")
 *   stack empty --> pre-clean (preclean): push the roots and the marked
 *        objects on pages written since the interval began, start a new
 *        interval, keep marking in steps; until an interval leaves few
 *        written pages (or after PRECLEAN_ROUNDS), then
 *   stack empty --> finish (stop the world): rescan the roots, and every
 *        marked object on a page written in the last interval, drain, then
 *        finalize and sweep as usual --> IDLE
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
 * Generational (MODE_GENERATIONAL, "sticky mark bits"): between full
 * ("major") collections, marks are not cleared: every object that survived
 * a collection stays marked, i.e. old. A minor collection (stop the world)
 * marks from the roots and from the marked objects on pages written since
 * the last collection, and sweeps: only unmarked (young) objects can be
 * reclaimed, and the work is the roots, the written pages and the young
 * survivors, not the whole heap. When the live data has grown by half the
 * growth percentage (plus MAJOR_SLACK) since the last major, the next major
 * runs as an incremental cycle. Minors collect after young_percent% of the live data is allocated.
 *
 * Owns: G.mode, G.phase, G.step_at, G.step_words, G.precleans, G.major_live, G.major_due, the minor,
 * major and step counts. Invariant: PHASE_MARKING only outside STW mode;
 * during it, the sweep lists are empty (so no lazy sweep reads mark bits
 * that are being rebuilt).
 */
#include <stdio.h>
#include <string.h>
#include "gc_internal.h"
#include "include/gc/gc.h"

enum {
	STEP_BYTES = 64 << 10,    /* allocation between two marking steps */
	MIN_STEP_WORDS = 16 << 10, /* the least a step scans */
	START_PERCENT = 30,       /* of the trigger, when a cycle starts */
	MAJOR_SLACK = 512 << 10,  /* growth of the live data that calls for a major */
	SWEEP_STEP = 256,         /* blocks swept per step before a cycle starts */
	PRECLEAN_ROUNDS = 8,      /* dirty intervals a cycle may take before its finish */
	PRECLEAN_PAGES = 32,      /* written pages few enough to leave to the finish */
};

/* ---- modes ----------------------------------------------------------------- */

static int enable(enum gc_mode mode)
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
	enable(MODE_INCREMENTAL);
}

void GC_enable_generational(void)
{
	if (enable(MODE_GENERATIONAL) == 0 && G.phase == PHASE_IDLE) {
		G.major_live = G.live_bytes;
		dirty_start();   /* marks of the last collection are the old objects */
	}
}

int GC_is_incremental_mode(void)
{
	return G.mode != MODE_STW;
}

const char *GC_get_dirty_bits_source(void)
{
	static const char *const names[] = { "none", "soft-dirty", "mprotect" };
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

/* Words each step scans so that marking ends before the heap fills: all
 * that may be live (the last collection's live data and everything
 * allocated since) spread over the allocation left before the trigger, half
 * again as margin. Fixed
 * rates lose the race when live data is large next to the trigger: the
 * heap filled mid-cycle and the finish marked the rest in one pause. */
static size_t step_words(void)
{
	size_t trigger = collect_trigger(), left = trigger > G.allocd ? trigger - G.allocd : 0;
	size_t steps = left / STEP_BYTES ? left / STEP_BYTES : 1;
	size_t words = (G.live_bytes + G.allocd) / sizeof(uintptr_t) / steps * 3 / 2;
	return words > MIN_STEP_WORDS ? words : MIN_STEP_WORDS;
}

static void cycle_start(void)
{
	uint64_t t0 = gc_now_ns();
	sweep_some(SIZE_MAX);
	mark_clear_all();
	dirty_start();
	roots_push_all();
	G.phase = PHASE_MARKING;
	G.precleans = 0;
	G.step_at = G.allocd;
	G.step_words = step_words();
	record_pause(gc_now_ns() - t0);
}

/* Rescan what marked objects on written pages point to. */
static void rescan_page(struct gc_chunk *c, size_t i)
{
	char *page = c->base + i * GC_PAGE;
	struct gc_block *b = block_of((uintptr_t)page);
	if (!b || b->kind == BLOCK_FREE || b->okind == OBJ_ATOMIC)
		return;
	if (b->kind == BLOCK_LARGE) {
		if (!(b->mark[0] & 1))
			return;
		if (b->okind == OBJ_TYPED)
			mark_contents(b, b->start);
		else
			mark_range((uintptr_t *)page, (uintptr_t *)(page + GC_PAGE));
		return;
	}
	for (uint32_t k = 0; k < b->n; k++)
		if (mark_test(b, k))
			mark_contents(b, b->start + (size_t)k * b->size);
}

/* Returns the number of dirty pages (of every page in *all). */
static size_t rescan_dirty(size_t *all)
{
	size_t n = 0;
	*all = 0;
	for (struct gc_chunk *c = G.chunks; c; c = c->next) {
		*all += c->npages;
		for (size_t i = 0; i < c->npages; i++)
			if (dirty_test(c, i)) {
				n++;
				rescan_page(c, i);
				mark_drain();
			}
	}
	return n;
}

/* Roots and written pages again, then everything they lead to. With
 * PAGODA_GC_TRACE, one line says where the pause went. */
static void remark(void)
{
	uint64_t t[4];
	size_t all;
	t[0] = gc_now_ns();
	dirty_fetch();
	t[1] = gc_now_ns();
	roots_push_all();
	mark_drain();
	t[2] = gc_now_ns();
	size_t dirty = rescan_dirty(&all);
	mark_recover_overflow();
	t[3] = gc_now_ns();
	if (G.trace)
		fprintf(stderr, "gc: remark: fetch dirty bits %llu us, roots %llu us, rescan %zu of %zu pages %llu us\n",
			(unsigned long long)(t[1] - t[0]) / 1000, (unsigned long long)(t[2] - t[1]) / 1000, dirty, all,
			(unsigned long long)(t[3] - t[2]) / 1000);
}

/* Push what the marked objects on written pages point to, without
 * draining; returns how many pages were written. */
static size_t push_dirty(void)
{
	size_t n = 0;
	for (struct gc_chunk *c = G.chunks; c; c = c->next)
		for (size_t i = 0; i < c->npages; i++)
			if (dirty_test(c, i)) {
				n++;
				rescan_page(c, i);
			}
	return n;
}

/* The mark stack ran dry in a step. Finishing now would rescan, in the
 * pause, every page written since the cycle started and trace everything
 * allocated since that the roots reach. Instead take the written pages and
 * the roots as ordinary marking work for the next steps and start a new
 * dirty interval ("pre-cleaning"), until an interval leaves few written
 * pages or PRECLEAN_ROUNDS were tried; then the finish has only the last
 * interval's pages. Returns 1 while marking goes on. */
static int preclean(void)
{
	if (G.precleans >= PRECLEAN_ROUNDS)
		return 0;
	G.precleans++;
	dirty_fetch();
	size_t pages = push_dirty();
	dirty_start();   /* the next interval; the pages just pushed are scanned after it began */
	roots_push_all();
	return pages > PRECLEAN_PAGES;
}

/* t0: when the pause that finishes the cycle began. */
static void cycle_finish(uint64_t t0)
{
	remark();
	G.phase = PHASE_IDLE;
	if (G.mode == MODE_GENERATIONAL)
		dirty_start();   /* the next minor's interval (the sweep writes no page) */
	else
		dirty_stop();
	collect_finish(t0);
	G.majors++;
	if (G.mode == MODE_GENERATIONAL) {
		G.major_live = G.live_bytes;
		G.major_due = 0;
	}
}

/* One marking step of about `words` words; finishes the cycle when the
 * mark stack runs dry. */
static void cycle_step(size_t words)
{
	uint64_t t0 = gc_now_ns();
	G.steps++;
	if (mark_drain_some(words) || preclean())
		record_pause(gc_now_ns() - t0);
	else
		cycle_finish(t0);   /* overflow, if any, is recovered there */
}

/* ---- generational minor collections --------------------------------------------- */

static void minor_collect(void)
{
	uint64_t t0 = gc_now_ns();
	remark();
	dirty_start();   /* before the sweep, which writes no heap page: in the pause */
	collect_finish(t0);
	G.minors++;
	if (G.live_bytes > G.major_live / 200 * (200 + G.growth_percent) + MAJOR_SLACK)
		G.major_due = 1;   /* old garbage may have piled up: mark everything */
}

/* ---- the hooks ------------------------------------------------------------------- */

void incremental_alloc_hook(void)
{
	if (G.disabled)
		return;
	if (G.phase == PHASE_MARKING) {
		if (G.allocd - G.step_at >= STEP_BYTES) {
			G.step_at = G.allocd;
			cycle_step(G.step_words);
		}
		return;
	}
	if ((G.mode == MODE_INCREMENTAL || G.major_due) && G.allocd >= collect_trigger() / 100 * START_PERCENT) {
		uint64_t t0 = gc_now_ns();
		if (sweep_some(SWEEP_STEP)) {   /* the lazy sweep first, in steps too */
			record_pause(gc_now_ns() - t0);
			return;
		}
		cycle_start();
	}
}

/* The heap is full and a collection is due (gc_collect.c's policy). */
void incremental_collect(void)
{
	if (G.phase == PHASE_MARKING)
		cycle_finish(gc_now_ns());   /* the rest of the marking in this pause */
	else if (G.mode == MODE_GENERATIONAL && !G.major_due)
		minor_collect();
	else
		collect_full();
}

int GC_collect_a_little(void)
{
	gc_ensure_init();
	gc_lock();
	threads_stop_world();
	if (G.phase == PHASE_MARKING)
		cycle_step(G.step_words);
	int more = G.phase == PHASE_MARKING;
	threads_start_world();
	gc_unlock();
	return more;
}
