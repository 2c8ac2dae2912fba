/*
 * Tests that must fail. `test=all` skips them; tests/run.py boots each one by
 * name and expects the failure it provokes (exit status, log pattern), which
 * proves the harness cannot mistake a failure, a panic or a hang for a pass.
 */
#include "../../kernel/ktest.h"
#include "../../kernel/panic.h"

KTEST_SELFCHECK(selfcheck_fail)
{
	int two = 2;
	KT_EQ(two + two, 5);
}

KTEST_SELFCHECK(selfcheck_panic)
{
	panic("deliberate panic from selfcheck_panic");
}

KTEST_SELFCHECK(selfcheck_hang)
{
	for (;;)
		__asm__ volatile("hlt");
}

KTEST_SELFCHECK(selfcheck_null_deref)
{
	volatile int *p = NULL;
	*p = 1;
}

/* Recursion with a frame too large to be optimised into a loop: runs off the
 * bottom of the boot stack into its guard page. The CPU cannot push the #PF
 * frame there, so it raises #DF, which runs on its own IST stack. */
static volatile int depth_limit = 1 << 30;   /* volatile: the compiler cannot see it never stops */

static int recurse(int n)
{
	volatile char frame[512];
	frame[0] = (char)n;
	if (n > depth_limit)
		return 0;
	return recurse(n + 1) + frame[0];
}

KTEST_SELFCHECK(selfcheck_stack_overflow)
{
	recurse(0);
}

/* A user frame that nothing maps: frame_audit must call it a leak. */
#include "../../mm/audit.h"
#include "../../mm/frame.h"

KTEST_SELFCHECK(selfcheck_frame_audit_finds_leak)
{
	frame_alloc(FRAME_USER);
	frame_audit();
}

/* A present entry that contradicts its area (kernel-only in a readable
 * area): before the fix, the fault handler flushed and retried forever. */
#include "../../mm/fault.h"
#include "../../mm/pagetable.h"
#include "../../mm/pf_error.h"

KTEST_SELFCHECK(selfcheck_corrupt_pte_panics)
{
	struct mm *mm = mm_create();
	vma_insert(mm, vma_alloc(mm, 0x400000, 0x401000, VM_READ | VM_WRITE, VMA_ANON));
	struct fault f = { .addr = 0x400000, .error = PF_USER | PF_WRITE };
	handle_page_fault(mm, &f);
	pt_protect(mm->pgd, 0x400000, PTE_NX);   /* the corruption: U and W gone */
	f.error = PF_USER | PF_PROT;
	handle_page_fault(mm, &f);
}

/* A free frame that still has a reference: frame_check must see it. */
KTEST_SELFCHECK(selfcheck_frame_check_finds_corruption)
{
	paddr_t pa = frame_alloc(FRAME_USER);
	frame_put(pa);
	pa_to_page(pa)->refcount = 1;   /* the corruption */
	KT_ASSERT(frame_check());
}

/* A page table emptied behind the page-table code's back (its last entry
 * cleared and its count dropped, but the table not freed). */
KTEST_SELFCHECK(selfcheck_pt_check_finds_empty_table)
{
	pte_t *root = pt_create_root();
	uintptr_t va = 0x7f1234560000ul;
	pt_map(root, va, frame_alloc(FRAME_USER), PTE_U);
	int level;
	pte_t *leaf = (pte_t *)pt_lookup(root, va, &level);
	*leaf = 0;   /* the corruption */
	pa_to_page(kva_to_pa(leaf) & PAGE_MASK)->count--;
	KT_ASSERT(pt_check_empty_tables(root, 0, USER_TOP));
}
