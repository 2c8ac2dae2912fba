/* mm/huge_page.c and the 2 MiB cases of mm/pagetable.c, on private address
 * spaces that are not active: when a fault maps a 2 MiB page, what a split
 * keeps (frames, flags, references, rmap keys), which range operations
 * split and which keep the page whole, and that every frame and table comes
 * back (the free count before and after). */
#include "../../kernel/ktest.h"
#include "../../kernel/string.h"
#include "../../mm/fault.h"
#include "../../mm/frame.h"
#include "../../mm/huge_page.h"
#include "../../mm/pagetable.h"
#include "../../mm/pf_error.h"
#include "../../mm/swapfile.h"

enum { AREA = 0x40000000, RW = VM_READ | VM_WRITE };

static struct mm *mm_with(uintptr_t start, uintptr_t end, uint64_t flags)
{
	struct mm *mm = mm_create();
	vma_insert(mm, vma_alloc(mm, start, end, flags, VMA_ANON));
	return mm;
}

static const char *touch(struct mm *mm, uintptr_t addr)
{
	struct fault f = { .addr = addr, .error = PF_USER | PF_WRITE };
	return handle_page_fault(mm, &f) == FAULT_HANDLED ? f.case_name : "unhandled";
}

static int leaf_level(struct mm *mm, uintptr_t va)
{
	int level = 0;
	return pt_lookup(mm->pgd, va, &level) ? level : 0;
}

static paddr_t frame_at(struct mm *mm, uintptr_t va)
{
	paddr_t pa = 0;
	pt_translate(mm->pgd, va, &pa);
	return pa & PAGE_MASK;
}

KTEST(huge_frame_alloc_order_is_aligned_and_per_frame)
{
	uint64_t free = frame_free_count();
	paddr_t pa = frame_alloc_order(HPAGE_ORDER, FRAME_USER);
	KT_ASSERT(pa && (pa & (HPAGE_SIZE - 1)) == 0);
	KT_EQ(frame_free_count(), free - PT_ENTRIES);
	for (unsigned i = 0; i < PT_ENTRIES; i++) {
		KT_EQ(pa_to_page(pa + i * PAGE_SIZE)->refcount, 1u);
		frame_put(pa + i * PAGE_SIZE);
	}
	KT_EQ(frame_free_count(), free);
}

KTEST(huge_fault_maps_2m_leaf_with_512_frames)
{
	uint64_t free = frame_free_count(), allocs = thp_stat.fault_alloc, nr = thp_stat.nr_anon;
	struct mm *mm = mm_with(AREA, AREA + 2 * HPAGE_SIZE, RW | VM_HUGEPAGE);
	KT_ASSERT(!strcmp(touch(mm, AREA + HPAGE_SIZE + 5000), "demand-zero 2 MiB page (huge)"));
	KT_EQ(leaf_level(mm, AREA + HPAGE_SIZE), 2);
	KT_EQ(leaf_level(mm, AREA), 0);   /* the other 2 MiB: not touched */
	KT_EQ(thp_stat.fault_alloc, allocs + 1);
	KT_EQ(thp_stat.nr_anon, nr + 1);
	paddr_t pa = frame_at(mm, AREA + HPAGE_SIZE);
	KT_EQ(pa & (HPAGE_SIZE - 1), 0ul);
	KT_NE(pa_to_page(pa)->huge_deposit, 0ul);
	for (unsigned i = 0; i < PT_ENTRIES; i++) {
		struct page *p = pa_to_page(pa + i * PAGE_SIZE);
		KT_EQ(frame_at(mm, AREA + HPAGE_SIZE + i * PAGE_SIZE), pa + i * PAGE_SIZE);
		KT_ASSERT(p->refcount == 1 && (p->flags & PG_anon) && p->rmap_va == AREA + HPAGE_SIZE + i * PAGE_SIZE);
		KT_EQ(*(uint64_t *)pa_to_kva(pa + i * PAGE_SIZE), 0ul);   /* zeroed */
	}
	mm_destroy(mm);
	KT_EQ(thp_stat.nr_anon, nr);
	KT_EQ(frame_free_count(), free);
}

