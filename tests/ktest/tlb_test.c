/* TLB shootdown across CPUs (mm/tlbflush.c), the demo of CS:APP 9.7's
 * coherence problem: the other CPU reads a page through an address space,
 * so its TLB caches the translation; this CPU points the address at
 * another frame. With the shootdown the other CPU then reads the new
 * frame; with the test-only switch tlb_skip_shootdown it still reads the
 * old one, through its stale TLB entry. Needs a second CPU (the smp suite
 * boots two); with one CPU there is nobody to be stale. */
#include "../../kernel/ktest.h"
#include "../../kernel/percpu.h"
#include "../../kernel/smp.h"
#include "../../kernel/uaccess.h"
#include "../../kernel/x86.h"
#include "../../mm/frame.h"
#include "../../mm/mm.h"
#include "../../mm/pagetable.h"
#include "../../mm/tlbflush.h"

static const uintptr_t addr = 0x40000000;
static volatile uint8_t seen;

/* On CPU 1, from the IPI: load the space if it left it, read the byte. */
static void read_byte(void *arg)
{
	if (this_cpu()->loaded_mm != arg)
		mm_activate(arg);
	user_access_begin();
	seen = *(volatile uint8_t *)addr;
	user_access_end();
}

static uint8_t read_on_cpu1(struct mm *mm)
{
	seen = 0;
	smp_call_many(1ull << 1, read_byte, mm, true);
	return seen;
}

static paddr_t frame_holding(uint8_t byte)
{
	paddr_t pa = frame_alloc_zeroed(FRAME_USER);
	*(uint8_t *)pa_to_kva(pa) = byte;
	return pa;
}

/* What CPU 1 reads after the remap, and how many shootdowns it took. */
static uint8_t read_after_remap(bool skip, uint64_t *rounds)
{
	const uint64_t flags = PTE_U | PTE_W | PTE_NX;
	struct mm *mm = mm_create();
	KT_ASSERT(mm != NULL);
	KT_EQ(pt_map(mm->pgd, addr, frame_holding('A'), flags), 0);
	KT_EQ(read_on_cpu1(mm), 'A');   /* CPU 1's TLB now maps addr to the 'A' frame */
	uint64_t before = tlb_stat.shootdowns;
	tlb_skip_shootdown = skip;
	pte_t old = pt_remap(mm->pgd, addr, frame_holding('B'), flags);
	tlb_skip_shootdown = false;
	*rounds = tlb_stat.shootdowns - before;
	uint8_t got = read_on_cpu1(mm);
	frame_put(pte_addr(old));
	mm_destroy(mm);
	return got;
}

KTEST(smp_tlb_shootdown_reaches_the_other_cpu)
{
	uint64_t rounds;
	if (ncpus < 2)
		return;
	KT_EQ(read_after_remap(false, &rounds), 'B');
	KT_EQ(rounds, 1);
}

KTEST(smp_tlb_skipped_shootdown_leaves_a_stale_translation)
{
	uint64_t rounds;
	if (ncpus < 2)
		return;
	KT_EQ(read_after_remap(true, &rounds), 'A');   /* stale: the old frame, through CPU 1's TLB */
	KT_EQ(rounds, 0);
}
