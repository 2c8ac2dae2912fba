#ifndef PAGODA_PTDUMP_H
#define PAGODA_PTDUMP_H
#include "pte.h"

/* Print how va translates under root, one line per level: index, the
 * entry's address and raw value, the decoded bits. */
void ptdump_va(pte_t *root, uintptr_t va);
/* Print the mappings in [start, end) compactly: runs of pages with the same
 * permissions merged into one line, like /proc/PID/maps. */
void ptdump_space(pte_t *root, uintptr_t start, uintptr_t end);
/* "P W U - - A D - G NX" style decoding into buf. */
void pte_describe(pte_t e, char *buf, size_t size);

#endif
