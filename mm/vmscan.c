/*
 * Page reclaim (Linux mm/vmscan.c): when free frames run short, pages that
 * are resident but can live elsewhere give their frames back (CS:APP 9.3.4:
 * "if the victim has been modified, the kernel copies it back to disk").
 *
 *   try_to_free_pages(nr)
 *     1. clean page-cache pages nothing maps: dropped (filemap_reclaim)
 *        (without swap, only this: an allocation that fails drops clean
 *        cache before the OOM killer runs)
 *     2. page-cache pages processes map (shrink_file, a clock hand over the
 *        cache): a page no PTE accessed since the last look is unmapped
 *        from every area of its file's i_mmap (rmap.c; dirty bits move to
 *        the page), written back if dirty, dropped; a tmpfs page,
 *        mapped or not, is written to swap and dropped (mm/tmpfs_swap.c)
 *     3. victims from the replacement policy (mm/replace.h), each:
 *          a shared anonymous page (PG_shmem): mm/shmem.c shm_swap_out
 *            (PTEs cleared, its object keeps the swap entry); otherwise:
 *          shrink_page: every PTE found (rmap.c)?  not mlocked?  not under I/O?
 *            -> slot (swapfile.c), into the swap cache (swap_state.c)
 *            -> each PTE becomes the swap entry (TLB flushed), frame refs dropped
 *            -> written to the slot (sleeps), then freed unless a fault took
 *               it back meanwhile (it is in the swap cache: a minor fault)
 *          otherwise the policy gets it back (putback).
 *
 * When: in the background, by kswapd (mm/kswapd.c: free frames under the
 * low watermark, reclaim up to the high one); and directly when a fault's
 * allocation fails (frame_alloc_reclaim). Only when neither frees anything
 * (swap full or off) does the fault become FAULT_OOM and the OOM killer run.
 *
 * Always true: a page is unmapped only when rmap found all its mappings;
 * its frame is freed only after its data reached the slot; a write error
 * leaves the page in the swap cache (still found by every fault).
 * Lock: none of its own (reclaim_stat is counters); it takes replace_lock,
 * swap_lock and swap_cache_lock only through those files' functions, and
 * sleeps only in swap_writepage with none held.
 */
#include "vmscan.h"
#include "faultlog.h"
#include "filemap.h"
#include "kswapd.h"
#include "mm.h"
#include "pagemap.h"
#include "pagetable.h"
#include "replace.h"
#include "rmap.h"
#include "shmem.h"
#include "swap_readahead.h"
#include "swap_state.h"
#include "swapfile.h"
#include "kheap.h"
#include "../kernel/panic.h"
#include "../kernel/string.h"

struct reclaim_counters reclaim_stat;

enum { RECLAIM_BATCH = 32 };

/* ---- one victim ---- */

struct unmap_check {
	bool locked;   /* some mapping is in an mlocked area */
};

static void check_mapping(struct mm *mm, uintptr_t va, void *arg)
{
	struct vma *v = vma_lookup(mm, va);
	if (!v || (v->vm_flags & VM_LOCKED_MASK))
		((struct unmap_check *)arg)->locked = true;
}

/* Can p be unmapped everywhere now? (The reclaimer's own reference is a
 * pin: page_mapcount_expected leaves it out.) */
static bool evictable(struct page *p)
{
	if (p->use != FRAME_USER || !(p->flags & (PG_anon | PG_shmem)) || (p->flags & PG_locked))
		return false;
	if ((p->flags & PG_shmem) && (!shm_holds(p) || (p->flags & PG_swapcache)))
		return false;   /* a hole was punched under it, or its swap-in is not finished */
	struct unmap_check c = { false };
	uint32_t found = rmap_walk(p, check_mapping, &c);
	return found == page_mapcount_expected(p) && !c.locked;
}

/* The slot p's data goes to: the one it caches already (a page swapped in
 * read-only is still on it: no write needed), else a new one. 0: full. */
