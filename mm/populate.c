/*
 * Populating: faulting pages in ahead of any access, through the fault
 * handler exactly as the program's own access would (Linux's
 * faultin_page_range in mm/gup.c). Used by mlock (a locked area is
 * resident), mmap of a locked area, mremap growing one, and
 * madvise(MADV_POPULATE_READ/WRITE).
 *
 * A write fault on private memory breaks copy-on-write; a read fault maps
 * the page as a read would (demand-zero, file page, shared object page).
 * Pages that already allow the access are left alone.
 *
 * Not to be confused with mm/fault.c's mm_populate, the lazy lab's handout
 * fallback (and MAP_POPULATE's), which maps zeroed frames into anonymous
 * areas without the fault handler, so that it works while a student's
 * demand paging does not yet.
 */
#include "populate.h"
#include "fault.h"
#include "layout.h"
#include "pagetable.h"
#include "pf_error.h"
#include "../kernel/errno.h"

long mm_populate_range(struct mm *mm, const struct vma *v, uintptr_t start, uintptr_t end, bool write)
{
	(void)v;
	for (uintptr_t va = page_round_down(start); va < end; va += PAGE_SIZE) {
		if (pt_allows(mm->pgd, va, write, true, false))
			continue;
		struct fault f = { .addr = va, .error = PF_USER | (write ? PF_WRITE : 0), .kernel_copy = true,
				   .pid = current_pid(), .comm = current_comm() };
		enum fault_result r = handle_page_fault(mm, &f);
		if (r != FAULT_HANDLED)
			return r == FAULT_OOM ? -ENOMEM : -EFAULT;
	}
	return 0;
}
