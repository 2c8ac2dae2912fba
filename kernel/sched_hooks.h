/* What the timer and the serial interrupt call into: the scheduler (preemption)
 * and the console (input); and the context switch itself. */
#ifndef PAGODA_SCHED_HOOKS_H
#define PAGODA_SCHED_HOOKS_H
#include "trapframe.h"
void sched_tick(struct trapframe *tf);
void sched_ipi(struct trapframe *tf);   /* a reschedule IPI */
void console_rx_interrupt(void);
void switch_to(uint64_t *save_rsp, uint64_t new_rsp);   /* kernel/switch.asm */
#endif
