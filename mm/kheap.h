#ifndef PAGODA_KHEAP_H
#define PAGODA_KHEAP_H
#include "../kernel/types.h"

/* Kernel memory for small objects, NULL when out of memory. An object is
 * aligned to its size rounded up to a power of two (at least 16; past 2048
 * bytes, to a page): kernel/fpu.c relies on this for 64-byte save areas.
 * kzalloc zeroes. kfree(NULL) does nothing. */
void *kmalloc(size_t size);
void *kzalloc(size_t size);
void kfree(void *p);

#endif
