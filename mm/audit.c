/*
 * frame_audit: the refcount invariant of copy-on-write, checked whole.
 *
 *   for every frame in use by user space:
 *       refcount == (number of PTEs mapping it, over all address spaces)
 *                 + (1 if a shared-memory object holds it)
 *                 + (1 if the page cache holds it)
 *
 *                 + (1 if the swap cache holds it)
 *                 + (its pins: swap I/O's references, held across a sleep)
 *
 * and its twin for swap slots (swap_audit in mm/swapfile.c), per area:
 * each slot's reference count == the swap entries naming it, over all
 * address spaces, shared objects (an evicted shared page's entry is in its
 * object) and tmpfs files (mm/tmpfs_swap.c).
 *
 * A refcount too high is a leak (the frame would never be freed); too low a
 * use-after-free waiting to happen. Runs under `debug_vm` (every test boot)
 * each time a process is reaped, so every test exercises it, together with
 * the two other whole-structure checks: frame_check (the allocator's own
 * counts and free list) and pt_check_empty_tables (every process's tables).
 */
#include "audit.h"
#include "frame.h"
#include "kheap.h"
#include "mm.h"
#include "pagetable.h"
#include "swapfile.h"
#include "tmpfs_swap.h"
#include "../kernel/panic.h"
#include "../kernel/printk.h"
#include "../kernel/string.h"

struct audit {
	uint32_t *refs;        /* expected references, by pfn */
	uint64_t npfn;
	uint32_t *slot_refs[MAX_SWAPFILES];   /* swap entries, by area and slot (NULL: the area is off) */
};

static void count_mapping(uintptr_t va, pte_t *slot, int level, void *arg)
{
	(void)va;
	struct audit *a = arg;
	for (uint64_t i = 0; i < level_size(level) >> PAGE_SHIFT; i++)   /* a 2 MiB page: 512 frames */
		a->refs[(pte_addr(*slot) >> PAGE_SHIFT) + i]++;
}

static void count_swap_entry(uintptr_t va, pte_t *slot, void *arg)
{
	(void)va;
	struct audit *a = arg;
	unsigned t = swp_type(*slot);
	if (t < MAX_SWAPFILES && a->slot_refs[t] && swp_offset(*slot) < swap_max_slots((int)t))
		a->slot_refs[t][swp_offset(*slot)]++;
}

static uint32_t epoch;   /* one number per audit run */

/* A shared object holds one reference per frame, however many areas use it:
 * count it at the first area met only (its epoch stamp says it was seen). */
static void count_shm(struct audit *a, struct shm_object *shm)
{
	if (shm->audit_epoch == epoch)
		return;
	shm->audit_epoch = epoch;
	for (size_t i = 0; i < shm->npages; i++)
		if (pte_is_swap(shm->pages[i]))
			count_swap_entry(0, &shm->pages[i], a);   /* evicted: the object names the slot */
		else if (shm->pages[i])
			a->refs[shm->pages[i] >> PAGE_SHIFT]++;
}

static void count_space(struct mm *mm, void *arg)
{
	struct audit *a = arg;
	if (!pt_check_empty_tables(mm->pgd, 0, USER_TOP))
		panic("pt_check_empty_tables failed");
	struct pt_visitor v = { count_mapping, NULL, a, count_swap_entry };
	pt_traverse(mm->pgd, 0, USER_TOP, &v);
	for (struct vma *vma = mm->vma_list; vma; vma = vma->next)
		if (vma->shm)
			count_shm(a, vma->shm);
}

static int compare(const struct audit *a)
{
	int bad = 0;
	for (uint64_t pfn = 0; pfn < a->npfn; pfn++) {
		struct page *p = pa_to_page(pfn << PAGE_SHIFT);
		uint32_t holders = (p->mapping != NULL) + !!(p->flags & PG_swapcache) + p->pins;
		if (p->use != FRAME_USER || p->refcount == a->refs[pfn] + holders)
			continue;
		if (bad++ < 8)
			printk("frame_audit: frame %lx has refcount %u but %u references\n", pfn << PAGE_SHIFT,
			       p->refcount, a->refs[pfn]);
	}
	return bad;
}

void frame_audit(void)
{
	if (!frame_check())
		panic("frame_check failed");
	epoch++;
	struct audit a = { NULL, frame_max_pa() >> PAGE_SHIFT, { NULL } };
	a.refs = kzalloc(a.npfn * sizeof(uint32_t));
	if (!a.refs)
		return;   /* no memory to audit with: skip, this is only a check */
	for (int t = 0; t < MAX_SWAPFILES; t++)
		a.slot_refs[t] = swap_max_slots(t) ? kzalloc(swap_max_slots(t) * sizeof(uint32_t)) : NULL;
	for_each_mm(count_space, &a);
	tmpfs_swap_for_each(count_swap_entry, &a);   /* tmpfs pages in swap: their files name the slots */
	int bad = compare(&a), bad_slots = 0;
	for (int t = 0; t < MAX_SWAPFILES; t++) {
		bad_slots += a.slot_refs[t] ? swap_audit(t, a.slot_refs[t]) : 0;
		kfree(a.slot_refs[t]);
	}
	kfree(a.refs);
	if (bad)
		panic("frame_audit: %d frames with a wrong reference count", bad);
	if (bad_slots)
		panic("swap_audit: %d swap slots with a wrong reference count", bad_slots);
}
