#ifndef PAGODA_PAGETABLE_H
#define PAGODA_PAGETABLE_H

#include "pte.h"

/*
 * The result of one walk: slot[l] points at the level-l entry on the way to
 * va, for l from PT_LEVELS down to `level`, the last level reached (1 for a
 * full walk, 2 or 3 at a huge-page leaf, or where a non-present entry
 * stopped a non-creating walk).
 */
struct pt_walk {
	pte_t *slot[PT_LEVELS + 1];
	int level;
	uintptr_t va;
};

/* THE page-table walker: every function below, the fault handler, fork and
 * ptdump stand on it. Walks root toward va down to stop_level. With create,
 * missing intermediate tables are allocated (zeroed); returns -ENOMEM if one
 * cannot be, having freed any it made. Never creates below a huge leaf. */
int pt_walk(pte_t *root, uintptr_t va, int stop_level, bool create, struct pt_walk *w);

/* Map one 4 KiB page va -> pa with flags (PTE_P implied). va must be unmapped.
 * The frame's reference passes to the page table (the caller's is not taken).
 * Returns 0 or -ENOMEM (nothing changed). */
int pt_map(pte_t *root, uintptr_t va, paddr_t pa, uint64_t flags);
/* Page tables freed so far, in every address space (mm/pagetable.c). */
extern uint64_t pt_tables_freed;
/* pt_map into slot, va's PT entry found by a walk when pt_tables_freed was
 * tables_freed: no second walk unless a table was freed since (the slot may
 * be gone), slot is NULL (no PT covered va then) or no longer empty. */
int pt_map_slot(pte_t *root, uintptr_t va, pte_t *slot, uint64_t tables_freed, paddr_t pa, uint64_t flags);
/* Map a 2 MiB (level 2) or 1 GiB (level 3) page; kernel direct map only. */
int pt_map_huge(pte_t *root, uintptr_t va, paddr_t pa, int level, uint64_t flags);
/* ---- 2 MiB user pages (mm/huge_page.c decides when) ----
 * Map the 2 MiB page of 512 frames at pa (2 MiB-aligned, each frame with
 * one reference that passes to the table) at va (2 MiB-aligned, in the
 * user half, no PT there). deposit: an empty page table (count 0) the page
 * keeps for its split. 0 or -ENOMEM (nothing changed, deposit still the
 * caller's). */
int pt_map_huge_anon(pte_t *root, uintptr_t va, paddr_t pa, uint64_t flags, paddr_t deposit);
/* If a 2 MiB user page covers va, make it 512 4 KiB entries for the same
 * frames with the same flags (its deposited table: never fails) and flush
 * it everywhere; true if there was one. Every 4 KiB operation below does
 * this itself where it must (the file's header). */
bool pt_split_huge(pte_t *root, uintptr_t va);
/* Split every 2 MiB user page that [start, end) reaches. */
void pt_split_huge_range(pte_t *root, uintptr_t start, uintptr_t end);

/* Clear va's 4 KiB entry and flush it from the TLB; tables left empty are
 * freed. Returns the old entry (0 if none): the caller drops the frame's
 * reference if it held one. */
pte_t pt_unmap(pte_t *root, uintptr_t va);
/* Replace the flags of va's present 4 KiB entry (address kept); flushes.
 * Returns the old entry, or 0 if va was not mapped. */
pte_t pt_protect(pte_t *root, uintptr_t va, uint64_t flags);
/* Point va's present 4 KiB entry at another frame pa with flags (PTE_P
 * implied); flushes. Returns the old entry, or 0 (nothing changed) if va was
 * not mapped. References move with the caller: pa's passes to the table, and
 * the caller drops the old frame's. (Linux: set_pte_at after a COW copy.) */
pte_t pt_remap(pte_t *root, uintptr_t va, paddr_t pa, uint64_t flags);
/* pt_remap through va's entry found by an earlier walk (as pt_map_slot). */
pte_t pt_remap_slot(pte_t *root, uintptr_t va, pte_t *slot, uint64_t tables_freed, paddr_t pa, uint64_t flags);
/* ---- swap entries (pte.h; mm/swapfile.c owns the slots they name) ---- */
/* va's 4 KiB entry as it is: present, a swap entry, or 0 (also when no
 * table covers va); the 2 MiB entry when a 2 MiB user page covers va. */
pte_t pt_get(pte_t *root, uintptr_t va);
/* Put swap entry swp at va, which must be empty (fork copying a swapped
 * page). The slot reference passes to the table. 0 or -ENOMEM. */
int pt_set_swap(pte_t *root, uintptr_t va, pte_t swp);
/* Replace va's present entry by swap entry swp and flush it (reclaim);
 * returns the old entry, whose frame reference the caller now holds. */
pte_t pt_swap_out(pte_t *root, uintptr_t va, pte_t swp);
/* If va's entry is still swp, make it present (pa, flags): the caller's
 * frame reference passes to the table, and the caller drops the slot
 * reference. false (nothing changed) if the entry is something else now. */
bool pt_swap_in(pte_t *root, uintptr_t va, pte_t swp, paddr_t pa, uint64_t flags);

/* Clear the accessed bit of va's present 4 KiB entry (flushing it);
 * returns whether it was set. False if va is not mapped. */
bool pt_test_clear_young(pte_t *root, uintptr_t va);
/* The physical address va translates to, at any page size; false if unmapped. */
bool pt_translate(pte_t *root, uintptr_t va, paddr_t *pa);
/* Would the CPU allow this access to va through root's entries, at every
 * level (present; W for a write, U for a user access, no NX for a fetch)? */
