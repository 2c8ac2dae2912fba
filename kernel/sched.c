/*
 * Round-robin scheduling on one CPU.
 *
 *   run queue: head <-> p <-> p <-> ... (RUNNABLE processes, FIFO)
 *   current:   the RUNNING process (the idle process when none is runnable)
 *
 * schedule() switches directly from the current process to the next one; the
 * idle process (the boot thread) halts until an interrupt makes someone
 * runnable. Preemption happens only at a timer tick that interrupted user
 * mode, so kernel code never loses the CPU except where it chooses to.
 */
#include "proc.h"
#include "fpu.h"
#include "gdt.h"
#include "percpu.h"
#include "sched_hooks.h"
#include "timer.h"
#include "x86.h"
#include "../mm/mm.h"
#include "../mm/workingset.h"

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
	cpu0.current = next;
	cpu0.kstack_top = next->kstack_top;
	tss_set_rsp0(next->kstack_top);
	mm_activate(next->mm);
	wrmsr(MSR_FS_BASE, next->fs_base);
}

void schedule(void)
{
	struct proc *prev = current_proc();
	struct proc *next = run_queue_pop();
	if (!next) {
		if (prev->state == PROC_RUNNING)
			return;   /* nobody else wants the CPU */
		next = idle_proc;
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
	if (p != idle_proc)
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

static uint64_t idle_tick_count;

uint64_t idle_ticks(void)
{
	return idle_tick_count;
}

void sched_tick(struct trapframe *tf)
{
	struct proc *p = current_proc();
	idle_tick_count += p == idle_proc;
	proc_wake_timed(timer_ticks());
	itimer_tick(timer_ticks());
	if (p == idle_proc)
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
	for (;;) {
		while (run_head) {
			idle_proc->state = PROC_RUNNABLE;   /* not queued: chosen only when the queue is empty */
			schedule();
		}
		sti_hlt();   /* an interrupt may wake someone */
		cli();
	}
}
