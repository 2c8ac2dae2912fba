/*
 * Cross-CPU calls and wake-ups by IPI: the one mechanism TLB shootdowns
 * (mm/tlbflush.c) and the lock checker's test stand on.
 *
 *   call: { fn, arg, sender, pending } -- one call in flight at a time;
 *         pending has a bit for each CPU that has yet to run it.
 *   cpus[n].call_pending: 1 while cpu n has a call to run.
 *   cpus[n].call_running: the call function cpu n is inside, or NULL
 *         (written by cpu n only).
 *
 * Always true: only a holder of the kernel lock starts a call, and it waits
 * for the previous one to finish first, so the slot is never overwritten
 * while a CPU may still read it. A target clears its call_pending with xchg
 * before running fn, so fn runs once even when the IPI and the kernel-lock
 * spin both see it. An exception inside fn panics on the spot
 * (smp_call_exception): the sender holds the kernel lock and waits for this
 * CPU, so the exception's usual path, which takes the lock, would hang both.
 */
#include "smp.h"
#include "kernel_lock.h"
#include "ksyms.h"
#include "lapic.h"
#include "panic.h"
#include "percpu.h"
#include "printk.h"
#include "proc.h"
#include "trap.h"
#include "x86.h"

static struct {
	void (*fn)(void *);
	void *arg;
	int sender;
	volatile uint64_t pending;
} call;

cpumask_t cpu_online_mask(void)
{
	cpumask_t m = 0;
	for (int i = 0; i < ncpus; i++)
		if (cpus[i].online)
			m |= 1ull << i;
	return m;
}

void smp_call_wait(void)
{
	while (call.pending) {
		pause();
		smp_call_poll();
	}
}

void smp_call_many(cpumask_t mask, void (*fn)(void *), void *arg, bool wait)
{
	mask &= cpu_online_mask() & ~(1ull << smp_processor_id());
	smp_call_wait();
	if (!mask)
		return;
	call.fn = fn;
	call.arg = arg;
	call.sender = smp_processor_id();
	call.pending = mask;
	for (int i = 0; i < ncpus; i++) {
		if (!(mask >> i & 1))
			continue;
		xchg32(&cpus[i].call_pending, 1);
		lapic_send_ipi(cpus[i].apic_id, T_IPI_TLB);
	}
	if (wait)
		smp_call_wait();
}

void smp_call_poll(void)
{
	struct percpu *c = this_cpu();
	if (!c->call_pending || !xchg32(&c->call_pending, 0))
		return;
	c->call_running = call.fn;
	call.fn(call.arg);
	c->call_running = NULL;
	atomic_and64(&call.pending, ~(1ull << c->cpu));
}

/* trap() calls this, without the kernel lock, for an exception raised inside
 * a call function; it never returns. A call function touches only its CPU's
 * TLB, so any exception there is a kernel bug. */
void smp_call_exception(const struct trapframe *tf)
{
	struct percpu *c = this_cpu();
	printk("\nsmp: cpu %d took %s (vector %lu) inside the IPI call function %s from cpu %d\n", c->cpu,
	       trap_name(tf->vector), tf->vector, ksym_name((uintptr_t)c->call_running), call.sender);
	panic_trap(tf, tf->vector == T_PF ? read_cr2() : 0);
}

void smp_call_interrupt(void)
{
	lapic_eoi();
	smp_call_poll();
}

void smp_send_reschedule(int cpu)
{
	lapic_send_ipi(cpus[cpu].apic_id, T_IPI_RESCHEDULE);
}

void smp_kick_idle(cpumask_t allowed)
{
	int me = smp_processor_id();
	for (int i = 0; i < ncpus; i++) {
		if (i == me || !(allowed >> i & 1) || !cpus[i].online || cpus[i].current != cpus[i].idle)
			continue;
		smp_send_reschedule(i);
		return;
	}
}
