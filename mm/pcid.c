/*
 * PCIDs (Intel SDM vol. 3A, 4.10.1): with CR4.PCIDE, CR3 bits 11:0 name the
 * address space, the TLB tags entries with it, and a CR3 load with bit 63
 * set keeps the TLB. A process switch then flushes nothing.
 *
 * The generation scheme. PCIDs 1..4095 are handed out from one counter,
 * each to one mm per *generation*; PCID 0 is the kernel's own tables.
 *
 *   generation          the current one; bumped when the counter runs out
 *   mm->pcid, pcid_gen  mm's PCID, valid only while pcid_gen == generation
 *   cpus[n].pcid_gen    the generation cpu n's TLB belongs to
 *
 * When the numbers run out, the generation moves on and numbering starts
 * over; a CPU loading anything sees its own pcid_gen behind and flushes
 * every PCID first (INVPCID type 3 where present, else a CR4.PGE toggle),
 * so a number's entries from an earlier owner never survive into its new
 * owner's use. Within a generation a number has one owner, so the only
 * stale entries a CPU can hold for mm's PCID are mm's own from before a
 * change it did not see: mm/tlbflush.c's per-CPU TLB generation says when
 * (mm->cpu_tlb_gen[n] < mm->tlb_gen), and then the load flushes that PCID
 * (no bit 63). A freed mm's number is simply not reused until the rollover.
 *
 * Always true: every CR3 load of a user mm goes through pcid_cr3 (under
 * the kernel lock, which also guards the counter).
 */
#include "pcid.h"
#include "layout.h"
#include "mm.h"
#include "../kernel/percpu.h"
#include "../kernel/printk.h"
#include "../kernel/x86.h"

enum { PCID_MAX = 4095 };
#define CR3_NOFLUSH (1ull << 63)

bool pcid_enabled, invpcid_present;
struct pcid_counters pcid_stat;
static uint64_t generation = 1;
static uint32_t next_pcid = 1;

void pcid_init(bool wanted)
{
	uint32_t r[4];
	cpuid(1, 0, r);
	bool has = r[2] >> 17 & 1;
	cpuid(7, 0, r);
	invpcid_present = r[1] >> 10 & 1;
	pcid_enabled = wanted && has;
	if (pcid_enabled)
		write_cr4(read_cr4() | CR4_PCIDE);
	pr_info("pcid: %s%s\n", pcid_enabled ? "on" : has ? "off (nopcid)" : "absent",
		pcid_enabled ? (invpcid_present ? ", INVPCID" : ", no INVPCID") : "");
}

static void flush_all_pcids(void)
{
	if (invpcid_present) {
		invpcid(3, 0, 0);   /* every PCID, global entries kept */
		return;
	}
	uint64_t cr4 = read_cr4();
	write_cr4(cr4 ^ CR4_PGE);   /* toggling PGE flushes every entry of every PCID */
	write_cr4(cr4);
}

static void assign(struct mm *mm)
{
	if (next_pcid > PCID_MAX) {
		generation++;
		next_pcid = 1;
		pcid_stat.rollovers++;
	}
	mm->pcid = next_pcid++;
	mm->pcid_gen = generation;
}

uint64_t pcid_cr3(struct mm *mm, struct percpu *c)
{
	paddr_t root = kva_to_pa(mm->pgd);
	if (!pcid_enabled)
		return root;
	if (mm->pcid_gen != generation)
		assign(mm);
	if (c->pcid_gen != generation) {
		flush_all_pcids();
		c->pcid_gen = generation;
	}
	if (mm->cpu_tlb_gen[c->cpu] == mm->tlb_gen) {
		pcid_stat.kept++;
		return root | mm->pcid | CR3_NOFLUSH;
	}
	pcid_stat.flushed++;
	return root | mm->pcid;
}
