#ifndef PAGODA_SERIAL_H
#define PAGODA_SERIAL_H
#include "types.h"
void serial_init(void);
void serial_putc(char c);
void serial_log_putc(char c);   /* COM2: machine-readable logs, bytes as given */
int serial_getc(void);  /* -1 when no byte is waiting */
void serial_enable_rx_irq(void);
#endif
