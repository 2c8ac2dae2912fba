/*
 * Reverse mapping (mm/rmap.c): from an anonymous frame (private or shared) to
 * every PTE mapping it.
 */
#ifndef PAGODA_RMAP_H
#define PAGODA_RMAP_H

#include "mm.h"
#include "frame.h"

/* A private anonymous page was just mapped at va in mm (a fault gave it a
 * new frame, or swapped it in): record where rmap finds it and hand it to
 * the replacement policy if it is not on its lists. No reference changes. */
void page_add_anon_rmap(paddr_t pa, struct mm *mm, uintptr_t va);

/* Call visit(mm, va, arg) for every PTE found mapping p (present): in the
 * spaces of p's fork family at p's address (PG_anon), or in the areas of its
 * shared object or file (PG_shmem, page->mapping) at the page's linear
 * address. Returns how many
 * were found: compare with page_mapcount_expected() to know whether they
 * are all of them. */
int rmap_walk(struct page *p, void (*visit)(struct mm *mm, uintptr_t va, void *arg), void *arg);
/* The PTEs that must map p for rmap to have found all of them: its
 * references less the swap cache's, the pinned ones (swap I/O's) and its
 * shared object's or page cache's. */
uint32_t page_mapcount_expected(const struct page *p);
/* Did any PTE mapping p have its accessed bit set (or PG_young: a set bit
 * the working-set sampler cleared)? Clears them all (the clock's "second
 * chance" test; Linux folio_referenced). Called with replace_lock held. */
bool page_referenced_clear(struct page *p);
/* mremap moved [new_start, new_start + len) from old_start in mm: pages
 * mapped only there follow (a page COW-shared with another space keeps its
 * key and is simply not found there: it stays resident). */
void rmap_move_range(struct mm *mm, uintptr_t old_start, uintptr_t new_start, size_t len);

/* A fresh fork family for a new address space (mm_create; fork copies the
 * parent's). */
uint32_t anon_family_new(void);

#endif
