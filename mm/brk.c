/*
 * brk(2): the heap, CS:APP 9.9.1's sbrk model. The heap area runs from
 * start_brk (just above the program's bss) to page_up(brk) and only moves
 * its top. Linux's rules, which the raw syscall shows (the libc wrapper
 * hides them):
 *   - brk(addr) returns the new break on success and the old one on any
 *     refusal (it never returns an error code);
 *   - below start_brk: refused;
 *   - growing into another area or within the stack's guard gap: refused;
 *   - growth beyond user space, or more than all of RAM: refused;
 *   - shrinking unmaps the freed pages; growth is demand-zero.
 */
#include "fault.h"
#include "frame.h"
#include "mm.h"
#include "mmap.h"
#include "../kernel/syscalls.h"

static bool brk_may_grow(struct mm *mm, uintptr_t oldbrk, uintptr_t newbrk)
{
	if (newbrk > USER_TOP || newbrk < oldbrk)
		return false;
	struct vma *next = find_vma(mm, oldbrk);
	if (next && newbrk + PAGE_SIZE > vma_start_gap(next))
		return false;
	return enough_memory(newbrk - mm->start_brk);   /* the heap as one commitment */
}

/* Extend the heap area (or create it) to end at newbrk. */
static bool grow_heap(struct mm *mm, uintptr_t oldbrk, uintptr_t newbrk)
{
	struct vma *heap = vma_lookup(mm, oldbrk - 1);
	if (heap && heap->kind == VMA_HEAP && heap->vm_end == oldbrk &&
	    (heap->vm_flags & ~(VM_MAYWRITE | VM_ACCOUNT)) == (VM_READ | VM_WRITE)) {
		heap->vm_end = newbrk;
		vma_gap_update(mm, heap->next);
		return true;
	}
	struct vma *v = vma_alloc(mm, oldbrk, newbrk, VM_READ | VM_WRITE, VMA_HEAP);
	if (!v)
		return false;
	vma_insert(mm, v);
	return true;
}

uintptr_t do_brk(struct mm *mm, uintptr_t brk)
{
	if (brk < mm->start_brk)
		return mm->brk;
	uintptr_t newbrk = page_round_up(brk), oldbrk = page_round_up(mm->brk);
	if (brk > USER_TOP)
		return mm->brk;
	if (newbrk == oldbrk) {
		mm->brk = brk;
		return brk;
	}
	if (brk <= mm->brk) {
		if (vma_unmap_range(mm, newbrk, oldbrk))
			return mm->brk;
		mm->brk = brk;
		return brk;
	}
	if (!brk_may_grow(mm, oldbrk, newbrk) || !grow_heap(mm, oldbrk, newbrk))
		return mm->brk;
	/* LAB lazy: STUB mm_populate(mm, oldbrk, newbrk); */
	mm->brk = brk;
	return brk;
}

long sys_brk(uintptr_t brk)
{
	return (long)do_brk(current_mm(), brk);
}
