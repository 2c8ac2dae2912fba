#ifndef PAGODA_TIMER_H
#define PAGODA_TIMER_H
#include "trapframe.h"

void timer_init(void);
uint64_t timer_ticks(void);
uint64_t timer_ns(void);   /* nanoseconds since boot, from the tick count */
/* Interrupts on: wait ns, or up to two ticks more, halted (no instructions). */
void timer_delay_ns(uint64_t ns);
void irq_dispatch(unsigned irq, struct trapframe *tf);
void pic_unmask(unsigned irq);
/* A relative or absolute timeout in whole ticks, rounded up. */
uint64_t ns_to_ticks(uint64_t ns);
/* The tick at which a relative timeout of `ticks` whole ticks has surely
 * passed by timer_ns's clock: sleepers wait until timer_ticks() reaches it. */
uint64_t timer_deadline(uint64_t ticks);
/* A struct timespec from user memory, as nanoseconds: 0, -EFAULT, or -EINVAL
 * for a negative or unnormalised one. */
long timespec_from_user(uintptr_t uts, uint64_t *ns);

#endif
