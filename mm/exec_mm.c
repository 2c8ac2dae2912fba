/*
 * exec's memory work: the areas of a new program and the bytes of its initial
 * stack, built in an address space that is not active yet. kernel/exec.c
 * reads the program file and orders the steps; nothing here knows ELF.
 *
 *   mm_map_segment   a loadable segment -> a private file area (VMA_FILE);
 *                    its pages come later, one per first touch (mm/fault.c)
 *   mm_setup_stack   the stack area just below STACK_TOP, VM_GROWSDOWN
 *   mm_write         bytes into the new space (argv, envp, auxv), mapping
 *                    zeroed frames on the way
 *
 * Invariant: every page mm_write maps lies in an area of mm, so tearing the
 * space down (mm_destroy) frees it like any other page.
 */
#include "exec_mm.h"
#include "rmap.h"
#include "vmscan.h"
#include "frame.h"
#include "kheap.h"
#include "layout.h"
#include "pagetable.h"
#include "../fs/vfs.h"
#include "../kernel/errno.h"
#include "../kernel/string.h"

int mm_map_segment(struct mm *mm, const struct mm_segment *seg)
{
	uintptr_t start = page_round_down(seg->va), end = page_round_up(seg->va + seg->memsz);
	struct vma *v = vma_alloc(mm, start, end, seg->vm_flags, VMA_FILE);
	if (!v || vma_unmap_range(mm, start, end)) {
		kfree(v);
		return -ENOMEM;
	}
	v->vm_file = get_file(seg->file);
	v->vm_pgoff = (seg->offset - (seg->va - start)) >> PAGE_SHIFT;   /* aligned: elf_check */
	v->file_end = seg->va + seg->filesz;
	vma_insert(mm, v);
	/* LAB lazy: STUB mm_populate(mm, start, end); */
	return 0;
}

void mm_set_brk_base(struct mm *mm, uintptr_t end)
{
	mm->start_brk = mm->brk = page_round_up(end);
}

int mm_setup_stack(struct mm *mm, size_t size, bool exec)
{
	uint64_t flags = VM_READ | VM_WRITE | VM_GROWSDOWN | (exec ? VM_EXEC : 0);
	if (!vma_range_free(mm, STACK_TOP - STACK_LIMIT - STACK_GUARD_GAP, STACK_TOP))
		return -ENOMEM;   /* a segment sits where the stack must go (regression: it panicked) */
	struct vma *v = vma_alloc(mm, STACK_TOP - page_round_up(size), STACK_TOP, flags, VMA_STACK);
	if (!v)
		return -ENOMEM;
	vma_insert(mm, v);
	/* LAB lazy: STUB mm_populate(mm, v->vm_start, v->vm_end); */
	mm->start_stack = STACK_TOP;
	return 0;
}

/* The frame behind va's page in mm, mapped (zeroed) now if it was not. */
static paddr_t page_for_write(struct mm *mm, uintptr_t page)
{
	paddr_t pa;
	if (pt_translate(mm->pgd, page, &pa))
		return pa;
	struct vma *v = vma_lookup(mm, page);
	if (!v || !(v->vm_flags & VM_WRITE))
		return 0;   /* the caller sized the area too small: never map outside one */
	pa = frame_alloc_reclaim_zeroed(FRAME_USER);   /* exec may sleep: reclaim if memory is short */
	if (pa && pt_map(mm->pgd, page, pa, vma_pte_flags(v) | PTE_W)) {
		frame_put(pa);
		return 0;
	}
	if (pa)
		page_add_anon_rmap(pa, mm, page);
	return pa;
}

int mm_write(struct mm *mm, uintptr_t va, const void *src, size_t n)
{
	while (n) {
		uintptr_t page = page_round_down(va);
		size_t k = PAGE_SIZE - (va - page) < n ? PAGE_SIZE - (va - page) : n;
		paddr_t pa = page_for_write(mm, page);
		if (!pa)
			return -ENOMEM;
		memcpy((char *)pa_to_kva(pa) + (va - page), src, k);
		va += k;
		src = (const char *)src + k;
		n -= k;
	}
	return 0;
}
