#ifndef PAGODA_SMP_H
#define PAGODA_SMP_H
#include "types.h"
#include "trapframe.h"

typedef uint64_t cpumask_t;   /* bit n: cpus[n] */

/* Run fn(arg) on every CPU in mask except the caller's, by IPI (or, for a
 * CPU spinning on the kernel lock, from that spin). The caller holds the
 * kernel lock; with wait, returns when all have run it. fn runs with
 * interrupts off and without the kernel lock: it may touch only its CPU's
 * state and what the caller set up for it. */
void smp_call_many(cpumask_t mask, void (*fn)(void *), void *arg, bool wait);
void smp_call_wait(void);      /* until the last call has run everywhere */
void smp_call_poll(void);      /* run this CPU's pending call, if any */
void smp_call_interrupt(void); /* the T_IPI_TLB vector's handler */
/* An exception inside a call function (this_cpu()->call_running set):
 * panics with one line naming the CPU, the vector, the function and the
 * sender, without the kernel lock (its sender holds it and waits for us). */
__attribute__((noreturn)) void smp_call_exception(const struct trapframe *tf);
void smp_kick_idle(cpumask_t allowed);   /* a process became runnable: wake one idle CPU of these */
void smp_send_reschedule(int cpu);       /* T_IPI_RESCHEDULE to that CPU */
cpumask_t cpu_online_mask(void);

#endif
