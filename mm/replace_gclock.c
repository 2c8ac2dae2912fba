/*
 * Generalised clock (GCLOCK: clock with a use count per page; Linux 2.4's
 * page->age and FreeBSD's act_count are the same idea): second chance on
 * the accessed bit, where the chances add up. The kernel's clock for
 * workloads with a hot set; replace_clock.c stays the classic one (the
 * swap lab's).
 *
 *   ring: head (under the hand) <-> ... <-> tail (just behind the hand)
 *
 * The hand looks at the head page: if any PTE mapping it has the accessed
 * bit set (Intel's A bit, set by the MMU on every use), the hand clears the
 * bits and adds one to the page's age, up to GCLOCK_AGE_MAX; otherwise it
 * takes one away; a page of age 0 not used since the last look is the
 * victim. A page the hand spares goes to the tail.
 *
 * Why (bench/README.md, "## swap"): with one bit, a page used once (a scan
 * page, whose faulting access set its bit) looks as used as a hot page used
 * once per turn of the hand, so a fast scan pushes the hot set out (classic
 * clock on `hotscan`: 1.44x exact LRU's major faults). With the age, a hot
 * page survives up to GCLOCK_AGE_MAX + 1 turns without a use, a scan page
 * two.
 *
 * Always true: ring holds exactly the pages with PG_lru; each has
 * age <= GCLOCK_AGE_MAX; a page that becomes resident enters at the tail
 * with age 0; a use the accessed bits do not show (a swap-cache hit) adds
 * one to the age at once.
 * Lock: replace_lock (replace.c), held by every caller.
 * The offline model is tools/swapsim.py `gclock`.
 */
#include "replace.h"
#include "rmap.h"

enum { GCLOCK_AGE_MAX = 7 };

static struct page_list ring;

static void age_up(struct page *p)
{
	if (p->age < GCLOCK_AGE_MAX)
		p->age++;
}

static void gclock_add(struct page *p)
{
	p->age = 0;
	page_list_add_tail(&ring, p);
}

/* A page reclaim could not evict keeps its age. */
static void gclock_putback(struct page *p)
{
	page_list_add_tail(&ring, p);
}

static void gclock_remove(struct page *p)
{
	page_list_del(&ring, p);
}

/* The hand passes p: true if p is the victim. */
static bool hand_evicts(struct page *p)
{
	if (page_referenced_clear(p)) {
		age_up(p);
		return false;
	}
	if (!p->age)
		return true;
	p->age--;
	return false;
}

/* Without new uses a page is looked at most GCLOCK_AGE_MAX + 2 times (one
 * to clear its bits, one per unit of age, one to evict), so the loop ends
 * within that many turns. */
static struct page *gclock_pick(void)
{
	for (uint64_t step = 0, n = (GCLOCK_AGE_MAX + 2) * ring.count + 1; step < n; step++) {
		struct page *p = page_list_pop_head(&ring);
		if (!p || hand_evicts(p))
			return p;
		page_list_add_tail(&ring, p);
	}
	return page_list_pop_head(&ring);
}

static uint64_t gclock_nr_pages(void)
{
	return ring.count;
}

const struct replace_policy replace_gclock = {
	.name = "gclock",
	.summary = "clock with a use count: the hand ages a used page up, an unused one down, evicts at age 0",
	.page_added = gclock_add,
	.page_referenced = age_up,
	.page_removed = gclock_remove,
	.pick_victim = gclock_pick,
	.putback = gclock_putback,
	.nr_pages = gclock_nr_pages,
};