KTEST(huge_needs_whole_aligned_2m_inside_the_area)
{
	uint64_t free = frame_free_count();
	struct mm *mm = mm_with(AREA + PAGE_SIZE, AREA + 2 * HPAGE_SIZE, RW | VM_HUGEPAGE);
	KT_ASSERT(!strcmp(touch(mm, AREA + 8 * PAGE_SIZE), "demand-zero page"));   /* [AREA, +2M) not inside */
	KT_ASSERT(!strcmp(touch(mm, AREA + HPAGE_SIZE), "demand-zero 2 MiB page (huge)"));
	mm_destroy(mm);
	mm = mm_with(AREA, AREA + 2 * HPAGE_SIZE, RW);   /* the default (madvise) without MADV_HUGEPAGE */
	if (thp_mode() != THP_ALWAYS)
		KT_ASSERT(!strcmp(touch(mm, AREA), "demand-zero page"));
	mm_destroy(mm);
	mm = mm_with(AREA, AREA + 2 * HPAGE_SIZE, RW | VM_HUGEPAGE | VM_NOHUGEPAGE);
	KT_ASSERT(!strcmp(touch(mm, AREA), "demand-zero page"));
	KT_ASSERT(!strcmp(touch(mm, AREA + HPAGE_SIZE - PAGE_SIZE), "demand-zero page"));   /* a PT exists now */
	mm_destroy(mm);
	KT_EQ(frame_free_count(), free);
}

KTEST(huge_split_keeps_frames_flags_and_references)
{
	uint64_t free = frame_free_count(), splits = thp_stat.split_pmd;
	struct mm *mm = mm_with(AREA, AREA + HPAGE_SIZE, RW | VM_HUGEPAGE);
	touch(mm, AREA);
	int level;
	pte_t huge = *pt_lookup(mm->pgd, AREA, &level);
	paddr_t pa = pte_addr(huge), deposit = pa_to_page(pa)->huge_deposit;
	KT_ASSERT(pt_split_huge(mm->pgd, AREA + 77 * PAGE_SIZE));
	KT_ASSERT(!pt_split_huge(mm->pgd, AREA));   /* nothing left to split */
	KT_EQ(thp_stat.split_pmd, splits + 1);
	KT_EQ(pa_to_page(pa)->huge_deposit, 0ul);
	KT_EQ(pa_to_page(deposit)->count, (uint32_t)PT_ENTRIES);   /* the deposit is the table now */
	for (unsigned i = 0; i < PT_ENTRIES; i++) {
		pte_t *e = pt_lookup(mm->pgd, AREA + i * PAGE_SIZE, &level);
		KT_ASSERT(e && level == 1);
		KT_EQ(pte_addr(*e), pa + i * PAGE_SIZE);
		KT_EQ(pte_flags(*e), pte_flags(huge) & ~PTE_PS);
		KT_EQ(pa_to_page(pa + i * PAGE_SIZE)->refcount, 1u);
	}
	KT_ASSERT(pt_check_empty_tables(mm->pgd, 0, USER_TOP));
	mm_destroy(mm);
	KT_EQ(frame_free_count(), free);
}

static void put_frame(paddr_t pa, pte_t old, void *arg)
{
	(void)old, (void)arg;
	frame_put(pa);
}

