/*
 * Kernel threads (Linux kthread_run): processes that never leave the kernel.
 * Today one: kswapd (mm/kswapd.c), which reclaims frames in the background.
 *
 * A kernel thread is a struct proc (it has a pid, a kernel stack, a place on
 * the run queue and sleeps like any process) with no address space: mm is
 * NULL, so switching to it keeps the page tables the CPU had loaded (lazy
 * TLB, mm/tlbflush.c), as for the idle process; it touches only the kernel
 * half. Its first switch_to "returns" into kthread_start instead of
 * proc_first_entry (kernel/proc.c):
 *
 *   kstack_top -> +-------------------+
 *                 | 0                 |  return address of kthread_start: never used
 *                 | kthread_start     |  switch_to's ret lands here
 *                 | rbp rbx r12..r15  |  zeros, popped by switch_to
 *   saved_rsp --> +-------------------+
 *
 * Always true: a kernel thread has mm == NULL and kthread_fn set, is nobody's
 * child and never exits (its function loops forever); its signal actions
 * are all SIG_IGN (ignore_signals, as Linux's kthreads), so a signal sent to
 * it is discarded, and SIGKILL or SIGSTOP stays pending and does nothing: it
 * never returns to user mode; /proc does not list it (fs/procfs.c
 * shows processes with an address space, and zombies).
 * Lock: none of its own; the process list and run queue are the scheduler's.
 */
#include "proc.h"
#include "panic.h"
#include "../mm/mm.h"

/* The first code of every kernel thread, on its own stack. */
static void kthread_start(void)
{
	struct proc *p = current_proc();
	proc_free_released();   /* what schedule() after switch_to would have done */
	p->kthread_fn(p->kthread_arg);
	panic("kernel thread %s (pid %d) returned", p->name, p->pid);
}

int start_kernel_thread(void (*fn)(void *), void *arg, const char *name)
{
	struct proc *p = proc_alloc(name, NULL);   /* its own thread group */
	if (!p)
		return -1;
	if (ignore_signals(p)) {   /* kill(2) may name it: what it sends is discarded */
		p->state = PROC_ZOMBIE;
		p->tg->nr_threads--;
		proc_free(p);
		return -1;
	}
	p->kthread_fn = fn;
	p->kthread_arg = arg;
	uint64_t *sp = (uint64_t *)p->kstack_top;
	*--sp = 0;
	*--sp = (uintptr_t)kthread_start;
	for (int i = 0; i < 6; i++)
		*--sp = 0;
	p->saved_rsp = (uintptr_t)sp;
	sched_make_runnable(p);
	return p->pid;
}
