#ifndef PAGODA_PGTBL_H
#define PAGODA_PGTBL_H
#include "pte.h"

/* One present leaf of a process's page tables (a 4 KiB, 2 MiB or 1 GiB page). */
struct pgtbl_leaf {
	uintptr_t va;   /* first virtual address it maps */
	paddr_t pa;     /* the frame */
	int level;      /* 1: 4 KiB, 2: 2 MiB, 3: 1 GiB */
	pte_t pte;      /* the entry itself */
};

/* Call emit for every present leaf below USER_TOP, in address order. */
void pgtbl_walk(pte_t *root, void (*emit)(const struct pgtbl_leaf *leaf, void *arg), void *arg);

/* The leaf's permissions and A/D bits as six letters, "rwxuad" with '-' for
 * each bit that is clear: r present, w writable, x executable (NX clear),
 * u user, a accessed, d dirty. out has room for 7 bytes. */
void pgtbl_flags(pte_t e, char *out);

#endif
