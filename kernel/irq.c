/*
 * Device interrupt handlers: the table of (line, handler, argument) that
 * irq_dispatch (timer.c, which owns the PIC) consults for every line that is
 * not the timer's or the serial port's.
 *
 *   handlers[0 .. nhandlers-1], in registration order; several may share a line.
 *
 * Always true: entries are only added (drivers never unload); a line is
 * unmasked at the PIC only once a handler for it is in the table.
 */
#include "irq.h"
#include "errno.h"
#include "timer.h"
#include "x86.h"

enum { IRQ_LINES = 16, IRQ_MAX_HANDLERS = 16 };

static struct {
	unsigned irq;
	irq_handler_t fn;
	void *arg;
} handlers[IRQ_MAX_HANDLERS];
static int nhandlers;
static uint64_t counts[IRQ_LINES];

int irq_register(unsigned irq, irq_handler_t fn, void *arg)
{
	if (irq >= IRQ_LINES || irq == 2)
		return -EINVAL;
	if (nhandlers == IRQ_MAX_HANDLERS)
		return -ENOSPC;
	bool on = irq_save();
	handlers[nhandlers].irq = irq;
	handlers[nhandlers].fn = fn;
	handlers[nhandlers].arg = arg;
	nhandlers++;
	pic_unmask(irq);
	irq_restore(on);
	return 0;
}

void irq_run_handlers(unsigned irq)
{
	if (irq < IRQ_LINES)
		counts[irq]++;
	for (int i = 0; i < nhandlers; i++)
		if (handlers[i].irq == irq)
			handlers[i].fn(handlers[i].arg);
}

uint64_t irq_count(unsigned irq)
{
	return irq < IRQ_LINES ? counts[irq] : 0;
}
