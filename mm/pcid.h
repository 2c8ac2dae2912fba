#ifndef PAGODA_PCID_H
#define PAGODA_PCID_H
#include "../kernel/types.h"

struct mm;
struct percpu;

/* PCIDs: process-context identifiers, so that loading CR3 need not flush
 * the TLB (mm/pcid.c explains the generation scheme). */
extern bool pcid_enabled;      /* CR4.PCIDE on (the CPU has PCID, no `nopcid`) */
extern bool invpcid_present;   /* the CPU has INVPCID */

void pcid_init(bool wanted);   /* boot CPU, after kmap_init */
/* The CR3 value that loads mm on CPU c: root | PCID | no-flush when c's TLB
 * is known to hold nothing stale for mm. */
uint64_t pcid_cr3(struct mm *mm, struct percpu *c);

struct pcid_counters {
	uint64_t kept;        /* switches that kept the TLB (the no-flush bit) */
	uint64_t flushed;     /* switches that flushed the incoming PCID */
	uint64_t rollovers;   /* generations used up: every CPU flushes everything */
};
extern struct pcid_counters pcid_stat;

#endif
