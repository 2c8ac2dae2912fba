/*
 * Clock replacement, "second chance" (CS:APP 9.3.4; Corbató 1968): FIFO
 * that spares a page the MMU marked used since the hand last passed it.
 *
 *   ring: head (under the hand) <-> ... <-> tail (just behind the hand)
 *
 * The hand looks at the head page: if any PTE mapping it has the accessed
 * bit set (Intel's A bit, set by the MMU on every use), the hand clears the
 * bits and moves on (the page goes to the tail: it had its second chance);
 * otherwise the page is the victim. Always true: ring holds exactly the
 * pages with PG_lru; a page that becomes resident enters just behind the
 * hand (the tail), so it is the last one the hand reaches; PG_referenced
 * marks a use the accessed bits do not show (a swap-cache hit) and counts
 * as a set bit once.
 * Lock: replace_lock (replace.c), held by every caller.
 * The offline model is tools/swapsim.py `clock`.
 */
#include "replace.h"
#include "rmap.h"

static struct page_list ring;

static void clock_add(struct page *p)
{
	page_list_add_tail(&ring, p);
}

static void clock_referenced(struct page *p)
{
	p->flags |= PG_referenced;
}

static void clock_remove(struct page *p)
{
	page_list_del(&ring, p);
}

/* LAB swap: BEGIN */
/* used_since_last_look: the page's accessed bits (cleared) or PG_referenced (cleared). */
static bool used_since_last_look(struct page *p)
{
	bool soft = p->flags & PG_referenced;

	p->flags &= ~PG_referenced;
	return page_referenced_clear(p) || soft;
}

/* The hand goes round at most once clearing bits: the second time round
 * every bit it passed is clear, so the loop ends within 2 * count steps. */
static struct page *clock_pick(void)
{
	for (uint64_t step = 0, n = 2 * ring.count + 1; step < n; step++) {
		struct page *p = page_list_pop_head(&ring);
		if (!p || !used_since_last_look(p))
			return p;
		page_list_add_tail(&ring, p);
	}
	return page_list_pop_head(&ring);
}
/* LAB swap: END */
/* LAB swap: STUB
static struct page *clock_pick(void)
{
	// Lab swap: for now the hand spares nothing: the page at the head goes,
	// used or not, which is FIFO. Give a page the MMU marked used since the
	// hand last passed it a second chance (see SWAP.md).
	return page_list_pop_head(&ring);
}
*/

static uint64_t clock_nr_pages(void)
{
	return ring.count;
}

const struct replace_policy replace_clock = {
	.name = "clock",
	.summary = "second chance: the hand spares a page whose accessed bit is set, and clears it",
	.page_added = clock_add,
	.page_referenced = clock_referenced,
	.page_removed = clock_remove,
	.pick_victim = clock_pick,
	.putback = clock_add,
	.nr_pages = clock_nr_pages,
};
