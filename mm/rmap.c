/*
 * Reverse mapping: which PTEs map this frame? Reclaim needs it to unmap a
 * victim everywhere before writing it to swap; clock needs it to read the
 * accessed bits of every mapping. Two designs, one per kind of page:
 *
 * Shared anonymous pages (PG_shmem, mm/shmem.c) and page-cache pages
 * (page->mapping): object-based, Linux's i_mmap. The page records its
 * object (shm, or the file's address_space) and its index there; the object
 * lists the areas using it (i_mmap), and since such an area maps its object
 * linearly (vm_pgoff), page i is at vm_start + (i - vm_pgoff) pages in each
 * area that covers it (a private file area maps the cached frame itself
 * until a write copies it: the copy is a private anonymous page). Nothing
 * is recorded per PTE, and fork, mremap and munmap keep it right by keeping
 * the area lists (vma_insert, vma_free).
 *
 * Private anonymous pages (PG_anon), below:
 *
 * Design: object-based, Linux's anon_vma idea at the granularity of a fork
 * family. Every address space has an anon_id: a new one (exec, the first
 * process) gets a fresh id, fork's child inherits its parent's. A private
 * anonymous page records (anon_id, rmap_va) when it is first mapped. Fork
 * copies PTEs at the same address, so every COW sharer maps the page at
 * rmap_va in a space with the same anon_id; the walk looks up rmap_va in
 * each space of the family and keeps the entries that point at the frame.
 *
 *   page --(anon_id)--> { mm | mm->anon_id == id }  --(rmap_va)--> PTE
 *
 * Why this and not per-frame PTE chains (Linux 2.5's pte_chain): chains cost
 * an allocation per mapping at every fault and fork and a free at every
 * unmap, and can fail; here fault, fork and unmap do nothing extra. Why not
 * Linux's full anon_vma chains: they need a linear page offset (vm_pgoff) on
 * every anonymous area and a chain object per area and fork; a family is a
 * few processes here, so a walk over them is short enough.
 *
 * Always true: rmap never guesses. A walk only reports entries it checked
 * (present, pointing at this frame); reclaim evicts a page only when the
 * walk found page_mapcount_expected() mappings, so a mapping rmap cannot
 * find (a COW-shared page mremap moved in one sharer) keeps the page
 * resident, never half-unmapped.
 * Lock: none of its own; the page's key changes only in the fault path and
 * mremap, with interrupts off on one CPU (a second CPU needs mmap_lock).
 */
#include "rmap.h"
#include "pagetable.h"
#include "replace.h"
#include "shmem.h"
#include "../fs/vfs.h"

static uint32_t next_anon_id;

uint32_t anon_family_new(void)
{
	return ++next_anon_id;
}

void page_add_anon_rmap(paddr_t pa, struct mm *mm, uintptr_t va)
{
	struct page *p = pa_to_page(pa);
	p->flags |= PG_anon;
	p->anon_id = mm->anon_id;
	p->rmap_va = page_round_down(va);
	if (!(p->flags & PG_lru))
		replace_page_added(p);
}

uint32_t page_mapcount_expected(const struct page *p)
{
	return p->refcount - !!(p->flags & PG_swapcache) - p->pins - shm_holds(p) - (p->mapping != NULL);
}

struct walk {
	struct page *page;
	void (*visit)(struct mm *mm, uintptr_t va, void *arg);
	void *arg;
	int found;
};

static void visit_space(struct mm *mm, void *arg)
{
	struct walk *w = arg;
	if (mm->anon_id != w->page->anon_id)
		return;
	paddr_t pa;
	uintptr_t va = w->page->rmap_va;
	if (!pt_translate(mm->pgd, va, &pa) || (pa & PAGE_MASK) != page_to_pa(w->page))
		return;
	w->found++;
	if (w->visit)
		w->visit(mm, va, w->arg);
}

/* A shared page: every area of its object's i_mmap that covers its index
 * maps it (if at all) at the linear address for that index. */
static void walk_areas(struct vma *areas, struct walk *w)
{
	paddr_t pa;
	for (struct vma *v = areas; v; v = v->shared_next) {
		uintptr_t va = v->vm_start + ((w->page->index - v->vm_pgoff) << PAGE_SHIFT);
		if (w->page->index < v->vm_pgoff || va >= v->vm_end || !v->vm_mm)
			continue;
		if (!pt_translate(v->vm_mm->pgd, va, &pa) || (pa & PAGE_MASK) != page_to_pa(w->page))
			continue;
		w->found++;
		if (w->visit)
			w->visit(v->vm_mm, va, w->arg);
	}
}

int rmap_walk(struct page *p, void (*visit)(struct mm *mm, uintptr_t va, void *arg), void *arg)
{
	struct walk w = { p, visit, arg, 0 };
	if (p->flags & PG_shmem)
		walk_areas(p->shm->i_mmap, &w);
	else if (p->flags & PG_anon)
		for_each_mm(visit_space, &w);
	else if (p->mapping)
		walk_areas(p->mapping->i_mmap, &w);
	return w.found;
}

static void clear_young(struct mm *mm, uintptr_t va, void *arg)
{
	if (pt_test_clear_young(mm->pgd, va))
		*(bool *)arg = true;
}

bool page_referenced_clear(struct page *p)
{
	bool young = p->flags & PG_young;   /* a bit the working-set sampler cleared */
	p->flags &= ~PG_young;
	rmap_walk(p, clear_young, &young);
	return young;
}

struct move {
	struct mm *mm;
	int64_t delta;
};

static void move_key(uintptr_t va, pte_t *slot, int level, void *arg)
{
	struct move *m = arg;
	struct page *p = pa_to_page(pte_addr(*slot));
	(void)level;
	if ((p->flags & PG_anon) && p->anon_id == m->mm->anon_id && p->rmap_va == va - m->delta &&
	    page_mapcount_expected(p) == 1)
		p->rmap_va = va;
}

void rmap_move_range(struct mm *mm, uintptr_t old_start, uintptr_t new_start, size_t len)
{
	struct move m = { mm, (int64_t)(new_start - old_start) };
	struct pt_visitor v = { move_key, NULL, &m, NULL };
	pt_traverse(mm->pgd, new_start, new_start + len, &v);
}