static pte_t slot_for(struct page *p, bool *write)
{
	*write = !(p->flags & PG_swapcache);
	if (!*write)
		return p->swap_entry;
	pte_t swp = get_swap_page();
	if (swp)
		add_to_swap_cache(p, swp);
	return swp;
}

/* LAB swap: BEGIN */
/* One event in the fault log per PTE unmapped, beside the faults that bring
 * pages back: who evicted (the process reclaiming, as "kswapd"), which
 * area, the frame that goes. */
static void log_eviction(struct mm *mm, uintptr_t va, paddr_t pa)
{
	struct fault f = { .addr = va, .pid = current_pid(), .comm = (const char[TASK_COMM_LEN]){"kswapd"}, .mm = mm, .vma = vma_lookup(mm, va),
			   .frame = pa, .case_name = "eviction: page unmapped, on its way to swap" };
	faultlog_record(&f, FAULT_HANDLED);
}

static void unmap_one(struct mm *mm, uintptr_t va, void *arg)
{
	pte_t swp = *(pte_t *)arg;
	pte_t old = pt_swap_out(mm->pgd, va, swp);
	if (old & PTE_SOFT_DIRTY)
		soft_dirty_swapped_out(mm, va);
	swap_duplicate(swp);
	log_eviction(mm, va, pte_addr(old));
	frame_put(pte_addr(old));   /* the PTE's reference; the swap cache keeps the frame */
}

/* Write p to its slot; false on a device error (p then stays in the swap
 * cache, the only copy of its data, found by every fault). */
static bool write_out(struct page *p, pte_t swp)
{
	lock_swap_page(p);
	if (swap_writepage(swp, page_to_pa(p)) == 0) {
		unlock_swap_page(p);
		return true;
	}
	p->flags &= ~PG_locked;
	wake_up_all(p);
	return false;
}

/* The swap-out itself (CS:APP 9.3.4: "if the victim has been modified, the
 * kernel copies it back to disk"): every PTE mapping p becomes the swap
 * entry swp, each with its own reference on the slot, and the frame loses
 * the PTEs' references; then p's data goes to the slot, unless it is there
 * already (write false). true when p may now be freed; false when it must
 * stay (the write failed: the swap cache keeps the only copy). */
static bool swap_out(struct page *p, pte_t swp, bool write)
{
	rmap_walk(p, unmap_one, &swp);
	return !write || write_out(p, swp);
}
/* LAB swap: END */
/* LAB swap: STUB
static bool swap_out(struct page *p, pte_t swp, bool write)
{
	// Lab swap: unmap p from every page table that maps it and write its
	// data to the slot swp (see SWAP.md). Until then nothing is evicted:
	// reclaim gives up on every victim and a process larger than RAM dies.
	(void)swp;
	if (write)
		delete_from_swap_cache(p);   // the new slot goes back unused
	return false;
}
*/

/* Evict p (picked by the policy, off its lists, referenced by the caller):
 * unmapped everywhere, written, out of the swap cache. The caller's
 * frame_put then frees it, unless a fault took it back during the write. */
static void shrink_page(struct page *p)
{
	if (!evictable(p))
		return;
	if (p->flags & PG_shmem) {   /* a shared anonymous page: its object keeps the swap entry */
		if (!shm_swap_out(p))
			reclaim_stat.swap_full++;
		return;
	}
	bool write;
	pte_t swp = slot_for(p, &write);
	if (!swp) {
		reclaim_stat.swap_full++;
		return;
	}
	if (!swap_out(p, swp, write))
		return;
	replace_page_evicted(p, swp);   /* the policy may keep a shadow of it (lru2) */
	if ((p->flags & PG_swapcache) && p->refcount == 2 && !(p->flags & PG_locked))
		delete_from_swap_cache(p);   /* only the cache and the caller held it */
}

/* A victim that was not freed goes back to the policy if it is still
 * mapped somewhere (a page only the swap cache holds waits for its slot). */
