/*
 * Fork's copy-on-write decision for one page-table entry (CS:APP 9.8.2):
 * fork_copy_pte. A present page's frame is shared read-only (share_page);
 * a page on swap is shared the same way: the child's entry is the same swap
 * entry, and the slot gains a reference (mm/swapfile.c). mm_dup copies each
 * private area with pt_copy_range, whose loop (mm/pagetable.c) calls
 * fork_copy_pte for every entry in use of the parent's range. Inline: it
 * runs once per page of every fork, and the loop and this decision together
 * are fork's whole per-page cost.
 *
 * Always true: these functions only compute entries (*parent, *child are
 * the loop's copies); mm/pagetable.c writes them back. Shared areas never
 * come here (as Linux, the child faults them in).
 */
#ifndef PAGODA_COW_H
#define PAGODA_COW_H

#include "frame.h"
#include "pte.h"
#include "swapfile.h"
#include "../kernel/errno.h"
#include "../kernel/string.h"

/* *parent: the parent's entry, present; *child: 0. Set *child to the
 * child's entry and change *parent as fork requires; 0, or an error (with
 * *child left 0) that stops the fork. */
/* LAB cow: BEGIN */
static inline int share_page(pte_t *parent, pte_t *child)
{
	*parent &= ~PTE_W;   /* both sides now fault on write: copy-on-write */
	frame_get(pte_addr(*parent));
	*child = *parent & ~(PTE_A | PTE_D);
	return 0;
}
/* LAB cow: END */
/* LAB cow: STUB
static inline int share_page(pte_t *parent, pte_t *child)
{
	// Lab cow: for now fork copies every page the parent has: correct,
	// but slow and memory-hungry.
	paddr_t copy = frame_alloc(FRAME_USER);
	if (!copy)
		return -ENOMEM;
	page_copy(pa_to_kva(copy), pa_to_kva(pte_addr(*parent)));
	*child = make_pte(copy, pte_flags(*parent) & ~(PTE_A | PTE_D));
	return 0;
}
*/

/* A page on swap: the child's entry names the same slot, which gains a
 * reference. */
static inline int share_swap_entry(pte_t *parent, pte_t *child)
{
	swap_duplicate(*parent);
	*child = *parent;
	return 0;
}

/* The decision for one entry in use (not zero) of the parent's. */
static inline int fork_copy_pte(pte_t *parent, pte_t *child)
{
	return pte_present(*parent) ? share_page(parent, child) : share_swap_entry(parent, child);
}

#endif
