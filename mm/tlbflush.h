#ifndef PAGODA_TLBFLUSH_H
#define PAGODA_TLBFLUSH_H
#include "pte.h"

struct mm;

/* After a change to root's entries that a TLB may cache: this CPU's TLB is
 * flushed if root is loaded here, every other CPU that has root's address
 * space loaded gets one IPI for the whole range (a shootdown), and every
 * CPU that has it cached under a PCID but not loaded flushes it when it
 * loads it next (the mm's TLB generation moved). A range of more than
 * TLB_SINGLE_FLUSH_MAX pages is flushed whole. */
enum { TLB_SINGLE_FLUSH_MAX = 32 };
void flush_tlb_page(pte_t *root, uintptr_t va);
void flush_tlb_range(pte_t *root, uintptr_t start, uintptr_t end);
void flush_tlb_mm(pte_t *root);
void local_flush_tlb_page(uintptr_t va);   /* this CPU only (a spurious fault's stale entry) */

/* Load mm's page tables on this CPU (CR3, with its PCID when PCIDs are on);
 * NULL: the kernel's own tables, leaving whatever mm was loaded. The
 * scheduler does not call it for the idle process: an idle CPU keeps the
 * last mm loaded (lazy TLB) until a shootdown or the mm's end asks it to
 * leave. */
void mm_activate(struct mm *mm);
void tlb_mm_init(struct mm *mm);   /* a new address space: no CPU has it loaded */
void tlb_mm_gone(struct mm *mm);   /* before its tables are freed: every CPU leaves it */

struct tlb_counters {
	uint64_t shootdowns;   /* IPI rounds sent (one per range) */
	uint64_t ipis;         /* IPIs sent (one per target CPU per round) */
	uint64_t pages;        /* pages flushed one by one, on the targets */
	uint64_t full;         /* whole-TLB flushes, on the targets */
	uint64_t lazy_leaves;  /* idle CPUs that left an mm instead of flushing */
	uint64_t skipped;      /* rounds not sent because of tlb_skip_shootdown */
};
extern struct tlb_counters tlb_stat;
/* Test only: flush only this CPU, send no shootdown (ktest smp_tlb_*). */
extern bool tlb_skip_shootdown;

#endif
