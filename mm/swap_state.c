/*
 * The swap cache (Linux mm/swap_state.c): a page being written to swap or
 * read back is found here by its swap entry, so a second fault on the same
 * slot waits for the first one's I/O instead of reading it twice, and a
 * fault during eviction gets the page back without any I/O.
 *
 *   swap_hash[h(entry)] -> page -> page ...   (chained through hash_next,
 *                                              free for anonymous pages)
 * Invariants:
 *   - a page is in the hash  <=>  PG_swapcache  <=>  its slot has
 *     SWAP_HAS_CACHE; the cache holds one reference on it;
 *   - a cached page is clean with respect to its slot once no I/O is in
 *     flight: it is mapped read-only while other PTEs still name the slot
 *     (a write copies it, CS:APP 9.8.2), and the swap-in that takes the last
 *     reference removes it from the cache before mapping it writable;
 *   - PG_locked (I/O in flight) pages are never removed; unlock_swap_page
 *     removes them if their slot has no PTE left.
 * Lock: swap_cache_lock (spinlock) guards the hash and the count; it is
 * never held across I/O or a sleep.
 */
#include "swap_state.h"
#include "replace.h"
#include "swapfile.h"
#include "mm.h"
#include "vmscan.h"
#include "../kernel/errno.h"
#include "../kernel/panic.h"
#include "../kernel/spinlock.h"

enum { SWAP_HASH = 256 };

static struct page *swap_hash[SWAP_HASH];
static uint64_t nr_cached;
static struct spinlock swap_cache_lock = SPINLOCK_INIT("swap_cache");

static struct page **hash_slot(pte_t swp)
{
	return &swap_hash[swp_offset(swp) % SWAP_HASH];
}

struct page *lookup_swap_cache(pte_t swp)
{
	spin_lock(&swap_cache_lock);
	struct page *p = *hash_slot(swp);
	while (p && p->swap_entry != swp)
		p = p->hash_next;
	spin_unlock(&swap_cache_lock);
	return p;
}

void add_to_swap_cache(struct page *p, pte_t swp)
{
	kassert(!(p->flags & PG_swapcache) && p->use == FRAME_USER);
	frame_get(page_to_pa(p));
	spin_lock(&swap_cache_lock);
	p->flags |= PG_swapcache;
	p->swap_entry = swp;
	p->hash_next = *hash_slot(swp);
	*hash_slot(swp) = p;
	nr_cached++;
	spin_unlock(&swap_cache_lock);
}

static void unhash(struct page *p)
{
	struct page **pp = hash_slot(p->swap_entry);
	while (*pp != p)
		pp = &(*pp)->hash_next;
	*pp = p->hash_next;
	p->hash_next = NULL;
}

void delete_from_swap_cache(struct page *p)
{
	kassert((p->flags & PG_swapcache) && !(p->flags & PG_locked));
	spin_lock(&swap_cache_lock);
	unhash(p);
	p->flags &= ~PG_swapcache;
	nr_cached--;
	spin_unlock(&swap_cache_lock);
	pte_t swp = p->swap_entry;
	p->swap_entry = 0;
	swapcache_free(swp);
	frame_put(page_to_pa(p));
}

void swap_cache_unused(pte_t swp)
{
	struct page *p = lookup_swap_cache(swp);
	if (p && !(p->flags & PG_locked))
		delete_from_swap_cache(p);
}

uint64_t swap_cache_pages(void)
{
	return nr_cached;
}

/* ---- I/O in flight ---- */

void lock_swap_page(struct page *p)
{
	kassert(!(p->flags & PG_locked));
	p->flags |= PG_locked;
}

void unlock_swap_page(struct page *p)
{
	p->flags &= ~PG_locked;
	wake_up_all(p);
	if ((p->flags & PG_swapcache) && swap_count(p->swap_entry) == 0)
		delete_from_swap_cache(p);   /* every PTE naming the slot went while the I/O ran */
}

void swap_page_pin(struct page *p)
{
	frame_get(page_to_pa(p));
	p->pins++;
}

void swap_page_unpin_keep(struct page *p)
{
	kassert(p->pins);
	p->pins--;
}

void swap_page_unpin(struct page *p)
{
	swap_page_unpin_keep(p);
	frame_put(page_to_pa(p));
}

bool swap_writeout(struct page *p, pte_t swp)
{
	lock_swap_page(p);
	if (swap_writepage(swp, page_to_pa(p)) == 0) {
		unlock_swap_page(p);
		return true;
	}
	p->flags &= ~PG_locked;   /* still in the cache: the only copy of its data */
	wake_up_all(p);
	return false;
}

void wait_on_swap_page(struct page *p)
{
	while (p->flags & PG_locked)
		sleep_until_woken(p);
}

/* ---- swap-in ---- */

/* A new frame for swp, in the cache and locked while the device fills it. */
static paddr_t read_new_page(pte_t swp, int *err)
{
	paddr_t pa = frame_alloc_reclaim(FRAME_USER);   /* may sleep in reclaim */
	if (!pa) {
		*err = -ENOMEM;
		return 0;
	}
	if (!swap_slot_named(swp) || lookup_swap_cache(swp)) {
		frame_put(pa);   /* while we slept its last PTE went, or another read of it began */
		*err = -EAGAIN;
		return 0;
	}
	struct page *p = pa_to_page(pa);
	swapcache_prepare(swp);
	add_to_swap_cache(p, swp);   /* our reference + the cache's */
	p->pins++;                   /* ours is held across the read */
	lock_swap_page(p);
	*err = swap_readpage(swp, pa);
	swap_page_unpin_keep(p);
	if (*err) {   /* the data is lost: nobody may map this frame */
		p->flags &= ~PG_locked;
		wake_up_all(p);
		delete_from_swap_cache(p);
		frame_put(pa);
		return 0;
	}
	unlock_swap_page(p);
	return pa;
}

paddr_t read_swap_cache(pte_t swp, bool *major, int *err)
{
	struct page *p = lookup_swap_cache(swp);
	*major = false;
	if (!p) {
		*major = true;
		return read_new_page(swp, err);
	}
	swap_page_pin(p);
	wait_on_swap_page(p);
	if (!(p->flags & PG_swapcache) || p->swap_entry != swp) {   /* its read failed meanwhile */
		swap_page_unpin(p);
		*err = -EAGAIN;
		return 0;
	}
	swap_page_unpin_keep(p);   /* the caller maps it without sleeping */
	return page_to_pa(p);
}
