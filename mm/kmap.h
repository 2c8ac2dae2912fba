#ifndef PAGODA_KMAP_H
#define PAGODA_KMAP_H
#include "pte.h"

extern pte_t *kernel_root;   /* the kernel's own PML4; its upper half is in every address space */
extern bool cpu_has_smep, cpu_has_smap, cpu_has_1g_pages;

/* Build the kernel address space (direct map + W^X image + guard pages),
 * switch CR3 to it, and turn on global pages, SMEP and SMAP. */
void kmap_init(void);

/* Firmware tables and device registers outside RAM, at their direct-map
 * address (mapped on first use; device: writable, uncached). */
void *kmap_phys(paddr_t pa, size_t len, bool device);

#endif
