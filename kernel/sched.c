/*
 * Round-robin scheduling on every CPU, from one run queue.
 *
 *   run queue: head <-> p <-> p <-> ... (RUNNABLE processes, FIFO)
 *   current:   each CPU's RUNNING process (its idle process when none is runnable)
 *
 * schedule() switches directly from the current process to the next one; a
 * CPU's idle process halts until an interrupt makes someone runnable.
 * Preemption happens only at a timer tick that interrupted user mode, so
 * kernel code never loses the CPU except where it chooses to.
 *
 * One queue, not one per CPU: kernel code runs under the kernel lock
 * (kernel/kernel_lock.h), which guards the queue too, so a shared queue
 * costs no extra lock and balances load for free (an idle CPU takes the
 * next runnable process, whoever queued it; sched_make_runnable wakes one
 * idle CPU by IPI). Per-CPU queues pay off once CPUs run kernel code in
 * parallel; under TCG cache affinity buys nothing measurable.
 *
 * Always true: a process is RUNNING on at most one CPU; a CPU switches
 * stacks only with the kernel lock held, so no CPU can pick a process whose
 * previous CPU has not finished switching away from its stack.
 */
#include "proc.h"
#include "fpu.h"
#include "gdt.h"
#include "kernel_lock.h"
#include "lockdep.h"
#include "percpu.h"
#include "smp.h"
#include "sched_hooks.h"
#include "timer.h"
#include "x86.h"
#include "../mm/mm.h"
#include "../mm/workingset.h"
#include "../mm/tlbflush.h"

static struct proc *run_head, *run_tail;

void sched_make_runnable(struct proc *p)
{
	p->state = PROC_RUNNABLE;
	p->run_next = NULL;
	p->run_prev = run_tail;
	if (run_tail)
		run_tail->run_next = p;
	else
		run_head = p;
	run_tail = p;
	smp_kick_idle();
}

static struct proc *run_queue_pop(void)
{
	struct proc *p = run_head;
	if (!p)
		return NULL;
	run_head = p->run_next;
	if (run_head)
		run_head->run_prev = NULL;
	else
		run_tail = NULL;
	return p;
}

/* Everything the CPU must know about the process it now runs. */
static void load_context(struct proc *next)
{
	this_cpu()->current = next;
	this_cpu()->kstack_top = next->kstack_top;
	tss_set_rsp0(next->kstack_top);
	if (next->mm)
		mm_activate(next->mm);   /* none (idle): keep the last one loaded, lazily */
	wrmsr(MSR_FS_BASE, next->fs_base);
}

void schedule(void)
{
	lockdep_check_sleep();
	struct proc *prev = current_proc();
	struct proc *next = run_queue_pop();
	if (!next) {
		if (prev->state == PROC_RUNNING)
			return;   /* nobody else wants the CPU */
		next = this_cpu()->idle;
	}
	if (next == prev) {
		prev->state = PROC_RUNNING;
		return;
	}
	next->state = PROC_RUNNING;
	next->slice = TIMESLICE_TICKS;
	fpu_switch(prev, next);
	load_context(next);
	switch_to(&prev->saved_rsp, next->saved_rsp);
	proc_free_released();
}

void sched_yield_current(void)
{
	struct proc *p = current_proc();
	if (!proc_is_idle(p))
		sched_make_runnable(p);
	schedule();
}

void sleep_on(const void *channel, uint64_t wake_tick)
{
	struct proc *p = current_proc();
	p->state = PROC_SLEEPING;
	p->wait_channel = channel;
	p->wake_tick = wake_tick;
	schedule();
}

void proc_wake_timed(uint64_t now);

uint64_t idle_ticks(void)
{
	uint64_t n = 0;
	for (int i = 0; i < ncpus; i++)
		n += cpus[i].idle_ticks;
	return n;
}

/* Every CPU's tick (the boot CPU's PIT, the others' local APIC timers);
 * the clock's own work (timeouts, real-time itimers) only on the boot CPU. */
void sched_tick(struct trapframe *tf)
{
	struct percpu *c = this_cpu();
	struct proc *p = c->current;
	c->ticks++;
	c->idle_ticks += p == c->idle;
	if (c->cpu == 0) {
		proc_wake_timed(timer_ticks());
		itimer_tick(timer_ticks());
	}
	if (p == c->idle)
		return;
	if (tf_from_user(tf))
		p->utime_ticks++;
	else
		p->stime_ticks++;
	itimer_cpu_tick(p, tf_from_user(tf));
	if (p->mm)
		workingset_tick(p->mm, tf_from_user(tf));
	if (tf_from_user(tf) && --p->slice <= 0 && run_head)
		sched_yield_current();
}

void idle_loop(void)
{
	struct proc *idle = this_cpu()->idle;   /* never moves to another CPU */
	cli();
	for (;;) {
		kernel_lock();
		while (run_head) {
			idle->state = PROC_RUNNABLE;   /* not queued: chosen only when the queue is empty */
			schedule();
		}
		kernel_unlock();
		sti_hlt();   /* an interrupt (a tick, a reschedule IPI) may wake someone */
		cli();
	}
}
