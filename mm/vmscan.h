/*
 * Reclaim (mm/vmscan.c): freeing frames by evicting pages to swap.
 */
#ifndef PAGODA_VMSCAN_H
#define PAGODA_VMSCAN_H

#include "frame.h"

/* Evict up to nr pages (clean page-cache pages first, then anonymous pages
 * to swap, in the replacement policy's order); how many frames were freed.
 * May sleep (swap writes): never with a spinlock held. */
uint64_t try_to_free_pages(uint64_t nr);
/* frame_alloc, with direct reclaim and one retry when memory is out (the
 * fault path, which may sleep; without swap only clean page cache can go).
 * Returns 0 only when nothing could be freed: the caller's out-of-memory
 * case. */
paddr_t frame_alloc_reclaim(enum frame_use use);
paddr_t frame_alloc_reclaim_zeroed(enum frame_use use);
/* kmalloc, for a caller that may sleep: when a large (physically
 * contiguous) allocation fails, evict the pages of a run of frames (lumpy
 * reclaim) and retry. NULL when that cannot help either. */
void *kmalloc_reclaim(size_t size);
/* kmalloc's slow path (kheap.c): no frame, or no run of n. Frees what can
 * go without sleeping or touching a page table (clean page cache nothing
 * maps, swap pages read ahead and never used) and kicks kswapd. kmalloc
 * has no GFP flags: any caller may hold a spinlock or be halfway through
 * changing an area, so this is Linux's GFP_ATOMIC path; the min watermark
 * (kswapd.c: free frames are at or above it at every fault's start and
 * syscall's end) is its reserve.
 * Frames freed; never recursive. */
uint64_t reclaim_for_kmalloc(size_t n);

struct reclaim_counters {
	uint64_t runs;            /* try_to_free_pages passes (kswapd's, direct, lumpy) */
	uint64_t direct;          /* direct reclaims: an allocation failed, or free frames were
	                             under the min watermark (allocstall) */
	uint64_t pageoutrun;      /* kswapd balancing runs: one per wakeup that found work */
	uint64_t scanned;         /* victims the policy offered (pgscan) */
	uint64_t stolen;          /* frames freed by eviction (pgsteal) */
	uint64_t scanned_kswapd;  /* of them, by kswapd (pgscan_kswapd; the rest: pgscan_direct) */
	uint64_t stolen_kswapd;   /* pgsteal_kswapd; the rest: pgsteal_direct */
	uint64_t putback;         /* victims kept: in use, locked, unmappable, swap full */
	uint64_t swap_full;       /* evictions refused: no free slot */
	uint64_t lumpy;           /* lumpy reclaims for a contiguous allocation (kmalloc_reclaim) */
	uint64_t kmalloc_reclaims;   /* kmalloc slow paths that freed frames (reclaim_for_kmalloc) */
	uint64_t min_watermark, low_watermark, high_watermark;   /* in frames (mm/kswapd.c) */
};
extern struct reclaim_counters reclaim_stat;

#endif
