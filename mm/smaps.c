/*
 * What /proc/PID/smaps says about an area's resident pages, computed as
 * Linux computes it (fs/proc/task_mmu.c, smaps_account):
 *   a page mapped by one page table only is Private, by two or more Shared;
 *   it is Dirty if its PTE's D bit is set or the page cache holds it dirty;
 *   Pss charges each page 1/mapcount.
 * A frame's mapcount is its refcount less the holder that is not a page
 * table: the page cache, a shared anonymous object, or the swap cache.
 * Swap counts the area's pages on swap (its swap entries), SwapPss shares
 * each among the PTEs naming its slot. A 2 MiB entry counts as its 512
 * frames (they share one entry, so one D bit and one mapcount) and adds
 * 2 MiB to AnonHugePages. Referenced counts the bytes whose entry has its
 * accessed bit set (clear_refs 1 clears them).
 */
#include "smaps.h"
#include "frame.h"
#include "pagetable.h"
#include "swapfile.h"

struct smaps_walk {
	struct smaps *s;
	bool shm;   /* the area's frames are also held by its shared object */
};

static void account_leaf(uintptr_t va, pte_t *slot, int level, void *arg)
{
	(void)va;
	struct smaps_walk *w = arg;
	struct page *p = pa_to_page(pte_addr(*slot));
	uint64_t bytes = level_size(level);
	uint32_t mapcount = p->refcount - ((p->mapping || w->shm) ? 1 : 0) - !!(p->flags & PG_swapcache);
	bool dirty = (*slot & PTE_D) || (p->mapping && (p->flags & PG_dirty));
	uint64_t *bucket = mapcount >= 2 ? (dirty ? &w->s->shared_dirty : &w->s->shared_clean)
					 : (dirty ? &w->s->private_dirty : &w->s->private_clean);
	*bucket += bytes;
	w->s->rss += bytes;
	w->s->pss_x1000 += bytes * 1000ull / (mapcount ? mapcount : 1);
	if (*slot & PTE_A)
		w->s->referenced += bytes;
	if (level == 2)
		w->s->anon_huge += bytes;
}

/* A page on swap: Swap counts it, SwapPss charges 1/(PTEs naming the slot). */
static void account_swap(uintptr_t va, pte_t *slot, void *arg)
{
	(void)va;
	struct smaps_walk *w = arg;
	unsigned refs = swap_count(*slot);
	w->s->swap += PAGE_SIZE;
	w->s->swap_pss_x1000 += PAGE_SIZE * 1000ull / (refs ? refs : 1);
}

void smaps_account(struct mm *mm, const struct vma *v, struct smaps *s)
{
	*s = (struct smaps){ 0 };
	struct smaps_walk w = { s, v->shm != NULL };
	struct pt_visitor visit = { account_leaf, NULL, &w, account_swap };
	pt_traverse(mm->pgd, v->vm_start, v->vm_end, &visit);
}
