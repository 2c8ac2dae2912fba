/* Basic types for the freestanding kernel. gcc provides stdint/stddef/
 * stdbool/stdarg even with -ffreestanding. */
#ifndef PAGODA_TYPES_H
#define PAGODA_TYPES_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint64_t paddr_t;   /* a physical address; never dereferenced directly */
typedef int64_t ssize_t;

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