static bool keep(struct page *p)
{
	if (p->refcount == 1)
		return false;   /* only the reclaimer's reference: freed by its frame_put */
	bool in_use = (p->flags & PG_shmem) ? shm_holds(p) : (p->flags & PG_anon) && page_mapcount_expected(p) > 0;
	if (!(p->flags & PG_lru) && in_use) {
		replace_putback(p);
		reclaim_stat.putback++;
	}
	return true;
}

/* ---- lumpy reclaim: a run of frames for an allocation that needs one ---- */

/* Is the frame free, or an anonymous page the policy holds (evictable)? */
static bool frame_reclaimable(struct page *p)
{
	if (p->use == FRAME_FREE)
		return true;
	return p->use == FRAME_USER && (p->flags & PG_lru) && (p->flags & (PG_anon | PG_shmem)) && !(p->flags & PG_locked);
}

/* The first pfn of n frames in a row that are all reclaimable; 0: none. */
static uint64_t find_window(size_t n)
{
	uint64_t run = 0, npfn = frame_max_pa() >> PAGE_SHIFT;
	for (uint64_t pfn = 1; pfn < npfn; pfn++) {
		run = frame_reclaimable(pa_to_page(pfn << PAGE_SHIFT)) ? run + 1 : 0;
		if (run == n)
			return pfn + 1 - n;
	}
	return 0;
}

/* Evict one page of the window, as if the policy had picked it. */
static void evict_frame(struct page *p)
{
	if (p->use != FRAME_USER || !(p->flags & PG_lru))
		return;
	replace_page_removed(p);   /* off the policy's lists: ours now, like a picked victim */
	swap_page_pin(p);
	shrink_page(p);
	keep(p);
	swap_page_unpin(p);
}

/* Linux's lumpy reclaim (2.6.23 to 3.x, before compaction): evict the
 * anonymous pages of the first window of n frames that are all free or
 * evictable, so frame_alloc_contig can succeed. */
static bool reclaim_contig(size_t n)
{
	uint64_t pfn = find_window(n);
	for (uint64_t k = pfn; pfn && k < pfn + n; k++)
		evict_frame(pa_to_page(k << PAGE_SHIFT));
	return pfn != 0;
}

void *kmalloc_reclaim(size_t size)
{
	void *p = kmalloc(size);
	for (int tries = 0; !p && tries < 3 && swap_enabled(); tries++) {
		reclaim_stat.lumpy++;
		if (!reclaim_contig(page_round_up(size) >> PAGE_SHIFT))
			break;
		p = kmalloc(size);
	}
	return p;
}

uint64_t reclaim_for_kmalloc(size_t n)
{
	static bool busy;   /* dropping a page never allocates, but a loop here would never end */
	if (busy)
		return 0;
	busy = true;
	uint64_t want = n > RECLAIM_BATCH ? n : RECLAIM_BATCH;
	uint64_t freed = filemap_reclaim(want);
	freed += freed < want ? swap_readahead_reclaim(want - freed) : 0;
	reclaim_stat.kmalloc_reclaims += freed > 0;
	kswapd_kick();
	busy = false;
	return freed;
}

/* Linux's pgscan/pgsteal, and the same split by who reclaimed. */
static void count_scan(bool kswapd, uint64_t scanned, uint64_t stolen)
{
	reclaim_stat.scanned += scanned;
	reclaim_stat.stolen += stolen;
	if (kswapd) {
		reclaim_stat.scanned_kswapd += scanned;
		reclaim_stat.stolen_kswapd += stolen;
	}
}

/* ---- mapped file pages ---- */

/* A PTE of a page-cache page goes; its dirty bit moves to the page. */
static void unmap_file_pte(struct mm *mm, uintptr_t va, void *arg)
{
	(void)arg;
	pte_t old = pt_unmap(mm->pgd, va);
	if (old & PTE_D)
		set_page_dirty(pte_addr(old));
	frame_put(pte_addr(old));
}

