/*
 * The page-table report of /proc/PID/pagetable (the pgtbl lab, CS:APP 9.6):
 * a walk over a process's four-level tables read entry by entry, as the MMU
 * reads them, and the letters for an entry's bits.
 *
 * The walk reads only: it never allocates, frees or changes an entry, and it
 * visits the user half only (PML4 slots 0..255). The kernel's own walker
 * (mm/pagetable.c pt_traverse) answers the same question for smaps' Rss; the
 * pgtbl lab's tests compare the two.
 */
#include "pgtbl.h"
#include "layout.h"

/* LAB pgtbl: BEGIN */
static void walk_table(pte_t *table, int level, uintptr_t base,
		       void (*emit)(const struct pgtbl_leaf *, void *), void *arg)
{
	unsigned last = level == PT_LEVELS ? PT_ENTRIES / 2 : PT_ENTRIES;   /* the user half */
	for (unsigned i = 0; i < last; i++) {
		pte_t e = table[i];
		uintptr_t va = base + i * level_size(level);
		if (!pte_present(e))
			continue;
		if (level == 1 || pte_huge(e)) {
			struct pgtbl_leaf leaf = { va, pte_addr(e) & ~(level_size(level) - 1), level, e };
			emit(&leaf, arg);
		} else {
			walk_table(pa_to_kva(pte_addr(e)), level - 1, va, emit, arg);
		}
	}
}

void pgtbl_walk(pte_t *root, void (*emit)(const struct pgtbl_leaf *leaf, void *arg), void *arg)
{
	walk_table(root, PT_LEVELS, 0, emit, arg);
}

void pgtbl_flags(pte_t e, char *out)
{
	out[0] = e & PTE_P ? 'r' : '-';
	out[1] = e & PTE_W ? 'w' : '-';
	out[2] = e & PTE_NX ? '-' : 'x';
	out[3] = e & PTE_U ? 'u' : '-';
	out[4] = e & PTE_A ? 'a' : '-';
	out[5] = e & PTE_D ? 'd' : '-';
	out[6] = 0;
}
/* LAB pgtbl: END */
/* LAB pgtbl: STUB
void pgtbl_walk(pte_t *root, void (*emit)(const struct pgtbl_leaf *leaf, void *arg), void *arg)
{
	// Lab pgtbl: call emit for each present leaf of the user half.
	(void)root, (void)emit, (void)arg;
}

void pgtbl_flags(pte_t e, char *out)
{
	// Lab pgtbl: six letters for e's bits (see pgtbl.h).
	(void)e;
	out[0] = 0;
}
*/
