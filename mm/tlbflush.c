/*
 * TLB coherence across CPUs: which CPUs may cache which address space, and
 * how they are told that an entry changed.
 *
 *   mm->cpumask bit n:     cpus[n].loaded_mm == mm (CR3 holds it), running
 *                          it or, when idle, keeping it lazily
 *   mm->tlb_gen:           bumped by every flush of mm, except the only
 *                          online CPU's flush of the tables it runs on
 *                          (no other TLB can hold them: only_cpu_flush)
 *   mm->cpu_tlb_gen[n]:    the generation cpu n's TLB has caught up with for
 *                          mm (meaningful with PCIDs: entries may outlive a
 *                          switch away, see mm/pcid.c)
 *
 * A flush of mm bumps tlb_gen, flushes this CPU if mm is loaded here, and
 * sends one IPI per other CPU in the cpumask with the whole range (the
 * batch: munmap of n pages is one round, not n). A target still running mm
 * flushes the range; an idle target that kept mm lazily does not flush: it
 * loads the kernel's tables and leaves the cpumask (Linux's lazy-TLB rule),
 * so an idle CPU is sent at most one IPI per mm it used. A change to the
 * kernel's own tables (kernel_root: kernel stacks, kmap) goes to every
 * online CPU: its entries are global and live in every address space.
 *
 * Always true: a CPU whose TLB may hold entries of mm under mm's PCID
 * either has its bit in mm->cpumask (and gets every shootdown) or has
 * cpu_tlb_gen[n] < tlb_gen after any change since it left (and flushes
 * mm's PCID when it loads mm again). All of this runs under the kernel
 * lock, except the IPI handler, which reads the request and writes only its
 * own CPU's state, its bit and its cpu_tlb_gen slot.
 */
#include "tlbflush.h"
#include "faultlog.h"
#include "frame.h"
#include "kmap.h"
#include "mm.h"
#include "pcid.h"
#include "../kernel/percpu.h"
#include "../kernel/smp.h"
#include "../kernel/x86.h"

struct tlb_counters tlb_stat;
bool tlb_skip_shootdown;

struct flush_request {
	struct mm *mm;
	uintptr_t start, end;   /* end == 0: the whole TLB */
};

static struct mm *mm_of(pte_t *root)
{
	return pa_to_page(kva_to_pa(root))->root_mm;
}

static bool whole(uintptr_t start, uintptr_t end)
{
	return !end || (end - start) >> PAGE_SHIFT > TLB_SINGLE_FLUSH_MAX;
}

/* This CPU's TLB, for the mm loaded here (CR3 without the no-flush bit
 * drops the current PCID's entries). */
static void flush_local(uintptr_t start, uintptr_t end)
{
	if (whole(start, end)) {
		write_cr3(read_cr3());
		return;
	}
	for (uintptr_t va = start; va < end; va += PAGE_SIZE)
		invlpg(va);
}

void local_flush_tlb_page(uintptr_t va)
{
	invlpg(va);
}

static void leave_mm(struct percpu *c)
{
	struct mm *mm = c->loaded_mm;
	write_cr3(kva_to_pa(kernel_root));
	if (mm)
		atomic_and64(&mm->cpumask, ~(1ull << c->cpu));
	c->loaded_mm = NULL;
}

/* The kernel half's entries are global (PTE_G): a CR3 load keeps them, so a
 * whole flush turns CR4.PGE off and on again. */
static void flush_kernel_local(uintptr_t start, uintptr_t end)
{
	if (whole(start, end)) {
		uint64_t cr4 = read_cr4();
		write_cr4(cr4 & ~CR4_PGE);
		write_cr4(cr4);
		return;
	}
	for (uintptr_t va = start; va < end; va += PAGE_SIZE)
		invlpg(va);
}

/* On a target CPU, from the IPI (or from its spin for the kernel lock). */
static void flush_func(void *arg)
{
	const struct flush_request *r = arg;
	struct percpu *c = this_cpu();
	if (!r->mm) {
		flush_kernel_local(r->start, r->end);
		return;
	}
	if (c->loaded_mm != r->mm)
		return;   /* switched away meanwhile: the generation covers it */
	if (c->current == c->idle) {
		leave_mm(c);
		tlb_stat.lazy_leaves++;
		return;
	}
	flush_local(r->start, r->end);
	r->mm->cpu_tlb_gen[c->cpu] = r->mm->tlb_gen;
	if (whole(r->start, r->end))
		tlb_stat.full++;
	else
		tlb_stat.pages += (r->end - r->start) >> PAGE_SHIFT;
}

