/*
 * Swap-in readahead (Linux's swapin_readahead, its simplest "cluster" form):
 * a major fault on slot s also reads slots s+1 .. s+N into the swap cache,
 * when PTEs still name them and they are not cached already. Evictions
 * write sequential slots (swapfile.c clusters them), so the pages next to a
 * faulting one on disk are often the ones evicted with it, and a program
 * that comes back to them finds them in the swap cache: a minor fault
 * instead of a major one. N is swap_readahead=N at boot (0, the default:
 * off; at most SWAP_RA_MAX).
 *
 * A page read ahead is in the swap cache only (the cache's reference, no
 * PTE, not on the policy's lists) with PG_readahead. The fault that maps it
 * clears the flag (a hit; the page then joins the policy as any swap-in).
 * One nobody maps is freed by reclaim before any mapped page
 * (swap_readahead_reclaim, first step of try_to_free_pages), oldest first,
 * or when the ring of RA_RING entries that remembers them wraps; its slot
 * keeps the data, so freeing it loses nothing.
 * Always true: every page with PG_readahead is in the swap cache; its slot
 * is in the ring unless it has been mapped since (flag cleared) or freed.
 * Lock: none of its own (one CPU, the fault path); the ring and counters are
 * touched only from process context with interrupts off. The cache's own
 * lock is taken inside swap_state.c's functions.
 */
#include "swap_readahead.h"
#include "swap_state.h"
#include "swapfile.h"
#include "../kernel/printk.h"

enum { SWAP_RA_MAX = 16, RA_RING = 256 };

struct swap_ra_counters swap_ra_stat;
static unsigned ra_pages;        /* N: 0 is off */
static pte_t ring[RA_RING];      /* slots read ahead, oldest at ring_head */
static unsigned ring_head, ring_len;

void swap_readahead_boot(const char *arg)
{
	unsigned n = 0;
	for (const char *c = arg; c && *c >= '0' && *c <= '9' && n <= SWAP_RA_MAX; c++)
		n = n * 10 + (unsigned)(*c - '0');
	ra_pages = n <= SWAP_RA_MAX ? n : 0;
	if (arg)
		pr_info("swap: readahead %u pages after each major fault%s\n", ra_pages,
			n > SWAP_RA_MAX ? " (swap_readahead= over the limit: off)" : "");
}

/* Free the page read ahead into slot e if nobody has mapped it; 1 if freed. */
static uint64_t drop_if_unused(pte_t e)
{
	struct page *p = lookup_swap_cache(e);
	if (!p || !(p->flags & PG_readahead) || p->refcount != 1 || (p->flags & (PG_locked | PG_lru)))
		return 0;
	p->flags &= ~PG_readahead;
	delete_from_swap_cache(p);   /* the cache's reference was the last */
	swap_ra_stat.dropped++;
	return 1;
}

static pte_t ring_pop(void)
{
	pte_t e = ring[ring_head];
	ring_head = (ring_head + 1) % RA_RING;
	ring_len--;
	return e;
}

static void ring_push(pte_t e)
{
	if (ring_len == RA_RING)
		drop_if_unused(ring_pop());
	ring[(ring_head + ring_len) % RA_RING] = e;
	ring_len++;
}

/* Read slot e into the swap cache and leave it there; false on a failure. */
static bool read_ahead_one(pte_t e)
{
	bool major;
	int err = 0;
	paddr_t pa = read_swap_cache(e, &major, &err);   /* with a reference for us */
	if (!pa)
		return false;
	struct page *p = pa_to_page(pa);
	if (p->flags & PG_swapcache)   /* not if its last PTE went during the read */
		p->flags |= PG_readahead;
	frame_put(pa);   /* the cache keeps it */
	ring_push(e);
	swap_ra_stat.ra++;
	return true;
}

void swap_readahead(pte_t swp, struct page *p, bool major)
{
	if (!major) {
		if (p->flags & PG_readahead) {
			p->flags &= ~PG_readahead;
			swap_ra_stat.ra_hit++;
		}
		return;
	}
	for (uint64_t off = swp_offset(swp) + 1; off <= swp_offset(swp) + ra_pages; off++) {
		pte_t e = swp_entry(swp_type(swp), off);
		if (!swap_slot_named(e) || lookup_swap_cache(e))
			continue;
		if (!read_ahead_one(e))
			break;
	}
}

uint64_t swap_readahead_reclaim(uint64_t nr)
{
	uint64_t freed = 0;
	while (freed < nr && ring_len)
		freed += drop_if_unused(ring_pop());
	return freed;
}
