/*
 * Shared anonymous memory (MAP_SHARED | MAP_ANONYMOUS, and /dev/zero mapped
 * shared; Linux backs both with a shmem object): the object every sharer's
 * area points at, across fork and mremap, and how its pages go to swap and
 * come back.
 *
 *   vma (parent) --\                 struct shm_object
 *   vma (child)  ---> vma->shm ----> | refcount (areas)  i_mmap -> vma -> vma |
 *                                    | pages[0] = a frame      (resident)     |
 *                                    | pages[1] = 0            (never touched)|
 *                                    | pages[2] = a swap entry (evicted)      |
 *
 * Reverse mapping: a page's index in the object is linear in every area
 * that maps it (vma_pgoff_at), so page i is mapped, in each area of i_mmap
 * covering it, at vm_start + (i - vm_pgoff) pages. rmap.c walks i_mmap that
 * way (Linux's i_mmap walk for shmem and file pages): no per-PTE record.
 *
 * Eviction (vmscan.c picks the page, rmap.c found every PTE): the page goes
 * into the swap cache on a new slot, every PTE mapping it is cleared (TLB
 * flushed), the object's entry becomes the swap entry (the object holds the
 * slot reference), the page is written, then freed. The next fault on any
 * sharer finds the swap entry in the object (do_shared_page) and reads the
 * page back, or finds it still in the swap cache.
 *
 * Invariants (frame_audit and swap_audit count them, mm/audit.c):
 *   - the object holds one reference on each frame and one slot reference
 *     on each swap entry in pages[];
 *   - a page the object holds has PG_shmem, page->shm == the object and
 *     page->index == its index, and is on the replacement policy's lists
 *     unless a reclaimer took it; no other page has PG_shmem;
 *   - a shared area's PTEs are present or empty, never swap entries (as
 *     Linux's shmem: the swap entry lives in the object);
 *   - an area is on its object's i_mmap from vma_insert to vma_free.
 * Lock: none of its own yet: pages[] and i_mmap change only in process
 * context with interrupts off on one CPU (docs/locking.md); with a second
 * CPU, i_mmap needs a lock like a file's mapping->lock.
 */
#include "shmem.h"
#include "kheap.h"
#include "pagetable.h"
#include "replace.h"
#include "rmap.h"
#include "swap_state.h"
#include "swapfile.h"
#include "../kernel/errno.h"

uint64_t shm_resident_pages;

struct shm_object *shm_create(size_t len)
{
	size_t npages = len >> PAGE_SHIFT;
	struct shm_object *shm = kzalloc(sizeof(*shm) + npages * sizeof(paddr_t));
	if (shm) {
		shm->refcount = 1;
		shm->npages = npages;
	}
	return shm;
}

/* The object lets go of p (freed, or its hole punched): p is no longer one
 * of its pages, for rmap and the policy. */
static void forget_page(struct page *p)
{
	shm_resident_pages -= !!(p->flags & PG_shmem);
	replace_page_removed(p);
	p->flags &= ~PG_shmem;
	p->shm = NULL;
}

void shm_release_slot(paddr_t *slot)
{
	if (pte_is_swap(*slot)) {
		swap_free(*slot);
	} else if (*slot) {
		forget_page(pa_to_page(*slot));
		frame_put(*slot);
	}
	*slot = 0;
}

void shm_put(struct shm_object *shm)
{
	if (!shm || --shm->refcount)
		return;
	for (size_t i = 0; i < shm->npages; i++)
		shm_release_slot(&shm->pages[i]);
	kfree(shm);
}

paddr_t *shm_slot(const struct vma *v, uintptr_t va)
{
	uint64_t idx = vma_pgoff_at(v, page_round_down(va));
	return idx < v->shm->npages ? &v->shm->pages[idx] : NULL;
}

bool shm_holds(const struct page *p)
{
	return (p->flags & PG_shmem) && p->shm->pages[p->index] == page_to_pa(p);
}

/* ---- the areas using an object ---- */

void shm_add_vma(struct shm_object *shm, struct vma *v)
{
	v->shared_next = shm->i_mmap;
	shm->i_mmap = v;
}

void shm_remove_vma(struct shm_object *shm, struct vma *v)
{
	for (struct vma **pp = &shm->i_mmap; *pp; pp = &(*pp)->shared_next)
		if (*pp == v) {
			*pp = v->shared_next;
			break;
		}
}

/* ---- pages ---- */

void shm_add_page(struct shm_object *shm, paddr_t *slot, paddr_t pa)
{
	struct page *p = pa_to_page(pa);
	*slot = pa;
	shm_resident_pages += !(p->flags & PG_shmem);
	p->flags |= PG_shmem;
	p->shm = shm;
	p->index = (uint64_t)(slot - shm->pages);
	if (!(p->flags & PG_lru))
		replace_page_added(p);
}

paddr_t shm_swap_in(struct shm_object *shm, paddr_t *slot, bool *major, int *err)
{
	pte_t swp = *slot;
	paddr_t pa = read_swap_cache(swp, major, err);
	if (!pa)
		return 0;
	if (*slot != swp) {   /* another sharer brought it back while we slept */
		frame_put(pa);
		*err = -EAGAIN;
		return 0;
	}
	shm_add_page(shm, slot, pa);   /* the caller's reference becomes the object's */
	swap_free(swp);                /* the object's slot reference: the slot and its cached copy go */
	return pa;
}

bool shm_unuse_slot(struct shm_object *shm, paddr_t *slot)
{
	pte_t swp = *slot;
	struct page *p = lookup_swap_cache(swp);
	if (!p || (p->flags & PG_locked))
		return false;
	frame_get(page_to_pa(p));        /* becomes the object's */
	shm_add_page(shm, slot, page_to_pa(p));
	swap_free(swp);
	return true;
}

static void zap_one(struct mm *mm, uintptr_t va, void *arg)
{
	(void)arg;
	frame_put(pte_addr(pt_unmap(mm->pgd, va)));
}

bool shm_swap_out(struct page *p)
{
	kassert(shm_holds(p) && !(p->flags & PG_swapcache));
	pte_t swp = get_swap_page();
	if (!swp)
		return false;
	add_to_swap_cache(p, swp);
	rmap_walk(p, zap_one, NULL);
	paddr_t *slot = &p->shm->pages[p->index];
	swap_duplicate(swp);   /* the object's reference on the slot */
	*slot = swp;
	forget_page(p);
	frame_put(page_to_pa(p));   /* the object's reference; the swap cache and the reclaimer keep it */
	if (swap_writeout(p, swp) && p->refcount == 2 && !(p->flags & PG_locked))
		delete_from_swap_cache(p);   /* only the cache and the reclaimer held it */
	return true;
}