/* p, a page-cache page processes map (pinned by us): unless a mapping used
 * it since the last look (a second chance: the accessed bits are cleared
 * now), or one is mlocked, or rmap cannot find them all, it is unmapped
 * everywhere and given back to its file (written first if dirty). Only
 * kswapd writes (as Linux): a direct reclaimer may hold the very file
 * system mutex writepage takes (a fault in a user copy), so it leaves a
 * dirty page unmapped but cached. */
static bool shrink_file_page(struct page *p)
{
	struct unmap_check c = { false };
	if (!p->mapping || page_referenced_clear(p))
		return false;
	if ((uint32_t)rmap_walk(p, check_mapping, &c) != page_mapcount_expected(p) || c.locked)
		return false;
	rmap_walk(p, unmap_file_pte, NULL);
	return filemap_evict_unmapped(p, current_is_kswapd());
}

/* One batch from the cache's clock hand; how many were freed. */
static uint64_t shrink_file_batch(uint64_t nr, size_t *scanned)
{
	struct page *batch[RECLAIM_BATCH];
	size_t n = filemap_isolate(batch, RECLAIM_BATCH);
	uint64_t freed = 0;
	bool kswapd = current_is_kswapd();
	for (size_t i = 0; i < n; i++) {
		bool evicted = freed < nr && shrink_file_page(batch[i]);
		count_scan(kswapd, 1, evicted);
		freed += evicted;
		swap_page_unpin(batch[i]);   /* frees it when evicted */
	}
	*scanned = n;
	return freed;
}

/* Batches until nr are freed or the hand went round the cache twice (the
 * first turn clears the accessed bits, the second evicts what stayed
 * unused: the clock). */
static uint64_t shrink_file(uint64_t nr)
{
	uint64_t freed = 0, budget = 2 * pagecache_stat.nr_pages;
	size_t scanned = 1;
	while (freed < nr && budget && scanned) {
		freed += shrink_file_batch(nr - freed, &scanned);
		budget = budget > scanned ? budget - scanned : 0;
	}
	return freed;
}

/* ---- reclaim ---- */

static uint64_t shrink_anon(uint64_t nr)
{
	uint64_t freed = 0, budget = replace_nr_pages() + RECLAIM_BATCH;
	bool kswapd = current_is_kswapd();
	while (freed < nr && budget--) {
		struct page *p = replace_pick_victim();
		if (!p)
			break;
		count_scan(kswapd, 1, 0);
		uint64_t full = reclaim_stat.swap_full;
		swap_page_pin(p);   /* p stays ours to look at across the write's sleep */
		shrink_page(p);
		freed += !keep(p);
		swap_page_unpin(p);
		if (reclaim_stat.swap_full != full)
			break;   /* swap is full: nothing more can go */
	}
	count_scan(kswapd, 0, freed);
	return freed;
}

uint64_t try_to_free_pages(uint64_t nr)
{
	reclaim_stat.runs++;
	uint64_t freed = filemap_reclaim(nr);
	freed += freed < nr ? swap_readahead_reclaim(nr - freed) : 0;   /* pages read ahead, unused */
	if (freed < nr && swap_enabled())
		freed += shrink_file(nr - freed);
	if (freed < nr && swap_enabled())
		freed += shrink_anon(nr - freed);
	return freed;
}

paddr_t frame_alloc_reclaim(enum frame_use use)
{
	paddr_t pa = frame_alloc(use);
	if (pa)
		return pa;
	reclaim_stat.direct++;
	if (try_to_free_pages(RECLAIM_BATCH))
		kswapd_progress();
	return frame_alloc(use);
}

paddr_t frame_alloc_reclaim_zeroed(enum frame_use use)
{
	paddr_t pa = frame_alloc_reclaim(use);
	if (pa)
		page_zero(pa_to_kva(pa));
	return pa;
}
