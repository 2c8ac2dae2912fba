/* What the timer and the serial interrupt call into: the scheduler (preemption)
 * and the console (input). Separate so timer.c depends on no process code. */
#ifndef PAGODA_SCHED_HOOKS_H
#define PAGODA_SCHED_HOOKS_H
#include "trapframe.h"
void sched_tick(struct trapframe *tf);
void console_rx_interrupt(void);
#endif
