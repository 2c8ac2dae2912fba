#ifndef PAGODA_PRINTK_H
#define PAGODA_PRINTK_H
#include "types.h"

/* printf-style formatting: %d %i %u %x %X %o %p %s %c %%, the l/ll/z length
 * modifiers, a field width, '0' padding and '-' left alignment. */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Boot-time information: printed unless the command line says `quiet`. */
void pr_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
extern bool console_quiet;
void console_write(const char *s, size_t n);  /* raw bytes to serial + VGA */
void console_use_vga(bool on);

#endif
