/* The PCID generation scheme (mm/pcid.c), as pcid_cr3 decides it: a new
 * space gets its own PCID and a flushing load; loading it again with
 * nothing changed keeps the TLB; a flush of the space since this CPU last
 * caught up makes the next load flush. Only the CR3 values are computed
 * here (QEMU's TCG has no PCID, so CR4.PCIDE stays as it is). */
#include "../../kernel/ktest.h"
#include "../../kernel/percpu.h"
#include "../../mm/mm.h"
#include "../../mm/pcid.h"
#include "../../mm/tlbflush.h"

#define NOFLUSH (1ull << 63)

static uint64_t load(struct mm *mm)
{
	uint64_t cr3 = pcid_cr3(mm, this_cpu());
	mm->cpu_tlb_gen[this_cpu()->cpu] = mm->tlb_gen;   /* as mm_activate records it */
	return cr3;
}

KTEST(pcid_generation_decides_the_flush)
{
	bool was = pcid_enabled;
	pcid_enabled = true;
	struct mm *a = mm_create(), *b = mm_create();
	KT_ASSERT(a && b);
	uint64_t first = load(a);
	KT_EQ(first & NOFLUSH, 0);             /* a new space: flush its PCID */
	KT_NE(first & 0xfff, 0);               /* PCID 0 is the kernel's */
	KT_NE(load(b) & 0xfff, first & 0xfff); /* one PCID per space in a generation */
	KT_EQ(load(a), first | NOFLUSH);       /* nothing changed: the TLB is kept */
	flush_tlb_mm(a->pgd);                  /* a change this CPU has not caught up with */
	KT_EQ(load(a) & NOFLUSH, 0);
	pcid_enabled = was;
	mm_destroy(a);
	mm_destroy(b);
}
