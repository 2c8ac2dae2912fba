/*
 * The console as a file: fd 0, 1 and 2 of every process. Output goes to
 * printk's sinks (serial + VGA). Input comes from COM1's receive interrupt
 * into a ring buffer; read() sleeps until at least one byte is there and
 * returns what it has. The console is in raw mode: no echo, no line editing
 * (user/sh does its own), like a Linux tty after cfmakeraw.
 */
#include "console.h"
#include "errno.h"
#include "printk.h"
#include "proc.h"
#include "serial.h"
#include "timer.h"
#include "uaccess.h"
#include "../fs/poll.h"

enum { RING = 1024 };
static char ring[RING];
static unsigned head, tail;   /* bytes in [tail, head) are unread */
static int console_channel;   /* sleepers wait on its address */

void console_init(void)
{
	serial_enable_rx_irq();
	pic_unmask(4);
}

void console_rx_interrupt(void)
{
	int c;
	while ((c = serial_getc()) >= 0)
		if (head - tail < RING)
			ring[head++ % RING] = (char)c;
	wakeup(&console_channel);
	poll_wake();
}

bool console_readable(void)
{
	return head != tail;
}

long console_read(uintptr_t buf, size_t n)
{
	if (!n)
		return 0;   /* as a Linux tty: nothing asked, nothing waited for */
	while (head == tail) {
		if (signal_pending(current_proc()))
			return -ERESTARTSYS;
		sleep_on(&console_channel, 0);
	}
	char tmp[RING];
	size_t k = 0;
	while (k < n && tail + k != head) {
		tmp[k] = ring[(tail + k) % RING];
		k++;
	}
	if (copy_to_user(buf, tmp, k))
		return -EFAULT;   /* nothing consumed */
	tail += k;
	return (long)k;
}

long console_write_user(uintptr_t buf, size_t n)
{
	char tmp[256];
	size_t done = 0;
	while (done < n) {
		size_t k = n - done < sizeof(tmp) ? n - done : sizeof(tmp);
		if (copy_from_user(tmp, buf + done, k))
			return done ? (long)done : -EFAULT;
		console_write(tmp, k);
		done += k;
	}
	return (long)done;
}