bool pt_allows(pte_t *root, uintptr_t va, bool write, bool user, bool exec);
/* The leaf entry for va (4 KiB, 2 MiB or 1 GiB), or NULL; *level gets its
 * level. For reading: only this module writes entries (pt_protect, pt_remap). */
pte_t *pt_lookup(pte_t *root, uintptr_t va, int *level);
/* What one walk finds at va: the present leaf at any level, or else the
 * 4 KiB slot whatever it holds (a swap entry, or 0); NULL when no page
 * table covers va. For reading, as pt_lookup: the fault handler and pagemap
 * learn present / swapped / empty from one walk. */
pte_t *pt_slot(pte_t *root, uintptr_t va, int *level);
/* A one-entry cache in front of pt_slot, kept per address space (mm->pt_hint,
 * as a TLB is in front of the hardware's walk): the page table the last
 * walk found for one 2 MiB region. It stays right while pt_tables_freed has
 * not moved (a table leaves the tree only through remove_table, which
 * counts it); a table NULL is empty. */
struct pt_leaf_hint {
	pte_t *table;          /* the PT for region, in the direct map */
	uintptr_t region;      /* va >> level_shift(2) */
	uint64_t tables_freed; /* pt_tables_freed when it was found */
};
/* pt_slot through the hint: a fault usually lands in the PT of the one
 * before it (the pages of one array), so the walk from the root is made
 * only for another region, after a table was freed anywhere, or where no
 * PT covers va; a PT the walk finds becomes the hint. */
static inline pte_t *pt_slot_hinted(pte_t *root, uintptr_t va, int *level, struct pt_leaf_hint *h)
{
	if (h->table && h->region == va >> level_shift(2) && h->tables_freed == pt_tables_freed) {
		*level = 1;
		return &h->table[pt_index(va, 1)];
	}
	pte_t *e = pt_slot(root, va, level);
	if (e && *level == 1)
		*h = (struct pt_leaf_hint){ e - pt_index(va, 1), va >> level_shift(2), pt_tables_freed };
	return e;
}
/* pt_protect on the present 4 KiB entry `slot` that pt_lookup or pt_slot
 * just gave for va, with nothing that frees tables in between: no second
 * walk (the write-protect fault's reuse). Returns the old entry; flushes
 * this CPU only, so only for adding rights (no shootdown needed). */
pte_t pt_protect_entry(pte_t *slot, uintptr_t va, uint64_t flags);

/* Visit every present leaf in [start, end) in address order and, after its
 * entries, every table below the root that the walk descended into (with the
 * entry pointing at it). `leaf` and `table` may be NULL. Visitors outside
 * this module only read *slot; a change goes through pt_protect / pt_remap. */
struct pt_visitor {
	void (*leaf)(uintptr_t va, pte_t *slot, int level, void *arg);
	void (*table)(uintptr_t va, pte_t *slot, int level, void *arg);  /* slot: the entry pointing at the table */
	void *arg;
	void (*swap)(uintptr_t va, pte_t *slot, void *arg);   /* a swap entry (pte.h) in range; may be NULL */
};
void pt_traverse(pte_t *root, uintptr_t start, uintptr_t end, const struct pt_visitor *v);

/* A new root: empty user half, kernel half shared with the kernel template.
 * NULL when out of memory. */
pte_t *pt_create_root(void);
/* Clear every 4 KiB leaf in [start, end) and every swap entry (dropping
 * its slot reference), unlink tables left empty, flush the TLB, and only
 * then call put(pa, old entry, arg) for each present one (put may be NULL)
 * and free the tables (mm/mmu_gather.h). Returns the number of pages unmapped. */
uint64_t pt_unmap_range(pte_t *root, uintptr_t start, uintptr_t end, void (*put)(paddr_t pa, pte_t old, void *arg),
			void *arg);
/* Set every present leaf in [start, end) to flags_for(old entry) (address
 * kept, PTE_P implied) and flush the TLB. */
void pt_protect_range(pte_t *root, uintptr_t start, uintptr_t end, uint64_t (*flags_for)(pte_t old, void *arg),
		      void *arg);

/* Fork's copy of [start, end) from src to dst (whose range is empty): for
 * each page table of src there, dst's table for the same addresses is found
 * or made once, and every entry in use (non-zero: present or swap) is
 * decided by fork_copy_pte (mm/cow.h) in one tight loop, parent and child
 * entries written here.
 * 0, or -ENOMEM (a table or share_page failed; dst keeps what was copied,
 * for its owner to destroy). src's TLB is not flushed: the caller flushes
 * once (flush_tlb_mm, mm/tlbflush.h) after its last copy. */
int pt_copy_range(pte_t *src, pte_t *dst, uintptr_t start, uintptr_t end);

/* Move every 4 KiB leaf (present or swap entry) of [start, end) to the same offset from
 * new_start (mremap: entries move, frames are never copied, references
 * stay as they are); tables left empty are freed, the TLB flushed. The
 * destination range must hold no entry and not overlap the source. 0, or
 * -ENOMEM (a destination table could not be had) with nothing moved. */
int pt_move_range(pte_t *root, uintptr_t start, uintptr_t end, uintptr_t new_start);

/* Free every table of the user half and drop one reference on every user
 * frame mapped there; then the root itself. */
void pt_destroy(pte_t *root);

/* Check the table invariants (mm/pagetable.c's header) for the tables below
 * root covering [start, end): each has as many entries in use (present or swap) as its page
 * count says, and none is empty. Prints the violations; false if any. */
bool pt_check_empty_tables(pte_t *root, uintptr_t start, uintptr_t end);

#endif
