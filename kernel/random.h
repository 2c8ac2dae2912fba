#ifndef PAGODA_RANDOM_H
#define PAGODA_RANDOM_H
#include "types.h"

/* The kernel's one source of random numbers (kernel/random.c): AT_RANDOM
 * for exec, getrandom(2). Unpredictable enough to seed a user program's
 * hash tables and stack protector, not cryptographically strong. */
uint64_t random_u64(void);
/* Fill buf with n random bytes. */
void random_bytes(void *buf, size_t n);

#endif