KTEST(huge_partial_unmap_splits_whole_unmap_does_not)
{
	uint64_t free = frame_free_count(), splits = thp_stat.split_pmd;
	struct mm *mm = mm_with(AREA, AREA + 2 * HPAGE_SIZE, RW | VM_HUGEPAGE);
	touch(mm, AREA);
	touch(mm, AREA + HPAGE_SIZE);
	KT_EQ(pt_unmap_range(mm->pgd, AREA + 4 * PAGE_SIZE, AREA + 6 * PAGE_SIZE, put_frame, NULL), 2ul);
	KT_EQ(thp_stat.split_pmd, splits + 1);
	KT_EQ(leaf_level(mm, AREA + 4 * PAGE_SIZE), 0);
	KT_EQ(leaf_level(mm, AREA + 6 * PAGE_SIZE), 1);
	KT_EQ(pt_unmap_range(mm->pgd, AREA + HPAGE_SIZE, AREA + 2 * HPAGE_SIZE, put_frame, NULL), (uint64_t)PT_ENTRIES);
	KT_EQ(thp_stat.split_pmd, splits + 1);   /* covered whole: no split */
	KT_EQ(leaf_level(mm, AREA + HPAGE_SIZE), 0);
	KT_ASSERT(pt_check_empty_tables(mm->pgd, 0, USER_TOP));
	mm_destroy(mm);
	KT_EQ(frame_free_count(), free);
}

static uint64_t read_only(pte_t old, void *arg)
{
	(void)arg;
	return pte_flags(old) & ~(PTE_W | PTE_PS | PTE_P);
}

KTEST(huge_protect_whole_keeps_partial_splits)
{
	uint64_t free = frame_free_count(), splits = thp_stat.split_pmd;
	struct mm *mm = mm_with(AREA, AREA + 2 * HPAGE_SIZE, RW | VM_HUGEPAGE);
	touch(mm, AREA);
	touch(mm, AREA + HPAGE_SIZE);
	pt_protect_range(mm->pgd, AREA, AREA + HPAGE_SIZE, read_only, NULL);
	KT_EQ(leaf_level(mm, AREA), 2);
	KT_ASSERT(!pt_allows(mm->pgd, AREA + 9 * PAGE_SIZE, true, true, false));
	KT_ASSERT(pt_allows(mm->pgd, AREA + 9 * PAGE_SIZE, false, true, false));
	pt_protect_range(mm->pgd, AREA + HPAGE_SIZE + PAGE_SIZE, AREA + HPAGE_SIZE + 2 * PAGE_SIZE, read_only, NULL);
	KT_EQ(thp_stat.split_pmd, splits + 1);
	KT_ASSERT(!pt_allows(mm->pgd, AREA + HPAGE_SIZE + PAGE_SIZE, true, true, false));
	KT_ASSERT(pt_allows(mm->pgd, AREA + HPAGE_SIZE, true, true, false));
	/* A write fault on the read-only 2 MiB page of a writable area splits it
	 * and makes the one page writable again (soft-dirty/COW reuse path). */
	touch(mm, AREA + 3 * PAGE_SIZE);
	KT_EQ(thp_stat.split_pmd, splits + 2);
	KT_ASSERT(pt_allows(mm->pgd, AREA + 3 * PAGE_SIZE, true, true, false));
	KT_ASSERT(!pt_allows(mm->pgd, AREA + 4 * PAGE_SIZE, true, true, false));
	mm_destroy(mm);
	KT_EQ(frame_free_count(), free);
}

KTEST(huge_fork_splits_and_shares_4k)
{
	uint64_t free = frame_free_count();
	struct mm *mm = mm_with(AREA, AREA + HPAGE_SIZE, RW | VM_HUGEPAGE);
	touch(mm, AREA);
	paddr_t pa = frame_at(mm, AREA);
	*(uint64_t *)pa_to_kva(pa + 5 * PAGE_SIZE) = 0x5a5a;
	struct mm *child = mm_dup(mm);
	KT_ASSERT(child);
	KT_EQ(leaf_level(mm, AREA), 1);
	KT_EQ(leaf_level(child, AREA), 1);
	for (unsigned i = 0; i < PT_ENTRIES; i += 51) {
		KT_EQ(frame_at(child, AREA + i * PAGE_SIZE), pa + i * PAGE_SIZE);
		KT_EQ(pa_to_page(pa + i * PAGE_SIZE)->refcount, 2u);
	}
	KT_ASSERT(!strcmp(touch(child, AREA + 5 * PAGE_SIZE), "copy-on-write: copy"));
	KT_EQ(*(uint64_t *)pa_to_kva(frame_at(child, AREA + 5 * PAGE_SIZE)), 0x5a5aul);
	KT_NE(frame_at(child, AREA + 5 * PAGE_SIZE), pa + 5 * PAGE_SIZE);
	mm_destroy(child);
	KT_ASSERT(!strcmp(touch(mm, AREA + 6 * PAGE_SIZE), "copy-on-write: reuse (last reference)"));
	mm_destroy(mm);
	KT_EQ(frame_free_count(), free);
}

