/* The one rule for a user access (vma_for_access) and stack growth
 * (mm/stack.c): what the fault handler and the user copies both obey. */
#include "../../kernel/ktest.h"
#include "../../kernel/string.h"
#include "../../mm/frame.h"
#include "../../mm/layout.h"
#include "../../mm/mm.h"

enum { TOP = 0x40000000, STACK_START = TOP - 4 * PAGE_SIZE };

static struct mm *mm_with_stack(void)
{
	struct mm *mm = mm_create();
	vma_insert(mm, vma_alloc(mm, STACK_START, TOP, VM_READ | VM_WRITE | VM_GROWSDOWN, VMA_STACK));
	return mm;
}

KTEST(access_grows_stack_within_limit)
{
	struct mm *mm = mm_with_stack();
	struct vma *v;
	KT_ASSERT(!vma_for_access(mm, TOP - STACK_LIMIT, true, false, &v));
	KT_EQ(v->vm_start, TOP - STACK_LIMIT);
	KT_EQ(mm->stat.stack_grows, 1);
	mm_destroy(mm);
}

KTEST(access_past_stack_limit_is_maperr)
{
	struct mm *mm = mm_with_stack();
	struct vma *v;
	const char *why = vma_for_access(mm, TOP - STACK_LIMIT - 1, false, false, &v);
	KT_ASSERT(why && !strcmp(why, "outside any VMA"));
	KT_EQ(v, NULL);
	KT_EQ(vma_lookup(mm, STACK_START)->vm_start, STACK_START);   /* unchanged */
	KT_ASSERT(stack_overflow_at(mm, TOP - STACK_LIMIT - 1));
	KT_ASSERT(!stack_overflow_at(mm, TOP - STACK_LIMIT - STACK_GUARD_GAP - PAGE_SIZE));
	mm_destroy(mm);
}

KTEST(access_stack_keeps_guard_gap)
{
	struct mm *mm = mm_with_stack();
	uintptr_t below_end = STACK_START - 8 * PAGE_SIZE - STACK_GUARD_GAP;
	vma_insert(mm, vma_alloc(mm, below_end - PAGE_SIZE, below_end, VM_READ, VMA_ANON));
	struct vma *v;
	KT_ASSERT(vma_for_access(mm, below_end + STACK_GUARD_GAP - 1, false, false, &v));
	KT_ASSERT(!vma_for_access(mm, below_end + STACK_GUARD_GAP, false, false, &v));
	mm_destroy(mm);
}

KTEST(access_rule_names_the_case)
{
	struct mm *mm = mm_with_stack();
	vma_insert(mm, vma_alloc(mm, 0x10000, 0x11000, VM_READ, VMA_ANON));
	vma_insert(mm, vma_alloc(mm, 0x20000, 0x21000, 0, VMA_ANON));
	struct vma *v;
	KT_ASSERT(!strcmp(vma_for_access(mm, 0x10000, true, false, &v), "write to read-only VMA"));
	KT_EQ(v->vm_start, 0x10000);
	KT_ASSERT(!strcmp(vma_for_access(mm, 0x10000, false, true, &v), "execute from NX page (VMA not executable)"));
	KT_ASSERT(!strcmp(vma_for_access(mm, 0x20000, false, false, &v), "access to PROT_NONE VMA"));
	KT_ASSERT(!strcmp(vma_for_access(mm, USER_TOP, false, false, &v), "user access to the kernel half"));
	KT_EQ(v, NULL);
	KT_ASSERT(!vma_for_access(mm, 0x10fff, false, false, &v));
	mm_destroy(mm);
}
