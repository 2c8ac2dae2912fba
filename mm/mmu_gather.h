#ifndef PAGODA_MMU_GATHER_H
#define PAGODA_MMU_GATHER_H
#include "layout.h"
#include "pte.h"

/* The frames an unmapping frees, held back until the TLB flush of their
 * range has completed on every CPU (Linux's mmu_gather; mm/mmu_gather.c).
 *
 *   struct mmu_gather tlb;
 *   tlb_gather_mmu(&tlb, root, put, arg);
 *   ... clear entries; tlb_remove_page / tlb_remove_table for each ...
 *   tlb_finish_mmu(&tlb);       flush, then put every gathered frame
 */
enum { MMU_GATHER_BATCH = 32 };

struct gathered {
	paddr_t pa;
	pte_t old;   /* the entry that mapped a page; 0 for a page table */
};

struct mmu_gather {
	pte_t *root;
	uintptr_t start, end;   /* cleared since the last flush; empty when start >= end */
	void (*put)(paddr_t pa, pte_t old, void *arg);   /* a page's release (NULL: none) */
	void *arg;
	unsigned nr;
	struct gathered batch[MMU_GATHER_BATCH];
};

void tlb_gather_mmu(struct mmu_gather *tlb, pte_t *root, void (*put)(paddr_t, pte_t, void *), void *arg);
void tlb_flush_mmu(struct mmu_gather *tlb);    /* flush what was cleared, then free the batch */

/* The entries for [va, va + size) were cleared: flush them before anything
 * is freed. Inline, as tlb_remove_page: munmap and exit call it per page. */
static inline void tlb_flush_pte_range(struct mmu_gather *tlb, uintptr_t va, uintptr_t size)
{
	if (va < tlb->start)
		tlb->start = va;
	if (va + size > tlb->end)
		tlb->end = va + size;
}

/* pa waits in the batch (old: its entry, 0 for a page table); a full
 * batch is flushed and freed at once. */
static inline void tlb_gather_frame(struct mmu_gather *tlb, paddr_t pa, pte_t old)
{
	tlb->batch[tlb->nr++] = (struct gathered){ pa, old };
	if (tlb->nr == MMU_GATHER_BATCH)
		tlb_flush_mmu(tlb);
}

/* The present entry `old` for va, mapping pa, was cleared: put(pa, old) after the flush. */
static inline void tlb_remove_page(struct mmu_gather *tlb, uintptr_t va, paddr_t pa, pte_t old)
{
	tlb_flush_pte_range(tlb, va, PAGE_SIZE);
	if (tlb->put)
		tlb_gather_frame(tlb, pa, old);
}
/* The page table at pa, which mapped addresses from va, was unlinked: freed after the flush
 * (another CPU's paging-structure cache may still point at it until then). */
void tlb_remove_table(struct mmu_gather *tlb, uintptr_t va, paddr_t pa);
void tlb_finish_mmu(struct mmu_gather *tlb);   /* the same, at the end */

#endif
