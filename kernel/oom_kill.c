/*
 * The out-of-memory killer: when a page fault finds no free frame, one
 * process dies so that the others can go on (Linux mm/oom_kill.c).
 *
 * The victim is the process with the largest footprint, its "badness":
 * resident pages plus the page-table pages that map them (Linux counts the
 * same, plus swap). Never chosen: init (pid 1; killing it would halt the
 * machine), the idle process, zombies. The faulting process is a candidate
 * like any other, so a lone hog still kills itself.
 *
 * Invariants:
 *   - a victim is killed with SIGKILL, which it cannot ignore, and frees its
 *     memory in do_exit the next time it runs;
 *   - while any victim is still dying (SIGKILL pending, not yet a zombie),
 *     no second one is chosen: the faulting process yields the CPU so the
 *     victim can run, and retries its access afterwards;
 *   - only when no other process exists does init's own fault kill init
 *     (Linux panics there: "no killable processes").
 * Called with interrupts off, like all kernel code (kernel/proc.h).
 */
#include "oom_kill.h"
#include "linux_abi.h"
#include "printk.h"
#include "proc.h"
#include "../mm/mm.h"
#include "../mm/layout.h"

static bool oom_unkillable(const struct proc *p)
{
	return p == idle_proc || p->pid == 1 || p->state == PROC_ZOMBIE || !p->mm;
}

static bool dying(const struct proc *p)
{
	return p->state != PROC_ZOMBIE && fatal_signal_pending(p);
}

static uint64_t oom_badness(struct proc *p)
{
	return mm_resident_pages(p->mm, 0, USER_TOP) + mm_table_pages(p->mm);
}

/* The killable process with the largest footprint; NULL if there is none. */
static struct proc *select_bad_process(uint64_t *points)
{
	struct proc *chosen = NULL;
	*points = 0;
	for (struct proc *p = proc_first(); p; p = p->all_next) {
		if (oom_unkillable(p))
			continue;
		uint64_t b = oom_badness(p);
		if (!chosen || b > *points) {
			chosen = p;
			*points = b;
		}
	}
	return chosen;
}

static bool victim_dying(void)
{
	for (struct proc *p = proc_first(); p; p = p->all_next)
		if (dying(p))
			return true;
	return false;
}

bool out_of_memory(struct proc *p, uintptr_t addr)
{
	if (victim_dying()) {
		if (!dying(p))
			sched_yield_current();   /* let the victim run and exit */
		return !dying(p);
	}
	uint64_t points;
	struct proc *victim = select_bad_process(&points);
	if (!victim)
		victim = p;   /* init alone: nothing else can give memory back */
	printk("pagoda: pid %d (%s) killed (SIGKILL): out of memory: largest footprint, %lu KiB "
	       "(pid %d (%s) faulted at %016lx)\n", victim->tgid, victim->name, points * (PAGE_SIZE / 1024), p->pid,
	       p->name, addr);
	force_sig(victim, SIGKILL);
	if (victim != p)
		sched_yield_current();
	return !dying(p);
}
