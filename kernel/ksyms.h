#ifndef PAGODA_KSYMS_H
#define PAGODA_KSYMS_H
#include "types.h"

/* The kernel's function symbols, generated from build/kernel.elf at build
 * time by tools/gen_ksyms.sh, sorted by address. */
struct ksym {
	uint64_t addr;
	const char *name;
};

/* The function containing addr, or "?"; *offset gets addr minus its start. */
const char *ksym_lookup(uint64_t addr, uint64_t *offset);
const char *ksym_name(uint64_t addr);   /* "name+0x1f" in a static buffer */
uint64_t ksym_addr(const char *name);    /* 0 if unknown */

#endif
