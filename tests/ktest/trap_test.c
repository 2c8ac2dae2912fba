/* Exceptions raised in the kernel are caught, named and reported with the
 * right details; #BP returns to the next instruction. */
#include "../../kernel/ktest.h"
#include "../../kernel/string.h"
#include "../../kernel/trap.h"
#include "../../mm/pf_error.h"

/* In assembly: gcc would rewrite a C division by a variable 0 (it is UB). */
static void divide_by_zero(void *arg)
{
	(void)arg;
	__asm__ volatile("xor %%ecx, %%ecx; div %%ecx" ::: "eax", "ecx", "edx");
}

static void invalid_opcode(void *arg)
{
	(void)arg;
	__asm__ volatile("ud2");
}

static void read_unmapped(void *arg)
{
	*(volatile uint64_t *)arg = *(volatile uint64_t *)0x0000100000000000ul;   /* 16 TiB: never mapped */
}

KTEST(trap_divide_error_reported)
{
	struct ktest_trap t;
	int sink;
	KT_ASSERT(ktest_expect_trap(divide_by_zero, &sink, &t));
	KT_EQ(t.tf.vector, T_DE);
	KT_ASSERT(strstr(t.report, "#DE divide error"));
	KT_ASSERT(strstr(t.report, "divide_by_zero"));   /* the RIP is symbolised */
}

KTEST(trap_invalid_opcode_reported)
{
	struct ktest_trap t;
	KT_ASSERT(ktest_expect_trap(invalid_opcode, NULL, &t));
	KT_EQ(t.tf.vector, T_UD);
	KT_ASSERT(strstr(t.report, "#UD invalid opcode"));
	KT_ASSERT(strstr(t.report, "RFLAGS"));
}

KTEST(trap_kernel_page_fault_reported)
{
	struct ktest_trap t;
	uint64_t sink;
	KT_ASSERT(ktest_expect_trap(read_unmapped, &sink, &t));
	KT_EQ(t.tf.vector, T_PF);
	KT_EQ(t.cr2, 0x0000100000000000ul);
	KT_EQ(t.tf.error & (PF_PROT | PF_WRITE | PF_USER), 0);   /* not present, read, kernel */
	KT_ASSERT(strstr(t.report, "page not present"));
	KT_ASSERT(strstr(t.report, "CR2 0000100000000000"));
}

KTEST(trap_breakpoint_resumes)
{
	volatile int after = 0;
	__asm__ volatile("int3");
	after = 1;
	KT_EQ(after, 1);
}

static void harmless(void *arg)
{
	*(int *)arg = 42;
}

KTEST(trap_expect_reports_no_exception)
{
	struct ktest_trap t;
	int x = 0;
	KT_ASSERT(!ktest_expect_trap(harmless, &x, &t));
	KT_EQ(x, 42);
}
