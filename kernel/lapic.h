#ifndef PAGODA_LAPIC_H
#define PAGODA_LAPIC_H
#include "types.h"

void lapic_init(paddr_t pa);           /* boot CPU: map the registers, enable its APIC */
void lapic_init_cpu(void);             /* every CPU: software-enable, spurious vector, TPR 0 */
uint32_t lapic_id(void);
void lapic_eoi(void);
void lapic_send_ipi(uint32_t apic_id, unsigned vector);
void lapic_send_init(uint32_t apic_id);
void lapic_send_sipi(uint32_t apic_id, paddr_t start);   /* start: page-aligned, below 1 MiB */
void lapic_timer_calibrate(void);      /* boot CPU, against the PIT, interrupts on */
void lapic_timer_start(void);          /* this CPU: periodic, HZ per second, T_LAPIC_TIMER */

#endif
