#ifndef PAGODA_KHEAP_H
#define PAGODA_KHEAP_H
#include "../kernel/types.h"

/* Kernel memory for small objects: 16-byte aligned, NULL when out of memory.
 * kzalloc zeroes. kfree(NULL) does nothing. */
void *kmalloc(size_t size);
void *kzalloc(size_t size);
void kfree(void *p);

#endif