KTEST(huge_move_range_splits_and_moves_every_page)
{
	uint64_t free = frame_free_count();
	struct mm *mm = mm_with(AREA, AREA + HPAGE_SIZE, RW | VM_HUGEPAGE);
	touch(mm, AREA);
	paddr_t pa = frame_at(mm, AREA);
	KT_EQ(pt_move_range(mm->pgd, AREA, AREA + HPAGE_SIZE, AREA + 4 * HPAGE_SIZE + PAGE_SIZE), 0);
	KT_EQ(leaf_level(mm, AREA), 0);
	for (unsigned i = 0; i < PT_ENTRIES; i += 73)
		KT_EQ(frame_at(mm, AREA + 4 * HPAGE_SIZE + PAGE_SIZE + i * PAGE_SIZE), pa + i * PAGE_SIZE);
	pt_unmap_range(mm->pgd, 0, USER_TOP, put_frame, NULL);
	mm_destroy(mm);
	KT_EQ(frame_free_count(), free);
}

KTEST(huge_young_bit_tested_without_split)
{
	uint64_t splits = thp_stat.split_pmd;
	struct mm *mm = mm_with(AREA, AREA + HPAGE_SIZE, RW | VM_HUGEPAGE);
	touch(mm, AREA);
	int level;
	*pt_lookup(mm->pgd, AREA, &level) |= PTE_A;
	KT_ASSERT(pt_test_clear_young(mm->pgd, AREA + 300 * PAGE_SIZE));
	KT_ASSERT(!pt_test_clear_young(mm->pgd, AREA));
	KT_EQ(thp_stat.split_pmd, splits);
	KT_NE(pt_get(mm->pgd, AREA + PAGE_SIZE), 0ul);   /* present, so populate skips it */
	mm_destroy(mm);
}

/* Reclaim evicts one 4 KiB piece: pt_swap_out splits the 2 MiB page first
 * (no allocation: the deposit), and the other 511 frames stay mapped. */
KTEST(huge_swap_out_splits_and_evicts_one_piece)
{
	uint64_t free = frame_free_count(), slots = nr_swap_pages(), splits = thp_stat.split_pmd;
	struct mm *mm = mm_with(AREA, AREA + HPAGE_SIZE, RW | VM_HUGEPAGE);
	touch(mm, AREA);
	paddr_t pa = frame_at(mm, AREA);
	pte_t swp = get_swap_page();
	KT_NE(swp, 0ul);
	swap_duplicate(swp);   /* the PTE's reference */
	pte_t old = pt_swap_out(mm->pgd, AREA + 7 * PAGE_SIZE, swp);
	KT_EQ(thp_stat.split_pmd, splits + 1);
	KT_EQ(pte_addr(old), pa + 7 * PAGE_SIZE);
	KT_EQ(pt_get(mm->pgd, AREA + 7 * PAGE_SIZE), swp);
	KT_EQ(frame_at(mm, AREA + 8 * PAGE_SIZE), pa + 8 * PAGE_SIZE);
	frame_put(pte_addr(old));   /* the PTE's reference went with the entry: the frame is free */
	swapcache_free(swp);        /* no swap cache kept it */
	KT_ASSERT(pt_check_empty_tables(mm->pgd, 0, USER_TOP));
	mm_destroy(mm);             /* drops the slot's last reference */
	KT_EQ(nr_swap_pages(), slots);
	KT_EQ(frame_free_count(), free);
}
