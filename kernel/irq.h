#ifndef PAGODA_IRQ_H
#define PAGODA_IRQ_H
#include "types.h"

/* A device interrupt handler: called with interrupts off, after the EOI.
 * Lines may be shared (PCI INTx), so a handler checks whether its device
 * raised the interrupt. */
typedef void (*irq_handler_t)(void *arg);

/* Add a handler for legacy IRQ line irq (0..15) and unmask the line.
 * Returns 0, or -EINVAL / -ENOSPC. */
int irq_register(unsigned irq, irq_handler_t fn, void *arg);
void irq_run_handlers(unsigned irq);   /* timer.c's irq_dispatch, for lines it does not own */
uint64_t irq_count(unsigned irq);      /* interrupts seen on the line since boot */

#endif