/* One fault-log event per round, beside the faults it may cause later. */
static void log_shootdown(struct mm *mm, uintptr_t start, uintptr_t end)
{
	struct fault f = { .addr = start, .pid = current_pid(), .comm = current_comm(), .mm = mm,
			   .case_name = whole(start, end) ? "tlb shootdown: other CPUs flush their whole TLB"
							  : "tlb shootdown: other CPUs flush the range" };
	faultlog_record(&f, FAULT_HANDLED);
}

/* mm NULL: the kernel's own tables, which every CPU uses (a freed kernel
 * stack's slot must not stay cached anywhere: the next stack in that slot
 * gets new frames). */
static void shootdown(struct mm *mm, uintptr_t start, uintptr_t end)
{
	cpumask_t users = mm ? mm->cpumask : cpu_online_mask();
	cpumask_t others = users & ~(1ull << smp_processor_id());
	if (!others)
		return;
	if (tlb_skip_shootdown) {
		tlb_stat.skipped++;
		return;
	}
	static struct flush_request req;   /* one round at a time (kernel/smp.c) */
	smp_call_wait();
	req = (struct flush_request){ mm, start, end };
	tlb_stat.shootdowns++;
	for (cpumask_t m = others; m; m &= m - 1)
		tlb_stat.ipis++;
	smp_call_many(others, flush_func, &req, true);
	if (mm)
		log_shootdown(mm, start, end);
}

/* The one CPU online flushing the user tables its CR3 holds: no other TLB
 * holds them (a CPU started later begins with an empty TLB), and this one is
 * caught up once its own entries go, so no generation or shootdown. The
 * copy-on-write fault's path, a test and an invlpg. */
static bool only_cpu_flush(pte_t *root, uintptr_t start, uintptr_t end)
{
	if (ncpus != 1 || root == kernel_root || pa_to_kva(read_cr3() & PAGE_MASK) != root)
		return false;
	flush_local(start, end);
	return true;
}

static void flush(pte_t *root, uintptr_t start, uintptr_t end)
{
	if (only_cpu_flush(root, start, end))
		return;
	struct mm *mm = mm_of(root);
	struct percpu *c = this_cpu();
	if (root == kernel_root) {
		flush_kernel_local(start, end);
		shootdown(NULL, start, end);
		return;
	}
	if (!mm || c->loaded_mm == mm || read_cr3() == kva_to_pa(root))
		flush_local(start, end);
	if (!mm)
		return;
	mm->tlb_gen++;
	if (c->loaded_mm == mm)
		mm->cpu_tlb_gen[c->cpu] = mm->tlb_gen;
	shootdown(mm, start, end);
}

void flush_tlb_page(pte_t *root, uintptr_t va)
{
	flush(root, va, va + PAGE_SIZE);
}

void flush_tlb_range(pte_t *root, uintptr_t start, uintptr_t end)
{
	flush(root, start, end);
}

void flush_tlb_mm(pte_t *root)
{
	flush(root, 0, 0);
}

void tlb_mm_init(struct mm *mm)
{
	mm->cpumask = 0;
	mm->tlb_gen = 1;
	pa_to_page(kva_to_pa(mm->pgd))->root_mm = mm;
}

void mm_activate(struct mm *mm)
{
	struct percpu *c = this_cpu();
	if (!mm) {
		leave_mm(c);
		return;
	}
	if (c->loaded_mm == mm && mm->cpu_tlb_gen[c->cpu] == mm->tlb_gen)
		return;   /* back from idle to the mm it kept: nothing changed */
	if (c->loaded_mm)
		atomic_and64(&c->loaded_mm->cpumask, ~(1ull << c->cpu));
	atomic_or64(&mm->cpumask, 1ull << c->cpu);
	c->loaded_mm = mm;
	write_cr3(pcid_cr3(mm, c));
	mm->cpu_tlb_gen[c->cpu] = mm->tlb_gen;
}

static void leave_func(void *arg)
{
	struct percpu *c = this_cpu();
	if (c->loaded_mm == arg)
		leave_mm(c);
}

void tlb_mm_gone(struct mm *mm)
{
	struct percpu *c = this_cpu();
	if (c->loaded_mm == mm)
		leave_mm(c);
	if (mm->cpumask)
		smp_call_many(mm->cpumask, leave_func, mm, true);
	pa_to_page(kva_to_pa(mm->pgd))->root_mm = NULL;
}
