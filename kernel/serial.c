/*
 * COM1 (16550 UART at 0x3f8), polled output. Serial is the kernel's primary
 * console: QEMU writes it to the terminal (make run) or to a log file under build/ (tests).
 */
#include "serial.h"
#include "x86.h"

enum {
	COM1 = 0x3f8,
	REG_DATA = 0, REG_IER = 1, REG_FCR = 2, REG_LCR = 3, REG_MCR = 4, REG_LSR = 5,
	LSR_DATA_READY = 0x01,
	LSR_THR_EMPTY = 0x20,
	IER_RX_AVAILABLE = 0x01,
};

void serial_init(void)
{
	outb(COM1 + REG_IER, 0);
	outb(COM1 + REG_LCR, 0x80);     /* DLAB: next two writes set the divisor */
	outb(COM1 + REG_DATA, 1);       /* 115200 baud */
	outb(COM1 + REG_IER, 0);
	outb(COM1 + REG_LCR, 0x03);     /* 8 bits, no parity, 1 stop */
	outb(COM1 + REG_FCR, 0xc7);     /* FIFOs on and cleared */
	outb(COM1 + REG_MCR, 0x0b);     /* DTR, RTS, OUT2 (OUT2 gates the IRQ line) */
}

void serial_enable_rx_irq(void)
{
	outb(COM1 + REG_IER, IER_RX_AVAILABLE);
}

void serial_putc(char c)
{
	if (c == '\n')
		serial_putc('\r');
	while (!(inb(COM1 + REG_LSR) & LSR_THR_EMPTY))
		pause();
	outb(COM1 + REG_DATA, (uint8_t)c);
}

int serial_getc(void)
{
	if (!(inb(COM1 + REG_LSR) & LSR_DATA_READY))
		return -1;
	return inb(COM1 + REG_DATA);
}
