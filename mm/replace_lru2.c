/*
 * Two-list approximation of LRU, as Linux's active and inactive lists
 * (mm/vmscan.c there): a page must prove it is used twice before it is
 * protected, so a scan that touches many pages once cannot push out the
 * pages in real use (scan resistance).
 *
 *   inactive: head (oldest: looked at next) <-> ... <-> tail (newest)
 *   active:   head (oldest: demoted next)   <-> ... <-> tail (newest)
 *
 * A page that becomes resident enters the inactive tail. Reclaim looks at
 * the inactive head: not used since the last look (no accessed bit set in
 * any PTE mapping it) -> the victim; used, first time (PG_referenced
 * clear) -> PG_referenced, back to the inactive tail; used again with
 * PG_referenced set -> promoted to the active tail (PG_active). Before each
 * look, while the active list is longer than 3/4 of the inactive one, its
 * head is demoted to the inactive tail (PG_active and PG_referenced
 * cleared) unless it was used since the last look, in which case it goes
 * round the active list once more.
 *
 * Refault distance (Linux's mm/workingset.c, Johannes Weiner 2012): each
 * eviction leaves a shadow entry, the eviction count at that moment, keyed
 * by the slot the page went to. When a major fault reads the page back,
 * distance = evictions since then: the page would have stayed resident had
 * memory held `distance` more pages. If distance <= the pages on the lists,
 * it was part of a working set that memory could hold, so it enters the
 * active list at once (PG_workingset) instead of proving itself twice on
 * the inactive list: a working set that comes back (the `shift` string)
 * is protected from its first fault. The 3:4 list ratio leaves the
 * inactive list long enough for a new working set's pages to be seen twice.
 * Shadows sit in a table direct-mapped by slot offset (NR_SHADOWS: 128 MiB
 * of swap without a collision, 256 KiB of table): a collision or a slot
 * reused forgets the older one (a refault then enters inactive, as without
 * shadows).
 *
 * Always true: every page with PG_lru is on exactly one list, the active one
 * iff PG_active; active.count + inactive.count == replace_nr_pages(); the
 * victim always comes from the inactive list; a shadow's key names one
 * slot (type and offset) and its age is the eviction count when that slot
 * last received an evicted page.
 * Lock: replace_lock (replace.c), held by every caller.
 * The offline model is tools/swapsim.py `lru2`.
 */
#include "replace.h"
#include "pte.h"
#include "rmap.h"

static struct page_list active, inactive;

enum { NR_SHADOWS = 1 << 15 };
static uint32_t shadow_key[NR_SHADOWS];     /* shadow_key_of(the slot), 0: none */
static uint32_t shadow_age[NR_SHADOWS];     /* evictions when it went there (wraps: differences are right) */
static uint32_t evictions;                  /* Linux's nonresident age */

static void promote(struct page *p)
{
	p->flags = (p->flags | PG_active) & ~PG_referenced;
	page_list_add_tail(&active, p);
}

/* A new page enters inactive; one a refault found recently evicted,
 * active. */
static void lru2_add(struct page *p)
{
	if (p->flags & PG_workingset) {
		p->flags &= ~PG_workingset;
		promote(p);
		return;
	}
	page_list_add_tail(&inactive, p);
}

static uint64_t shadow_index(pte_t swp)
{
	return swp_offset(swp) % NR_SHADOWS;
}

static uint32_t shadow_key_of(pte_t swp)
{
	return (uint32_t)(swp_offset(swp) + 1) ^ (uint32_t)swp_type(swp) << 27;
}

static void lru2_evicted(struct page *p, pte_t swp)
{
	(void)p;
	evictions++;
	shadow_key[shadow_index(swp)] = shadow_key_of(swp);
	shadow_age[shadow_index(swp)] = evictions;
}

/* The refault distance test; the shadow is used up either way. */
static void lru2_refault(struct page *p, pte_t swp)
{
	uint64_t i = shadow_index(swp);
	if (shadow_key[i] != shadow_key_of(swp))
		return;
	shadow_key[i] = 0;
	if ((uint32_t)(evictions - shadow_age[i]) <= active.count + inactive.count)
		p->flags |= PG_workingset;
}

static struct page_list *list_of(struct page *p)
{
	return p->flags & PG_active ? &active : &inactive;
}

static void lru2_remove(struct page *p)
{
	page_list_del(list_of(p), p);
}

/* A use the accessed bits may not show (a swap-cache hit): Linux's
 * mark_page_accessed, the second use in a row promotes. */
static void lru2_referenced(struct page *p)
{
	if ((p->flags & (PG_active | PG_referenced)) != PG_referenced) {
		p->flags |= PG_referenced;
		return;
	}
	page_list_del(&inactive, p);
	promote(p);
}

/* Is the active list over 3/4 of the inactive one? */
static bool active_too_long(void)
{
	return 4 * active.count > 3 * inactive.count;
}

/* shrink_active: demote from the active head while it is too long; a used
 * page is spared once per call (bounded by the count). */
static void shrink_active(void)
{
	uint64_t spared = 0, limit = active.count;

	while (active_too_long()) {
		struct page *p = page_list_pop_head(&active);
		if (spared++ < limit && page_referenced_clear(p)) {
			page_list_add_tail(&active, p);
			continue;
		}
		p->flags &= ~(PG_active | PG_referenced);
		page_list_add_tail(&inactive, p);
	}
}

/* look_at: the inactive head's fate; returns it if it is the victim. */
static struct page *look_at(struct page *p)
{
	if (!page_referenced_clear(p))
		return p;
	if (p->flags & PG_referenced)
		promote(p);
	else {
		p->flags |= PG_referenced;
		page_list_add_tail(&inactive, p);
	}
	return NULL;
}

/* Each page is looked at most three times (rotate, promote or evict; a
 * promoted page leaves the inactive list), so the loop is bounded. */
static struct page *lru2_pick(void)
{
	for (uint64_t step = 0, n = 3 * (active.count + inactive.count) + 1; step < n; step++) {
		shrink_active();
		struct page *p = page_list_pop_head(&inactive);
		if (!p || look_at(p))
			return p;
	}
	shrink_active();
	return page_list_pop_head(&inactive);
}

static uint64_t lru2_nr_pages(void)
{
	return active.count + inactive.count;
}

const struct replace_policy replace_lru2 = {
	.name = "lru2",
	.summary = "active and inactive lists: a page used twice is protected from a one-pass scan",
	.page_added = lru2_add,
	.page_referenced = lru2_referenced,
	.page_removed = lru2_remove,
	.pick_victim = lru2_pick,
	.putback = lru2_add,
	.nr_pages = lru2_nr_pages,
	.page_evicted = lru2_evicted,
	.page_refault = lru2_refault,
};
