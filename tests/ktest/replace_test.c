/* The replacement policies behind mm/replace.h, driven directly with frames
 * nobody maps (so no accessed bit is ever set: the uses they see are the
 * ones a test reports through page_referenced, a swap-cache hit). Each test
 * needs its policy idle: the ktest boot runs the default policy (fifo). */
#include "../../kernel/ktest.h"
#include "../../mm/frame.h"
#include "../../mm/replace.h"

enum { NPAGES = 6 };

static void get_pages(struct page **p, int n)
{
	for (int i = 0; i < n; i++)
		p[i] = pa_to_page(frame_alloc(FRAME_USER));
}

/* drop: off the policy's lists (if still there) and back to the allocator. */
static void drop(const struct replace_policy *pol, struct page **p, int n, struct page **gone, int ngone)
{
	for (int i = 0; i < n; i++) {
		int picked = 0;
		for (int j = 0; j < ngone; j++)
			picked |= gone[j] == p[i];
		if (!picked)
			pol->page_removed(p[i]);
		p[i]->flags &= ~(PG_active | PG_referenced);
		frame_put(page_to_pa(p[i]));
	}
}

KTEST(replace_clock_spares_a_used_page_once)
{
	const struct replace_policy *pol = &replace_clock;
	struct page *p[3], *v[3];

	KT_EQ(pol->nr_pages(), 0);
	get_pages(p, 3);
	for (int i = 0; i < 3; i++)
		pol->page_added(p[i]);      /* ring: p0 p1 p2, the hand at p0 */
	pol->page_referenced(p[0]);     /* used: the hand spares it, once */
	for (int i = 0; i < 3; i++)
		v[i] = pol->pick_victim();
	KT_EQ(v[0], p[1]);
	KT_EQ(v[1], p[2]);
	KT_EQ(v[2], p[0]);
	KT_EQ(pol->pick_victim(), NULL);
	drop(pol, p, 3, v, 3);
}

/* gclock: uses add up. The hand takes one use away per look, so a page
 * used twice outlives one used once, which outlives one never used
 * (classic clock would take p0 before p1: each has one second chance). */
KTEST(replace_gclock_spares_a_page_per_use)
{
	const struct replace_policy *pol = &replace_gclock;
	struct page *p[3], *v[3];

	KT_EQ(pol->nr_pages(), 0);
	get_pages(p, 3);
	for (int i = 0; i < 3; i++)
		pol->page_added(p[i]);      /* ring: p0 p1 p2, each age 0 */
	pol->page_referenced(p[0]);
	pol->page_referenced(p[0]);     /* p0: age 2 */
	pol->page_referenced(p[1]);     /* p1: age 1 */
	KT_EQ(p[0]->age, 2);
	for (int i = 0; i < 3; i++)
		v[i] = pol->pick_victim();
	KT_EQ(v[0], p[2]);              /* p0 down to 1, p1 to 0 on the way */
	KT_EQ(v[1], p[1]);              /* p0 down to 0 */
	KT_EQ(v[2], p[0]);
	KT_EQ(pol->pick_victim(), NULL);
	drop(pol, p, 3, v, 3);
}

KTEST(replace_gclock_age_stops_at_its_maximum)
{
	const struct replace_policy *pol = &replace_gclock;
	struct page *p[1];

	get_pages(p, 1);
	pol->page_added(p[0]);
	for (int i = 0; i < 20; i++)
		pol->page_referenced(p[0]);
	KT_EQ(p[0]->age, 7);
	KT_EQ(pol->pick_victim(), p[0]);   /* the only page: aged down to 0 and taken */
	drop(pol, p, 1, p, 1);
}

KTEST(replace_lru2_keeps_pages_used_twice_through_a_scan)
{
	const struct replace_policy *pol = &replace_lru2;
	struct page *p[NPAGES], *v[4];

	KT_EQ(pol->nr_pages(), 0);
	get_pages(p, NPAGES);
	for (int i = 0; i < 2; i++) {   /* p0, p1: the hot set, used twice: active */
		pol->page_added(p[i]);
		pol->page_referenced(p[i]);
		pol->page_referenced(p[i]);
		KT_ASSERT(p[i]->flags & PG_active);
	}
	for (int i = 2; i < NPAGES; i++)   /* p2..p5: a scan, each used once */
		pol->page_added(p[i]);
	KT_EQ(pol->nr_pages(), NPAGES);
	for (int i = 0; i < 4; i++)
		v[i] = pol->pick_victim();
	for (int i = 0; i < 4; i++)
		KT_EQ(v[i], p[2 + i]);   /* the scan goes, in order; the hot set stays */
	KT_EQ(pol->nr_pages(), 2);
	drop(pol, p, NPAGES, v, 4);
	KT_EQ(pol->nr_pages(), 0);
}

/* An accessed bit the working-set sampler cleared (mm/workingset.c) comes
 * back to the policy as PG_young: the hand spares the page as if it had
 * seen the bit, and the flag is used up. */
KTEST(replace_clock_sees_a_bit_the_sampler_cleared)
{
	const struct replace_policy *pol = &replace_clock;
	struct page *p[3], *v[3];

	get_pages(p, 3);
	for (int i = 0; i < 3; i++)
		pol->page_added(p[i]);
	p[0]->flags |= PG_young;        /* what replace_page_young sets */
	for (int i = 0; i < 3; i++)
		v[i] = pol->pick_victim();
	KT_EQ(v[0], p[1]);
	KT_EQ(v[2], p[0]);
	KT_ASSERT(!(p[0]->flags & PG_young));
	drop(pol, p, 3, v, 3);
}

/* lru2's refault distance: a page read back from a slot it was evicted to
 * a few evictions ago enters the active list at once; one from a slot
 * with no shadow enters the inactive list. */
KTEST(replace_lru2_recent_refault_enters_active)
{
	const struct replace_policy *pol = &replace_lru2;
	struct page *p[4];

	get_pages(p, 4);
	for (int i = 0; i < 2; i++)
		pol->page_added(p[i]);
	pol->page_evicted(p[1], swp_entry(0, 7));   /* as reclaim would, after writing it */
	pol->page_removed(p[1]);
	pol->page_refault(p[2], swp_entry(0, 7));   /* distance 1 <= 1 page on the lists */
	pol->page_refault(p[3], swp_entry(0, 8));   /* no shadow */
	pol->page_added(p[2]);
	pol->page_added(p[3]);
	KT_ASSERT(p[2]->flags & PG_active);
	KT_ASSERT(!(p[3]->flags & PG_active));
	KT_ASSERT(!(p[2]->flags & PG_workingset));
	pol->page_removed(p[0]);
	pol->page_removed(p[2]);
	pol->page_removed(p[3]);
	for (int i = 0; i < 4; i++) {
		p[i]->flags &= ~(PG_active | PG_referenced);
		frame_put(page_to_pa(p[i]));
	}
	KT_EQ(pol->nr_pages(), 0);
}
