/* gc_minor.c: the generational mode (Pagoda's GC_enable_generational):
 * young collections ("minors") marked in steps, and when a whole-heap
 * collection ("major") runs instead.
 *
 * Sticky mark bits: a minor does not clear the marks, so every object that
 * survived a collection stays marked, i.e. old, until the next major. Only
 * unmarked (young) objects can be reclaimed, and a minor's marking is the
 * roots, the old objects on pages written since the last collection (the
 * remembered set, from the dirty bits: gc_dirty.c), and the young
 * survivors, not the whole heap. Minors and majors are both
 * gc_incremental.c's cycles (steps paced by allocation, pre-cleaning, a
 * short finish, objects allocated meanwhile unmarked); they differ at the
 * start only:
 *
 *   major: clear the marks; start the dirty bits; push the roots.
 *   minor: read the dirty bits (the pages written since the last
 *          collection) and make those pages pending with the marks they
 *          have now, i.e. their old objects (gc_rescan.c), so that steps
 *          rescan them a few at a time; start the dirty bits; push the roots.
 *
 * Why a minor marks every object reachable at its finish. Invariant C: at
 * the end of every collection, each pointer held in a marked object points
 * to a marked object. After a major, C holds because marking traces from
 * every marked object to closure (the drain, overflow recovery). Between
 * two collections the dirty bits run without a gap: every collection ends
 * by starting an interval in its last pause, before the sweep (which writes
 * only unmarked objects), and a minor reads them at its start, in the same
 * pause that starts the next interval. So at a minor's start, an old object
 * holding a pointer to an unmarked object got that pointer by a store since
 * the last collection (by C it did not hold it then), and the store dirtied
 * its page: the page is pending with the object's mark, and a step rescans
 * the object's current contents. An old object on a page not written since
 * then points only to old objects. From the start on, old objects are
 * therefore as good as "scanned at the start", and gc_incremental.c's
 * argument for the major carries over word for word: a marked object was
 * scanned (or rescanned) after a store into it, or the store dirtied its
 * page in an interval of this cycle, which a pre-clean or the finish
 * rescans. C holds again at the finish by the same reasoning (each marked
 * object's words were read after their last store, or their page is
 * rescanned by the finish), so the next minor may rely on it.
 *
 * A minor's finish is bounded as a major's is (gc_incremental.c), so the
 * cost of promoting a whole new structure (GCBench's minors that kept a
 * depth-16 tree were single pauses of up to 45 million instructions) is
 * spread over steps. Old objects that die (promoted, then dropped) are
 * reclaimed only by a major.
 *
 * When a major runs instead of a minor:
 *   - the live data grew by half the growth percentage (plus MAJOR_SLACK)
 *     since the last major: old garbage may have piled up (major_due);
 *   - the heap filled before the minor's trigger was reached (gc_alloc.c);
 *   - the remembered set is more than 1/MINOR_SHARE of a full marking (the
 *     cache workload allocates into the holes of old blocks and writes a
 *     table at random, so every old page is written and a minor costs what
 *     a major does but reclaims less): minors are then "costly" and stay so
 *     (program phases are not tracked); majors are paced as incremental
 *     cycles, at COSTLY_STRETCH times the growth trigger: the heap room a
 *     young generation would have used goes to fewer majors, each of
 *     which costs a full marking and the rescans of the written pages
 *     (the cache: 8 majors became 5, 441 -> 350 million instructions, heap
 *     18.2 -> 24.0 MiB, Boehm's 25.9).
 *
 * Owns: G.major_due, G.minors_costly, G.major_live, G.minor_scanned,
 * G.cycle_minor, G.minors, G.minors_at_major. Invariant: G.cycle_minor is 1 only in
 * PHASE_MARKING of the generational mode, and then no mark has been
 * cleared since the last collection.
 *
 * Callers: gc_incremental.c (cycle_start, cycle_finish, the pacing's
 * estimate), gc_collect.c (collect_trigger, collect_full).
 */
#include <stdio.h>
#include "gc_internal.h"
#include "include/gc/gc.h"

enum {
	MAJOR_SLACK = 512 << 10,   /* growth of the live data that calls for a major */
	MINOR_SHARE = 4,           /* a remembered set over 1/4 of a full marking makes minors costly */
	MINOR_FREE_WORDS = 128 << 10, /* ... and over this (about a step: a small heap's minors are never costly) */
	COSTLY_STRETCH = 2,        /* the major trigger's factor once minors are costly */
};

void GC_enable_generational(void)
{
	if (incremental_enable(MODE_GENERATIONAL) == 0 && G.phase == PHASE_IDLE) {
		G.major_live = G.live_bytes;
		dirty_start();   /* marks of the last collection are the old objects */
	}
}

/* Is the next cycle planned as a minor (or is the current one a minor)? */
int minor_next(void)
{
	if (G.phase == PHASE_MARKING)
		return G.cycle_minor;
	return G.mode == MODE_GENERATIONAL && !G.major_due && !G.minors_costly;
}

/* Bytes a minor's marking scans, for the pacing (gc_incremental.c): what
 * the last minor scanned; before the first, what a major would (so the
 * first starts early rather than late). */
size_t minor_estimate(size_t major_estimate)
{
	size_t last = G.minor_scanned * sizeof(uintptr_t);
	return last && last < major_estimate ? last : major_estimate;
}

/* At a cycle's start (the lazy sweep done): is it a minor? Reads the
 * dirty bits, and if rescanning the remembered set costs more than
 * 1/MINOR_SHARE of marking the live data (and more than MINOR_FREE_WORDS),
 * minors are costly from now on. */
int minor_chosen(void)
{
	if (!minor_next())
		return 0;
	dirty_fetch();
	size_t most = G.live_bytes / sizeof(uintptr_t) / MINOR_SHARE, cost = rescan_cost();
	if (cost > (most > MINOR_FREE_WORDS ? most : MINOR_FREE_WORDS))
		G.minors_costly = 1;
	if (G.trace)
		fprintf(stderr, "gc: minor: remembered set %zu words to rescan, %s\n", cost,
			G.minors_costly ? "costly: a major instead (and from now on)" : "minor starts");
	return !G.minors_costly;
}

/* The allocation that calls for the next (or current) cycle, from the
 * growth policy's `major` and `minor` triggers (gc_collect.c): a minor's;
 * COSTLY_STRETCH times the major's once minors are costly; else the
 * major's, but for a major that came due after minors: the live data
 * then counts what they promoted, some of it dead (old garbage), so the
 * major starts at once and ends within the heap's room (at least `least`)
 * when that is less (growing by the trigger of that inflated live data took
 * GCBench's heap from 23 to 34 MiB). */
size_t generational_trigger(size_t major, size_t minor, size_t least)
{
	if (minor_next())
		return minor;
	if (G.minors_costly)
		return major * COSTLY_STRETCH;
	size_t room = G.heap_bytes > G.live_bytes ? G.heap_bytes - G.live_bytes : 0;
	if (!G.major_due || G.minors == G.minors_at_major || room >= major)
		return major;
	return room > least ? room : least;
}

/* After a cycle's collect_finish: the minor and major bookkeeping.
 * `scanned`: the words its steps scanned. */
void generational_finished(int minor, size_t scanned)
{
	if (!minor) {
		G.major_live = G.live_bytes;
		G.major_due = 0;
		G.majors++;
		G.minors_at_major = G.minors;
		return;
	}
	G.minors++;
	G.minor_scanned = scanned;
	if (G.live_bytes > G.major_live / 200 * (200 + G.growth_percent) + MAJOR_SLACK)
		G.major_due = 1;   /* old garbage may have piled up: mark everything */
}
