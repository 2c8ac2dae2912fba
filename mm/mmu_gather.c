/*
 * The gather of an unmapping (Linux's mmu_gather): a frame whose entry is
 * cleared waits here until every TLB that may still map it has been
 * flushed, and only then goes back (to its put function, or for a page
 * table to the frame allocator).
 *
 *   tlb->root:                the page tables the entries were cleared from
 *   [tlb->start, tlb->end):   the addresses cleared since the last flush
 *   tlb->batch[0 .. nr):      the frames those entries held, not yet put
 *
 * Always true: a gathered frame keeps the reference its entry held, so it
 * is not free and cannot be handed out again before tlb_flush_mmu has
 * flushed [start, end) here and on every other CPU that has root loaded
 * (mm/tlbflush.c, synchronous: the IPIs have been served when it returns).
 * Without this, a thread on another CPU could keep writing through its
 * stale entry into a frame already given to someone else. A full batch is
 * flushed and freed at once (one shootdown per MMU_GATHER_BATCH frames).
 *
 * Lock: a gather lives on its caller's stack, used under the kernel lock
 * with the tables it gathers from (docs/locking.md).
 */
#include "mmu_gather.h"
#include "frame.h"
#include "tlbflush.h"

void tlb_gather_mmu(struct mmu_gather *tlb, pte_t *root, void (*put)(paddr_t, pte_t, void *), void *arg)
{
	tlb->root = root;
	tlb->start = ~0ul;
	tlb->end = 0;
	tlb->put = put;
	tlb->arg = arg;
	tlb->nr = 0;
}

/* One page of the table's span is enough: an invalidation of any address
 * drops the CPU's paging-structure caches for the address space (INVLPG,
 * Intel SDM vol. 3 4.10.4.1; a CR3 load drops them all). */
void tlb_remove_table(struct mmu_gather *tlb, uintptr_t va, paddr_t pa)
{
	tlb_flush_pte_range(tlb, va, PAGE_SIZE);
	tlb_gather_frame(tlb, pa, 0);
}

/* The batch's frames, once flushed: a page to the gather's put, a page
 * table straight back to the frame allocator. */
static void release_batch(const struct mmu_gather *tlb)
{
	void (*put)(paddr_t, pte_t, void *) = tlb->put;
	for (const struct gathered *g = tlb->batch; g < tlb->batch + tlb->nr; g++) {
		if (g->old)
			put(g->pa, g->old, tlb->arg);
		else
			frame_put(g->pa);
	}
}

void tlb_flush_mmu(struct mmu_gather *tlb)
{
	if (tlb->start < tlb->end)
		flush_tlb_range(tlb->root, tlb->start, tlb->end);
	tlb->start = ~0ul;
	tlb->end = 0;
	release_batch(tlb);
	tlb->nr = 0;
}

void tlb_finish_mmu(struct mmu_gather *tlb)
{
	tlb_flush_mmu(tlb);
}
