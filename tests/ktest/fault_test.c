/* mm/fault.c on a private address space that is not active: the classifier's
 * answers, and the spurious-fault rule (flush only when the entry allows). */
#include "../../kernel/ktest.h"
#include "../../kernel/string.h"
#include "../../mm/fault.h"
#include "../../mm/frame.h"
#include "../../mm/pagetable.h"
#include "../../mm/pf_error.h"

enum { AREA = 0x400000 };

static struct mm *mm_with_area(uint64_t flags)
{
	struct mm *mm = mm_create();
	vma_insert(mm, vma_alloc(mm, AREA, AREA + 4 * PAGE_SIZE, flags, VMA_ANON));
	return mm;
}

static enum fault_result fault_at(struct mm *mm, uintptr_t addr, uint64_t error, const char **case_name)
{
	struct fault f = { .addr = addr, .error = error | PF_USER };
	enum fault_result r = handle_page_fault(mm, &f);
	*case_name = f.case_name;
	return r;
}

KTEST(fault_classifies_maperr_accerr_and_demand_zero)
{
	uint64_t free = frame_free_count();
	struct mm *mm = mm_with_area(VM_READ);
	const char *why;
	KT_EQ(fault_at(mm, AREA - PAGE_SIZE, 0, &why), FAULT_SEGV_MAPERR);
	KT_EQ(fault_at(mm, AREA, PF_WRITE, &why), FAULT_SEGV_ACCERR);
	KT_EQ(fault_at(mm, USER_TOP, 0, &why), FAULT_SEGV_MAPERR);
	KT_EQ(fault_at(mm, AREA + 8, 0, &why), FAULT_HANDLED);
	KT_ASSERT(!strcmp(why, "demand-zero page"));
	mm_destroy(mm);
	KT_EQ(frame_free_count(), free);
}

/* A present entry that allows the access: a stale TLB entry, flushed. */
KTEST(fault_spurious_when_entry_allows)
{
	struct mm *mm = mm_with_area(VM_READ | VM_WRITE);
	const char *why;
	KT_EQ(fault_at(mm, AREA, PF_WRITE, &why), FAULT_HANDLED);
	KT_EQ(fault_at(mm, AREA, PF_PROT | PF_WRITE, &why), FAULT_HANDLED);
	KT_ASSERT(!strcmp(why, "spurious (stale TLB entry)"));
	mm_destroy(mm);
}

KTEST(pt_allows_checks_every_bit)
{
	struct mm *mm = mm_with_area(VM_READ | VM_WRITE);
	const char *why;
	fault_at(mm, AREA, PF_WRITE, &why);
	KT_ASSERT(pt_allows(mm->pgd, AREA, true, true, false));
	KT_ASSERT(!pt_allows(mm->pgd, AREA, false, true, true));   /* not VM_EXEC: NX */
	KT_ASSERT(!pt_allows(mm->pgd, AREA + PAGE_SIZE, false, false, false));   /* not present */
	pt_protect(mm->pgd, AREA, PTE_NX);   /* kernel-only, read-only */
	KT_ASSERT(!pt_allows(mm->pgd, AREA, false, true, false));
	KT_ASSERT(pt_allows(mm->pgd, AREA, false, false, false));
	mm_destroy(mm);
}
