/* The console driver (kernel/console.c); /dev/console and /dev/tty are its
 * files (fs/devfs.c). */
#ifndef PAGODA_CONSOLE_H
#define PAGODA_CONSOLE_H
#include "types.h"

long console_read(uintptr_t buf, size_t n);
bool console_readable(void);   /* input is waiting (poll) */
long console_write_user(uintptr_t buf, size_t n);
void console_init(void);

#endif
