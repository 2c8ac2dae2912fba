/*
 * The swap cache (mm/swap_state.c): pages on their way to or from swap,
 * found by swap entry.
 */
#ifndef PAGODA_SWAP_STATE_H
#define PAGODA_SWAP_STATE_H

#include "frame.h"
#include "pte.h"

/* The page caching swp, or NULL. No reference taken. */
struct page *lookup_swap_cache(pte_t swp);
/* p (a private anonymous page) now caches swp: PG_swapcache, one reference
 * held by the cache. swp's SWAP_HAS_CACHE must be set. */
void add_to_swap_cache(struct page *p, pte_t swp);
/* Remove p from the cache: clears SWAP_HAS_CACHE (freeing the slot if no PTE
 * names it) and drops the cache's reference (freeing p if it was the last).
 * p must not be under I/O. */
void delete_from_swap_cache(struct page *p);
/* No PTE names swp any more (swapfile.c swap_free): its cached page is
 * useless; drop it unless I/O is in flight (the I/O's end does it). */
void swap_cache_unused(pte_t swp);

/* Swap I/O in flight on p (PG_locked): lock before, unlock after; waiters
 * sleep until it ends. unlock_swap_page also lets the page go when no PTE
 * names its slot any more. */
void lock_swap_page(struct page *p);
void unlock_swap_page(struct page *p);
/* A frame reference kept across a sleep (swap I/O, or waiting for it):
 * pinned references are what frame_audit allows beyond the mappings and
 * the caches, since the audit may run (a reap) while their holder sleeps. */
void swap_page_pin(struct page *p);
void swap_page_unpin(struct page *p);        /* drops the reference too */
void swap_page_unpin_keep(struct page *p);   /* the reference stays, now the caller's plain one */
/* Write p (in the swap cache on swp, referenced by the caller) to its slot,
 * PG_locked while the write runs. false on a device error: p stays in the
 * cache, the only copy of its data, found by every fault. Sleeps. */
bool swap_writeout(struct page *p, pte_t swp);
/* Sleep until p's I/O has ended (p referenced by the caller). */
void wait_on_swap_page(struct page *p);

/* The frame holding swp's data, with one reference for the caller: from
 * the cache (waiting for a read or write in flight), or a new frame read
 * from the device (*major set: a major fault). 0 with *err: -ENOMEM (no
 * frame), -EIO (the device failed the read: the data is lost). */
paddr_t read_swap_cache(pte_t swp, bool *major, int *err);

uint64_t swap_cache_pages(void);   /* pages in the swap cache (SwapCached) */

#endif
