/* The kernel image is mapped W^X; NULL and the lower half are unmapped;
 * SMEP/SMAP stop the kernel from using user pages. */
#include "../../kernel/ktest.h"
#include "../../kernel/trap.h"
#include "../../kernel/x86.h"
#include "../../mm/frame.h"
#include "../../mm/kmap.h"
#include "../../mm/pagetable.h"
#include "../../mm/pf_error.h"

extern char __text_start[], __rodata_start[], __data_start[];
static uint8_t data_byte = 0xc3;   /* `ret`, in .data */

static void write_byte(void *p) { *(volatile uint8_t *)p = 0x90; }
static void call_at(void *p) { ((void (*)(void))p)(); }
static void read_byte(void *p) { (void)*(volatile uint8_t *)p; }

KTEST(kimage_text_is_not_writable)
{
	struct ktest_trap t;
	KT_ASSERT(ktest_expect_trap(write_byte, __text_start, &t));
	KT_EQ(t.tf.vector, T_PF);
	KT_EQ(t.tf.error & (PF_PROT | PF_WRITE), PF_PROT | PF_WRITE);
	KT_EQ(t.cr2, (uintptr_t)__text_start);
}

KTEST(kimage_rodata_is_not_writable)
{
	struct ktest_trap t;
	KT_ASSERT(ktest_expect_trap(write_byte, __rodata_start, &t));
	KT_EQ(t.tf.error & (PF_PROT | PF_WRITE), PF_PROT | PF_WRITE);
}

KTEST(kimage_data_is_not_executable)
{
	struct ktest_trap t;
	KT_ASSERT(ktest_expect_trap(call_at, &data_byte, &t));
	KT_EQ(t.tf.vector, T_PF);
	KT_EQ(t.tf.error & (PF_PROT | PF_INSTR), PF_PROT | PF_INSTR);
	KT_EQ(t.cr2, (uintptr_t)&data_byte);
}

KTEST(kimage_no_page_is_writable_and_executable)
{
	extern char __kernel_end[];
	for (uintptr_t va = (uintptr_t)__text_start; va < (uintptr_t)__kernel_end; va += PAGE_SIZE) {
		int level;
		pte_t *e = pt_lookup(kernel_root, va, &level);
		if (e)
			KT_ASSERT(!(*e & PTE_W) || (*e & PTE_NX));
	}
}

KTEST(kmap_lower_half_unmapped)
{
	for (int i = 0; i < PT_ENTRIES / 2; i++)
		KT_EQ(kernel_root[i], 0);
	struct ktest_trap t;
	KT_ASSERT(ktest_expect_trap(read_byte, (void *)8, &t));
	KT_EQ(t.cr2, 8);
}

KTEST(kmap_direct_map_is_nx_and_global)
{
	int level;
	pte_t *e = pt_lookup(kernel_root, (uintptr_t)pa_to_kva(0x200000), &level);
	KT_ASSERT(e);
	KT_EQ(*e & (PTE_NX | PTE_G | PTE_W | PTE_U), PTE_NX | PTE_G | PTE_W);
}

KTEST(kmap_boot_stack_guard_unmapped)
{
	extern char boot_stack_guard[];
	paddr_t pa;
	KT_ASSERT(!pt_translate(kernel_root, (uintptr_t)boot_stack_guard, &pa));
	KT_ASSERT(pt_translate(kernel_root, (uintptr_t)boot_stack_guard + PAGE_SIZE, &pa));
}

/* A user page mapped into the live (kernel) address space for the test. */
#define USER_TEST_VA 0x0000000040000000ul

static paddr_t map_user_page(uint64_t flags)
{
	paddr_t f = frame_alloc_zeroed(FRAME_USER);
	*(uint8_t *)pa_to_kva(f) = 0xc3;   /* ret */
	pt_map(kernel_root, USER_TEST_VA, f, flags | PTE_U);
	return f;
}

static void unmap_user_page(void)
{
	frame_put(pte_addr(pt_unmap(kernel_root, USER_TEST_VA)));
}

KTEST(kmap_smep_blocks_kernel_executing_user_page)
{
	if (!cpu_has_smep)
		return;   /* nothing to check on this CPU; the boot line says so */
	map_user_page(0);
	struct ktest_trap t;
	bool trapped = ktest_expect_trap(call_at, (void *)USER_TEST_VA, &t);
	unmap_user_page();
	KT_ASSERT(trapped);
	KT_EQ(t.tf.error & (PF_PROT | PF_INSTR), PF_PROT | PF_INSTR);
}

KTEST(kmap_smap_blocks_kernel_reading_user_page)
{
	if (!cpu_has_smap)
		return;
	map_user_page(PTE_NX);
	struct ktest_trap t;
	bool trapped = ktest_expect_trap(read_byte, (void *)USER_TEST_VA, &t);
	stac();                        /* with AC set the same read is allowed */
	uint8_t b = *(volatile uint8_t *)USER_TEST_VA;
	clac();
	unmap_user_page();
	KT_ASSERT(trapped);
	KT_EQ(t.tf.error & PF_PROT, PF_PROT);
	KT_EQ(b, 0xc3);
}
