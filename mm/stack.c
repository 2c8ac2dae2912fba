/*
 * The user stack: the one kind of area that grows by itself (Linux
 * VM_GROWSDOWN). An access just below a stack area extends it down to the
 * accessed page (CS:APP 9.7.2's "user stack" segment, created at run time),
 * as long as two rules hold:
 *   - the area stays within STACK_LIMIT of its top (RLIMIT_STACK);
 *   - it stays STACK_GUARD_GAP above the area below it (Linux's
 *     stack_guard_gap), so a runaway stack never silently meets the heap or
 *     an mmap area.
 * Both the page-fault handler and the user copies reach expand_stack through
 * vma_for_access (mm/vma.c); a fault that breaks a rule is a stack overflow.
 */
#include "mm.h"
#include "layout.h"
#include "../kernel/errno.h"

/* The lowest address v may grow down to under the two rules. */
static uintptr_t stack_floor(const struct vma *v)
{
	uintptr_t floor = v->vm_end > STACK_LIMIT ? v->vm_end - STACK_LIMIT : 0;
	if (v->prev && v->prev->vm_end + STACK_GUARD_GAP > floor)
		floor = v->prev->vm_end + STACK_GUARD_GAP;
	return floor;
}

int expand_stack(struct mm *mm, struct vma *v, uintptr_t addr)
{
	addr = page_round_down(addr);
	if (addr < stack_floor(v))
		return -ENOMEM;
	vma_move_start(mm, v, addr);
	/* LAB lazy: STUB mm_populate(mm, addr, v->vm_end); */
	mm->stat.stack_grows++;
	vm_global.stack_grows++;
	return 0;
}

bool stack_overflow_at(struct mm *mm, uintptr_t addr)
{
	struct vma *v = find_vma(mm, addr);
	if (!v || !(v->vm_flags & VM_GROWSDOWN) || addr >= v->vm_start)
		return false;
	return v->vm_end - page_round_down(addr) <= STACK_LIMIT + STACK_GUARD_GAP;
}
