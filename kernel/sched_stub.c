/* Placeholders for the scheduler and console input, replaced when processes
 * arrive (issue 5): the timer tick and COM1 interrupt have no one to wake. */
#include "sched_hooks.h"

void sched_tick(struct trapframe *tf)
{
	(void)tf;
}

void console_rx_interrupt(void)
{
}
