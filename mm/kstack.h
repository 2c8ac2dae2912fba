#ifndef PAGODA_KSTACK_H
#define PAGODA_KSTACK_H
#include "../kernel/types.h"

/* A kernel stack of KSTACK_PAGES pages with an unmapped guard page below, so
 * an overflow faults (#DF on its IST stack) instead of corrupting memory.
 * Returns the stack's top (highest address + 1), or 0 when out of memory. */
uintptr_t kstack_alloc(void);
void kstack_free(uintptr_t top);

#endif
