/*
 * COM1 (16550 UART at 0x3f8), polled output. Serial is the kernel's primary
 * console: QEMU writes it to the terminal (make run) or to a log file under build/ (tests).
 * COM2 (0x2f8) carries machine-readable logs for the host (the fault log with
 * faultlog=serial): output only, bytes as given.
 */
#include "serial.h"
#include "x86.h"

enum {
	COM1 = 0x3f8,
	COM2 = 0x2f8,
	REG_DATA = 0, REG_IER = 1, REG_FCR = 2, REG_LCR = 3, REG_MCR = 4, REG_LSR = 5,
	LSR_DATA_READY = 0x01,
	LSR_THR_EMPTY = 0x20,
	IER_RX_AVAILABLE = 0x01,
};

static void port_init(uint16_t port)
{
	outb(port + REG_IER, 0);
	outb(port + REG_LCR, 0x80);     /* DLAB: next two writes set the divisor */
	outb(port + REG_DATA, 1);       /* 115200 baud */
	outb(port + REG_IER, 0);
	outb(port + REG_LCR, 0x03);     /* 8 bits, no parity, 1 stop */
	outb(port + REG_FCR, 0xc7);     /* FIFOs on and cleared */
	outb(port + REG_MCR, 0x0b);     /* DTR, RTS, OUT2 (OUT2 gates the IRQ line) */
}

static void port_putc(uint16_t port, char c)
{
	while (!(inb(port + REG_LSR) & LSR_THR_EMPTY))
		pause();
	outb(port + REG_DATA, (uint8_t)c);
}

void serial_init(void)
{
	port_init(COM1);
	port_init(COM2);
}

void serial_enable_rx_irq(void)
{
	outb(COM1 + REG_IER, IER_RX_AVAILABLE);
}

void serial_putc(char c)
{
	if (c == '\n')
		serial_putc('\r');
	port_putc(COM1, c);
}

void serial_log_putc(char c)
{
	port_putc(COM2, c);
}

int serial_getc(void)
{
	if (!(inb(COM1 + REG_LSR) & LSR_DATA_READY))
		return -1;
	return inb(COM1 + REG_DATA);
}
