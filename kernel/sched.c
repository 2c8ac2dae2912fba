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
 * parallel; under TCG cache affinity buys nothing measurable. A CPU takes
 * the first queued process allowed on it (p->cpus_allowed, kernel/affinity.c),
 * so the queue stays FIFO among the processes one CPU may run.
 *
 * Always true: a process is RUNNING on at most one CPU, and only on a CPU
 * its mask allows, except until its next entry to the kernel after the mask
 * changed; a CPU switches stacks only with the kernel lock held, so no CPU
 * can pick a process whose previous CPU has not finished switching away
 * from its stack.
 */
#include "affinity.h"
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
	smp_kick_idle(p->cpus_allowed);
}

/* The first queued process this CPU may run, or NULL. */
static struct proc *first_runnable_here(void)
{
	int cpu = smp_processor_id();
	struct proc *p = run_head;
	while (p && !affinity_allows(p, cpu))
		p = p->run_next;
	return p;
}

static void run_queue_del(struct proc *p)
{
	if (p->run_prev)
		p->run_prev->run_next = p->run_next;
	else
		run_head = p->run_next;
	if (p->run_next)
		p->run_next->run_prev = p->run_prev;
	else
		run_tail = p->run_prev;
}

static struct proc *run_queue_pop(void)
{
	struct proc *p = first_runnable_here();
	if (p)
		run_queue_del(p);
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
	if (!tf_from_user(tf))
		return;
	if (!affinity_allows(p, c->cpu) || (--p->slice <= 0 && first_runnable_here()))
		sched_yield_current();
}

/* A reschedule IPI: the idle loop looks at the queue by itself; a thread
 * interrupted in user mode on a CPU its mask no longer allows moves now
 * (and wakes whoever waits for that in sched_affinity_changed). */
void sched_ipi(struct trapframe *tf)
{
	struct proc *p = current_proc();
	if (!tf_from_user(tf) || affinity_allows(p, smp_processor_id()))
		return;
	wakeup(&p->cpus_allowed);
	sched_yield_current();
}

/* The CPU running p although its mask leaves that CPU out, or -1. */
static int misplaced_on(const struct proc *p)
{
	for (int i = 0; i < ncpus; i++)
		if (cpus[i].current == p && !affinity_allows(p, i))
			return i;
	return -1;
}

/* After sched_setaffinity, which (as Linux's) returns only once p runs on
 * no CPU its mask leaves out: the caller itself yields; another CPU running
 * p is sent a reschedule IPI (p is in user mode there, or waits for the
 * kernel lock and gets the IPI once back in user mode) and the caller
 * sleeps, the kernel lock free, until p has moved (sched_ipi wakes it; the
 * next tick rechecks in any case). A queued p may now suit an idle CPU. */
void sched_affinity_changed(struct proc *p)
{
	int pid = p->pid, cpu;
	if (p == current_proc()) {
		if (!affinity_allows(p, smp_processor_id()))
			sched_yield_current();
		return;
	}
	if (p->state == PROC_RUNNABLE)
		smp_kick_idle(p->cpus_allowed);
	while ((p = proc_find(pid)) && (cpu = misplaced_on(p)) >= 0) {
		smp_send_reschedule(cpu);
		sleep_on(&p->cpus_allowed, timer_ticks() + 1);
	}
}

void idle_loop(void)
{
	struct proc *idle = this_cpu()->idle;   /* never moves to another CPU */
	cli();
	for (;;) {
		kernel_lock();
		while (first_runnable_here()) {
			idle->state = PROC_RUNNABLE;   /* not queued: chosen only when the queue is empty */
			schedule();
		}
		kernel_unlock();
		sti_hlt();   /* an interrupt (a tick, a reschedule IPI) may wake someone */
		cli();
	}
}
