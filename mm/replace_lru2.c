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
 * look, while the active list is longer than the inactive one, its head is
 * demoted to the inactive tail (PG_active and PG_referenced cleared) unless
 * it was used since the last look, in which case it goes round the active
 * list once more.
 * Always true: every page with PG_lru is on exactly one list, the active one
 * iff PG_active; active.count + inactive.count == replace_nr_pages(); the
 * victim always comes from the inactive list.
 * Lock: replace_lock (replace.c), held by every caller.
 * The offline model is tools/swapsim.py `lru2`.
 */
#include "replace.h"
#include "rmap.h"

static struct page_list active, inactive;

static void lru2_add(struct page *p)
{
	page_list_add_tail(&inactive, p);
}

static struct page_list *list_of(struct page *p)
{
	return p->flags & PG_active ? &active : &inactive;
}

static void lru2_remove(struct page *p)
{
	page_list_del(list_of(p), p);
}

static void promote(struct page *p)
{
	p->flags = (p->flags | PG_active) & ~PG_referenced;
	page_list_add_tail(&active, p);
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

/* shrink_active: demote from the active head while active outnumbers
 * inactive; a used page is spared once per call (bounded by the count). */
static void shrink_active(void)
{
	uint64_t spared = 0, limit = active.count;

	while (active.count > inactive.count) {
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
};
