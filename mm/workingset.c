/*
 * Working set and page-fault frequency, per process (Denning 1968: the
 * working set W(t, tau) is the set of pages a process referenced in the
 * last tau of its own virtual time; Chu and Opderbeck 1972: page-fault
 * frequency). They show how much memory a process is using now and how
 * hard it is paging: a process whose working set does not fit in its frames
 * thrashes, and its PFF says so.
 *
 * Definitions (what /proc/PID/status prints as WsWindows, WsPages,
 * PffFaults and Pff):
 *   virtual time  the CPU time, in ticks (HZ per second), of the tasks
 *                 running in the address space (its threads; utime + stime):
 *                 time other processes run does not count, so the figures
 *                 do not depend on the machine's load;
 *   window        WS_WINDOW_TICKS ticks of it (kernel/param.h); a window ends
 *                 at the first tick in user mode at or after its end;
 *   working set   the distinct resident 4 KiB pages whose PTE's accessed bit
 *                 (Intel's A bit, set by the MMU on every use) is set when
 *                 the window ends: one walk of the page tables counts them
 *                 and clears the bits for the next window;
 *   PFF           the page faults (minor and major, mm->stat.faults) taken
 *                 in the window, and that per 1000 ticks (workingset_pff).
 * Always true: pages <= the resident pages at the window's end (a page used
 * in the window but evicted before its end is not counted: its PTE is gone);
 * a process whose threads all sleep has its windows stand still.
 *
 * The accessed bits are also what the replacement policy reads: a bit this
 * walk clears on a page the policy holds is handed over as PG_young
 * (replace_page_young), which page_referenced_clear counts as a set bit, so
 * sampling never changes which victim a policy picks (Linux's idle-page
 * tracking keeps its young flag for the same reason).
 * Lock: none of its own; an mm's `ws` is touched only at the ticks of its
 * tasks, with interrupts off (one CPU). PG_young is under replace_lock.
 */
#include "workingset.h"
#include "frame.h"
#include "mm.h"
#include "pagetable.h"
#include "replace.h"

struct sample {
	pte_t *root;
	uint64_t referenced;
};

/* A present leaf: counted and cleared if its accessed bit is set. Huge
 * leaves are left alone (pt_test_clear_young clears 4 KiB entries only). */
static void sample_leaf(uintptr_t va, pte_t *slot, int level, void *arg)
{
	struct sample *s = arg;
	if (level != 1 || !(*slot & PTE_A) || !pt_test_clear_young(s->root, va))
		return;
	s->referenced++;
	struct page *p = pa_to_page(pte_addr(*slot));
	if (p->flags & (PG_anon | PG_shmem))   /* the kinds the policy holds */
		replace_page_young(p);
}

/* The working set of mm for the window that ends now. */
static uint64_t sample_referenced(struct mm *mm)
{
	struct sample s = { mm->pgd, 0 };
	struct pt_visitor v = { sample_leaf, NULL, &s, NULL };
	pt_traverse(mm->pgd, 0, USER_TOP, &v);
	return s.referenced;
}

static void end_window(struct mm *mm)
{
	struct workingset *ws = &mm->ws;
	ws->pages = sample_referenced(mm);
	ws->faults = mm->stat.faults - ws->faults_start;
	ws->faults_start = mm->stat.faults;
	ws->windows++;
	ws->window_end = ws->ticks + WS_WINDOW_TICKS;
}

void workingset_tick(struct mm *mm, bool from_user)
{
	struct workingset *ws = &mm->ws;
	if (!ws->window_end) {   /* its first tick: the first window begins */
		ws->window_end = WS_WINDOW_TICKS;
		ws->faults_start = mm->stat.faults;
	}
	ws->ticks++;
	if (from_user && ws->ticks >= ws->window_end)
		end_window(mm);
}
