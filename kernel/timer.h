#ifndef PAGODA_TIMER_H
#define PAGODA_TIMER_H
#include "trapframe.h"

void timer_init(void);
uint64_t timer_ticks(void);
uint64_t timer_ns(void);   /* nanoseconds since boot, from the tick count */
void irq_dispatch(unsigned irq, struct trapframe *tf);
void pic_unmask(unsigned irq);

#endif
