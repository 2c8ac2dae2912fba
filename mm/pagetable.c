/*
 * Four-level page tables: the only code that reads or writes a page-table
 * entry's format (besides ptdump, which only reads through pt_walk).
 *
 *   root (PML4) --> PDPT --> PD --> PT --> 4 KiB frame
 *       |            \--> 1 GiB page (PS)
 *       |                    \--> 2 MiB page (PS)
 *       slots 256..511: the kernel half, the same PDPTs in every address space
 *
 * Invariants:
 *   - a table frame's struct page count == its number of entries in use:
 *     present, or (in a PT) a swap entry (pte.h) for a page on swap;
 *   - an intermediate table below the root is freed when its last entry is
 *     cleared, so a walk never meets an empty table (pt_check_empty_tables);
 *   - all TLB invalidation goes through mm/tlbflush.c (every CPU that may
 *     cache the entry): one call per entry changed, one per range;
 *   - a frame whose entry is cleared (a page, or a table unlinked) is freed
 *     only after that flush, through a gather (mm/mmu_gather.h);
 *   - clearing a swap entry drops its slot reference (swap_free), here only;
 *   - a 2 MiB user page (a PS leaf in a PD below KERNEL_HALF_START, made by
 *     pt_map_huge_anon for mm/huge_page.c) maps 512 frames that each hold
 *     one reference for it, and its first frame's huge_deposit is the page
 *     table its split will use: a split never allocates, so no caller of a
 *     range operation needs an error path for it. Every operation here that
 *     works on 4 KiB entries splits a 2 MiB page its range only partly
 *     covers (or the one its single address falls in) first; ranges keep
 *     the 2 MiB pages they cover whole (unmap, protect);
 *   - every table below the root leaves the tree through remove_table,
 *     which counts it in pt_tables_freed: a slot found by a walk stays
 *     valid while the count has not moved (pt_map_slot).
 */
#include "pagetable.h"
#include "cow.h"
#include "frame.h"
#include "huge_page.h"
#include "mmu_gather.h"
#include "swapfile.h"
#include "tlbflush.h"
#include "../kernel/errno.h"
#include "../kernel/panic.h"
#include "../kernel/printk.h"
#include "../kernel/string.h"
#include "../kernel/x86.h"

/* Intermediate entries are as permissive as possible so the leaf decides;
 * but no kernel-half table carries U, so user access stops at the top. */
static uint64_t table_flags(uintptr_t va)
{
	return va >= KERNEL_HALF_START ? PTE_P | PTE_W : PTE_P | PTE_W | PTE_U;
}

pte_t *kernel_root;   /* the kernel's template (mm/kmap.c builds it) */

static pte_t *table_of(pte_t entry) { return pa_to_kva(pte_addr(entry)); }
static struct page *table_page(pte_t *slot) { return pa_to_page(kva_to_pa(slot) & PAGE_MASK); }

/* The kernel half's PDPTs are shared by every root (copied into each at
 * creation), so they must outlive any emptiness: never free them. */
static bool table_pinned(uintptr_t va, int table_level)
{
	return table_level == PT_LEVELS - 1 && va >= KERNEL_HALF_START;
}

uint64_t pt_tables_freed;

/* A table unlinked from the tree, freed by the gather after the flush;
 * counted, so that no slot found in it by an earlier walk is trusted. */
static void remove_table(struct mmu_gather *tlb, uintptr_t va, paddr_t table_pa)
{
	pt_tables_freed++;
	tlb_remove_table(tlb, va, table_pa);
}

/* Unlink tables on the walk's path that have become empty, bottom up;
 * the gather frees them after the flush. */
static void prune(struct pt_walk *w, int from_level, struct mmu_gather *tlb)
{
	for (int l = from_level; l < PT_LEVELS; l++) {
		struct page *t = table_page(w->slot[l]);
		if (t->count || table_pinned(w->va, l))
			return;
		*w->slot[l + 1] = 0;
		table_page(w->slot[l + 1])->count--;
		remove_table(tlb, w->va, page_to_pa(t));
	}
}

/* The same, as one step: flushed and freed before it returns. */
static void prune_now(pte_t *root, struct pt_walk *w, int from_level)
{
	struct mmu_gather tlb;
	tlb_gather_mmu(&tlb, root, NULL, NULL);
	prune(w, from_level, &tlb);
	tlb_finish_mmu(&tlb);
}

/* The walk met no table at level l - 1: make one (zeroed), or prune what
 * this walk made and fail. */
static int add_table(pte_t *root, struct pt_walk *w, int l)
{
	paddr_t t = frame_alloc_zeroed(FRAME_PAGETABLE);
	if (!t) {
		prune_now(root, w, l);
		return -ENOMEM;
	}
	*w->slot[l] = make_pte(t, table_flags(w->va));
	table_page(w->slot[l])->count++;
	return 0;
}

/* pt_walk's body, inline in this file's callers so that each gets a copy
 * specialised to its stop level and create flag (the fault path's lookups
 * are a few loads per level). */
static inline __attribute__((always_inline)) int walk(pte_t *root, uintptr_t va, int stop_level, bool create,
						      struct pt_walk *w)
{
	w->slot[PT_LEVELS] = &root[pt_index(va, PT_LEVELS)];
	w->level = PT_LEVELS;
	w->va = va;
	for (int l = PT_LEVELS; l > stop_level; l--) {
		pte_t *e = w->slot[l];
		if (pte_present(*e) && pte_huge(*e))
			return 0;
		if (!pte_present(*e) && (!create || add_table(root, w, l)))
			return create ? -ENOMEM : 0;
		w->slot[l - 1] = &table_of(*e)[pt_index(va, l - 1)];
		w->level = l - 1;
	}
	return 0;
}

int pt_walk(pte_t *root, uintptr_t va, int stop_level, bool create, struct pt_walk *w)
{
	return walk(root, va, stop_level, create, w);
}

static int map_at_level(pte_t *root, uintptr_t va, paddr_t pa, int level, uint64_t flags)
{
	struct pt_walk w;
	int err = walk(root, va, level, true, &w);
	if (err)
		return err;
	kassert(w.level == level);
	kassert(pte_none(*w.slot[level]));
	*w.slot[level] = make_pte(pa, flags | PTE_P);
	table_page(w.slot[level])->count++;
	return 0;
}

int pt_map(pte_t *root, uintptr_t va, paddr_t pa, uint64_t flags)
{
	return map_at_level(root, va, pa, 1, flags);
}

/* A PT entry a walk found when pt_tables_freed was tables_freed: still the
 * entry of its address unless a table was removed since. */
static bool slot_valid(const pte_t *slot, uint64_t tables_freed)
{
	return slot && tables_freed == pt_tables_freed;
}

int pt_map_slot(pte_t *root, uintptr_t va, pte_t *slot, uint64_t tables_freed, paddr_t pa, uint64_t flags)
{
	if (!slot_valid(slot, tables_freed) || !pte_none(*slot))
		return pt_map(root, va, pa, flags);
	*slot = make_pte(pa, flags | PTE_P);
	table_page(slot)->count++;
	return 0;
}

int pt_map_huge(pte_t *root, uintptr_t va, paddr_t pa, int level, uint64_t flags)
{
	kassert(level == 2 || level == 3);
	kassert((va & (level_size(level) - 1)) == 0 && (pa & (level_size(level) - 1)) == 0);
	return map_at_level(root, va, pa, level, flags | PTE_PS);
}

/* ---- 2 MiB user pages ---- */

static bool huge_user_leaf(pte_t e, uintptr_t va)
{
	return pte_present(e) && pte_huge(e) && va < KERNEL_HALF_START;
}

int pt_map_huge_anon(pte_t *root, uintptr_t va, paddr_t pa, uint64_t flags, paddr_t deposit)
{
	kassert(va < KERNEL_HALF_START && pa_to_page(deposit)->count == 0);
	int err = pt_map_huge(root, va, pa, 2, flags);
	if (!err) {
		pa_to_page(pa)->huge_deposit = deposit;
		thp_stat.nr_anon++;
	}
	return err;
}

/* The 512 entries a 2 MiB entry stands for: the same frames in order, the
 * same flags (W, U, NX, A, D, soft-dirty), PS dropped. (In a PD entry with
 * PS, bit 12 is PAT; Pagoda never sets it, so the address bits agree.) */
static void fill_split_table(pte_t *table, pte_t huge)
{
	uint64_t flags = pte_flags(huge) & ~PTE_PS;
	for (unsigned i = 0; i < PT_ENTRIES; i++)
		table[i] = make_pte(pte_addr(huge) + i * PAGE_SIZE, flags);
}

/* The 2 MiB user page at *slot (its PD entry, mapping va) becomes a page
 * table of 512 4 KiB entries: the deposited table, so nothing is
 * allocated; the frames' references, rmap keys and policy places stay as
 * they are (each frame already has its own). The PD's count is unchanged
 * (one entry in use before and after). Every CPU drops the 2 MiB
 * translation (SDM 4.10.4.2: a size change needs the old entry flushed). */
static void split_huge_slot(pte_t *root, pte_t *slot, uintptr_t va)
{
	uintptr_t start = va & ~(HPAGE_SIZE - 1);
	struct page *head = pa_to_page(pte_addr(*slot));
	paddr_t table = head->huge_deposit;
	kassert(table && huge_user_leaf(*slot, va));
	head->huge_deposit = 0;
	fill_split_table(pa_to_kva(table), *slot);
	pa_to_page(table)->count = PT_ENTRIES;
	*slot = make_pte(table, table_flags(va));
	flush_tlb_range(root, start, start + HPAGE_SIZE);
	thp_stat.split_pmd++;
	thp_stat.nr_anon--;
}

/* If the walk stopped at a 2 MiB user page, split it and walk again. */
static void split_walked(pte_t *root, uintptr_t va, struct pt_walk *w)
{
	if (w->level != 2 || !huge_user_leaf(*w->slot[2], va))
		return;
	split_huge_slot(root, w->slot[2], va);
	pt_walk(root, va, 1, false, w);
}

bool pt_split_huge(pte_t *root, uintptr_t va)
{
	struct pt_walk w;
	pt_walk(root, va, 1, false, &w);
	bool huge = w.level == 2 && huge_user_leaf(*w.slot[2], va);
	split_walked(root, va, &w);
	return huge;
}

/* A range operation on [start, end): the 2 MiB pages it covers only in
 * part (at most one at each end) are split; whole ones are left. */
static void split_range_ends(pte_t *root, uintptr_t start, uintptr_t end)
{
	if (start & (HPAGE_SIZE - 1))
		pt_split_huge(root, start);
	if (end & (HPAGE_SIZE - 1))
		pt_split_huge(root, end);
}

static void split_leaf(uintptr_t va, pte_t *slot, int level, void *arg)
{
	if (level == 2 && huge_user_leaf(*slot, va))
		split_huge_slot(arg, slot, va);
}

void pt_split_huge_range(pte_t *root, uintptr_t start, uintptr_t end)
{
	struct pt_visitor v = { split_leaf, NULL, root, NULL };
	pt_traverse(root, start, end, &v);
}

/* The present 4 KiB leaf for va, with its walk; NULL if there is none. A
 * 2 MiB user page over va is split first: the caller changes one page. */
static pte_t *leaf_4k(pte_t *root, uintptr_t va, struct pt_walk *w)
{
	walk(root, va, 1, false, w);
	split_walked(root, va, w);
	if (w->level != 1 || !pte_present(*w->slot[1]))
		return NULL;
	return w->slot[1];
}

/* va's PT entry, present or not; NULL if no PT covers va. */
static pte_t *slot_4k(pte_t *root, uintptr_t va, struct pt_walk *w)
{
	walk(root, va, 1, false, w);
	return w->level == 1 ? w->slot[1] : NULL;
}

pte_t pt_get(pte_t *root, uintptr_t va)
{
	struct pt_walk w;
	pte_t *e = slot_4k(root, va, &w);
	if (!e && w.level == 2 && huge_user_leaf(*w.slot[2], va))
		return *w.slot[2];   /* a 2 MiB page covers va: present */
	return e ? *e : 0;
}

int pt_set_swap(pte_t *root, uintptr_t va, pte_t swp)
{
	struct pt_walk w;
	kassert(pte_is_swap(swp));
	int err = walk(root, va, 1, true, &w);
	if (err)
		return err;
	kassert(w.level == 1 && pte_none(*w.slot[1]));
	*w.slot[1] = swp;
	table_page(w.slot[1])->count++;
	return 0;
}

pte_t pt_swap_out(pte_t *root, uintptr_t va, pte_t swp)
{
	struct pt_walk w;
	pte_t *e = leaf_4k(root, va, &w);
	kassert(e && pte_is_swap(swp));
	pte_t old = *e;
	*e = swp;   /* still in use: the table's count is unchanged */
	flush_tlb_page(root, va);
	return old;
}

bool pt_swap_in(pte_t *root, uintptr_t va, pte_t swp, paddr_t pa, uint64_t flags)
{
	struct pt_walk w;
	pte_t *e = slot_4k(root, va, &w);
	if (!e || *e != swp)
		return false;
	*e = make_pte(pa, flags | PTE_P);   /* a non-present entry is never in the TLB */
	return true;
}

pte_t pt_unmap(pte_t *root, uintptr_t va)
{
	struct pt_walk w;
	pte_t *e = leaf_4k(root, va, &w);
	if (!e)
		return 0;
	pte_t old = *e;
	*e = 0;
	table_page(e)->count--;
	struct mmu_gather tlb;
	tlb_gather_mmu(&tlb, root, NULL, NULL);
	tlb_flush_pte_range(&tlb, va, PAGE_SIZE);
	prune(&w, 1, &tlb);
	tlb_finish_mmu(&tlb);   /* the caller puts old's frame after this flush */
	return old;
}

/* Rewrite a present leaf in place (the table's count is unchanged). */
static pte_t set_leaf(pte_t *root, pte_t *e, uintptr_t va, paddr_t pa, uint64_t flags)
{
	pte_t old = *e;
	*e = make_pte(pa, flags | PTE_P);
	flush_tlb_page(root, va);
	return old;
}

pte_t pt_protect(pte_t *root, uintptr_t va, uint64_t flags)
{
	struct pt_walk w;
	pte_t *e = leaf_4k(root, va, &w);
	return e ? set_leaf(root, e, va, pte_addr(*e), flags) : 0;
}

/* Only this CPU is flushed: the fault handler uses it to add rights (make a
 * page writable), and another CPU's stale entry without them can only cause
 * a spurious fault there, which flushes it there (mm/fault.c). */
pte_t pt_protect_entry(pte_t *slot, uintptr_t va, uint64_t flags)
{
	kassert(pte_present(*slot) && !pte_huge(*slot));
	pte_t old = *slot;
	*slot = make_pte(pte_addr(old), flags | PTE_P);
	local_flush_tlb_page(va);
	return old;
}

pte_t pt_remap(pte_t *root, uintptr_t va, paddr_t pa, uint64_t flags)
{
	struct pt_walk w;
	pte_t *e = leaf_4k(root, va, &w);
	return e ? set_leaf(root, e, va, pa, flags) : 0;
}

pte_t pt_remap_slot(pte_t *root, uintptr_t va, pte_t *slot, uint64_t tables_freed, paddr_t pa, uint64_t flags)
{
	if (!slot_valid(slot, tables_freed) || !pte_present(*slot))
		return pt_remap(root, va, pa, flags);
	return set_leaf(root, slot, va, pa, flags);
}

bool pt_test_clear_young(pte_t *root, uintptr_t va)
{
	struct pt_walk w;
	pt_walk(root, va, 1, false, &w);
	/* A 2 MiB page has one accessed bit for its 512 frames (as Linux's
	 * pmdp_test_and_clear_young): asked through any of them, it answers
	 * and clears that bit, without a split. */
	pte_t *e = w.level == 2 && huge_user_leaf(*w.slot[2], va) ? w.slot[2] : leaf_4k(root, va, &w);
	if (!e || !(*e & PTE_A))
		return false;
	*e &= ~PTE_A;
	/* This CPU only, no shootdown (as Linux on x86): another CPU's cached
	 * entry only keeps the page from looking young again until it goes. */
	local_flush_tlb_page(va);
	return true;
}

pte_t *pt_slot(pte_t *root, uintptr_t va, int *level)
{
	struct pt_walk w;
	walk(root, va, 1, false, &w);
	pte_t *e = w.slot[w.level];
	if (w.level > 1 && !(pte_present(*e) && pte_huge(*e)))
		return NULL;
	*level = w.level;
	return e;
}

pte_t *pt_lookup(pte_t *root, uintptr_t va, int *level)
{
	pte_t *e = pt_slot(root, va, level);
	return e && pte_present(*e) ? e : NULL;
}

/* One entry of the walk: does it let the access through? */
static bool entry_allows(pte_t e, bool write, bool user, bool exec)
{
	return pte_present(e) && (!write || (e & PTE_W)) && (!user || (e & PTE_U)) && (!exec || !(e & PTE_NX));
}

bool pt_allows(pte_t *root, uintptr_t va, bool write, bool user, bool exec)
{
	struct pt_walk w;
	pt_walk(root, va, 1, false, &w);
	for (int l = PT_LEVELS; l >= w.level; l--)
		if (!entry_allows(*w.slot[l], write, user, exec))
			return false;
	return w.level == 1 || pte_huge(*w.slot[w.level]);
}

bool pt_translate(pte_t *root, uintptr_t va, paddr_t *pa)
{
	int level;
	pte_t *e = pt_lookup(root, va, &level);
	if (!e)
		return false;
	uint64_t offset_mask = level_size(level) - 1;
	*pa = (pte_addr(*e) & ~offset_mask) | (va & offset_mask);
	return true;
}

/* ---- traversal ---- */

/* The address entry i of a level-`level` table maps, when its entry 0 maps
 * base. The root's upper half is the kernel's: its addresses are
 * sign-extended (canonical), 0xffff8000_00000000 and up. */
static uintptr_t entry_va(uintptr_t base, unsigned i, int level)
{
	uintptr_t va = base + i * level_size(level);
	if (level == PT_LEVELS && i >= PT_ENTRIES / 2)
		va |= 0xffff000000000000ul;
	return va;
}

/* Which entries of a table [start, end) reaches: the one holding start
 * through the one holding end - 1, each first clamped to the table's own
 * span when the request begins before it or ends after it. So a one-page
 * request looks at one entry per level, not 512. (The root spans every
 * address: its indices come straight from start and end - 1.) */
static void index_range(uintptr_t base, int level, uintptr_t start, uintptr_t end, unsigned *first, unsigned *last)
{
	uintptr_t lo = start, hi = end - 1;
	if (level < PT_LEVELS) {
		uintptr_t table_last = base + PT_ENTRIES * level_size(level) - 1;
		lo = lo > base ? lo : base;
		hi = hi < table_last ? hi : table_last;
	}
	*first = pt_index(lo, level);
	*last = pt_index(hi, level);
}

/* A traversal's callbacks: the visitor's, and (inside this module only)
 * `ptes`, which takes each page table's entries in range as one run,
 * present or not, instead of v.leaf entry by entry. */
struct range_walk {
	struct pt_visitor v;
	void (*ptes)(uintptr_t va, pte_t *first, unsigned n, void *arg);
};

/* The entries of one page table (level 1) that [start, end) reaches: all
 * at once to r->ptes, or each present one to r->v.leaf and each swap entry
 * to r->v.swap. base: the address its entry 0 maps. */
static void visit_leaf_table(pte_t *table, uintptr_t base, uintptr_t start, uintptr_t end,
			     const struct range_walk *r)
{
	unsigned first, last;
	index_range(base, 1, start, end, &first, &last);
	if (r->ptes) {
		r->ptes(entry_va(base, first, 1), &table[first], last - first + 1, r->v.arg);
		return;
	}
	for (unsigned i = first; i <= last; i++) {
		if (pte_present(table[i]) && r->v.leaf)
			r->v.leaf(entry_va(base, i, 1), &table[i], 1, r->v.arg);
		else if (pte_is_swap(table[i]) && r->v.swap)
			r->v.swap(entry_va(base, i, 1), &table[i], r->v.arg);
	}
}

/* Visit the present entries of one table that overlap [start, end): a
 * leaf (4 KiB, or a huge page) goes to v->leaf; a lower table is walked
 * the same way, then handed to v->table (post-order). */
static void traverse_table(pte_t *table, int level, uintptr_t base, uintptr_t start, uintptr_t end,
			   const struct range_walk *r)
{
	const struct pt_visitor *v = &r->v;
	if (level == 1)
		return visit_leaf_table(table, base, start, end, r);
	unsigned first, last;
	index_range(base, level, start, end, &first, &last);
	for (unsigned i = first; i <= last; i++) {
		if (pte_none(table[i]))
			continue;
		uintptr_t va = entry_va(base, i, level);
		if (pte_huge(table[i])) {
			if (v->leaf)
				v->leaf(va, &table[i], level, v->arg);
			continue;
		}
		traverse_table(table_of(table[i]), level - 1, va, start, end, r);
		if (v->table)
			v->table(va, &table[i], level - 1, v->arg);
	}
}

/* The common case, a range inside one page table (2 MiB): one walk down to
 * that table, its entries, then the tables above it bottom-up, just as
 * traverse_table would visit them, without a loop at every level. When the
 * walk stops at an empty entry there is nothing below it: only the tables
 * above are visited (munmap of a page never touched). False (nothing
 * visited) if the range spans tables or the walk meets a huge page:
 * traverse_table does the general case. */
static bool traverse_one_table(pte_t *root, uintptr_t start, uintptr_t end, const struct range_walk *r)
{
	struct pt_walk w;
	if (((start ^ (end - 1)) >> level_shift(2)) || pt_walk(root, start, 1, false, &w))
		return false;
	if (w.level != 1 && !pte_none(*w.slot[w.level]))
		return false;
	if (w.level == 1)
		visit_leaf_table(w.slot[1] - pt_index(start, 1), start & ~(level_size(2) - 1), start, end, r);
	for (int l = w.level + 1; l <= PT_LEVELS && r->v.table; l++)
		r->v.table(start & ~(level_size(l) - 1), w.slot[l], l - 1, r->v.arg);
	return true;
}

static void traverse(pte_t *root, uintptr_t start, uintptr_t end, const struct range_walk *r)
{
	if (start < end && !traverse_one_table(root, start, end, r))
		traverse_table(root, PT_LEVELS, 0, start, end, r);
}

void pt_traverse(pte_t *root, uintptr_t start, uintptr_t end, const struct pt_visitor *v)
{
	struct range_walk r = { *v, NULL };
	traverse(root, start, end, &r);
}

/* ---- whole address spaces ---- */

pte_t *pt_create_root(void)
{
	paddr_t pa = frame_alloc_zeroed(FRAME_PAGETABLE);
	if (!pa)
		return NULL;
	pte_t *root = pa_to_kva(pa);
	for (int i = PT_ENTRIES / 2; i < PT_ENTRIES; i++)
		root[i] = kernel_root[i];   /* shared kernel half */
	return root;
}

/* ---- ranges ---- */

struct unmap_ctx {
	struct mmu_gather tlb;
	uint64_t pages;
};

/* One page table's run of n entries from va: each in use is cleared (a
 * present one's frame gathered, to be put after the flush; a swap entry's
 * slot reference dropped), the table's count lowered once for the run. */
static void unmap_ptes(uintptr_t va, pte_t *slot, unsigned n, void *arg)
{
	struct unmap_ctx *c = arg;
	unsigned cleared = 0;
	for (unsigned i = 0; i < n; i++) {
		pte_t old = slot[i];
		if (pte_none(old))
			continue;
		slot[i] = 0;
		cleared++;
		if (!pte_present(old)) {   /* a swap entry: its slot reference goes */
			swap_free(old);
			continue;
		}
		c->pages++;
		tlb_remove_page(&c->tlb, va + i * PAGE_SIZE, pte_addr(old), old);
	}
	table_page(slot)->count -= cleared;
}

/* A 2 MiB user page wholly in the range: its entry is cleared, and its
 * deposited table and each of its 512 frames are gathered as a 4 KiB
 * page's would be (with the 2 MiB entry as the old entry), freed after the
 * flush. */
static void unmap_huge(uintptr_t va, pte_t *slot, int level, void *arg)
{
	struct unmap_ctx *c = arg;
	pte_t old = *slot;
	kassert(level == 2 && huge_user_leaf(old, va));
	struct page *head = pa_to_page(pte_addr(old));
	paddr_t deposit = head->huge_deposit;
	head->huge_deposit = 0;
	*slot = 0;
	table_page(slot)->count--;
	thp_stat.nr_anon--;
	tlb_remove_table(&c->tlb, va, deposit);
	for (unsigned i = 0; i < PT_ENTRIES; i++) {
		c->pages++;
		tlb_remove_page(&c->tlb, va + i * PAGE_SIZE, pte_addr(old) + i * PAGE_SIZE, old);
	}
}

/* Post-order: by the time a table is visited, its entries in range are gone. */
static void prune_table(uintptr_t va, pte_t *slot, int level, void *arg)
{
	struct unmap_ctx *c = arg;
	struct page *t = pa_to_page(pte_addr(*slot));
	if (t->count || table_pinned(va, level))
		return;
	remove_table(&c->tlb, va, pte_addr(*slot));
	*slot = 0;
	table_page(slot)->count--;
}

uint64_t pt_unmap_range(pte_t *root, uintptr_t start, uintptr_t end, void (*put)(paddr_t, pte_t, void *), void *arg)
{
	struct unmap_ctx c;   /* not zeroed whole: the batch is filled as it goes */
	c.pages = 0;
	struct range_walk r = { { unmap_huge, prune_table, &c, NULL }, unmap_ptes };
	split_range_ends(root, start, end);
	tlb_gather_mmu(&c.tlb, root, put, arg);
	traverse(root, start, end, &r);
	tlb_finish_mmu(&c.tlb);   /* one shootdown per batch, then the frames go */
	return c.pages;
}

struct protect_ctx {
	uint64_t (*flags_for)(pte_t old, void *arg);
	void *arg;
	uint64_t pages;
};

/* The entry gets the bits flags_for gives (accessed and dirty included);
 * c->pages counts the entries that changed: one that stays as it was (R ->
 * RW of a private page, which stays read-only until its write fault) is
 * not written and needs no TLB flush. */
static void protect_leaf(uintptr_t va, pte_t *slot, int level, void *arg)
{
	struct protect_ctx *c = arg;   /* flushed once for the range */
	kassert(level == 1 || (level == 2 && huge_user_leaf(*slot, va)));
	uint64_t size_bit = level == 2 ? PTE_PS : 0;   /* a 2 MiB page stays one */
	pte_t old = *slot;
	pte_t new = make_pte(pte_addr(old), c->flags_for(old, c->arg) | size_bit | PTE_P);
	if (new == old)
		return;
	*slot = new;
	c->pages++;
}

void pt_protect_range(pte_t *root, uintptr_t start, uintptr_t end, uint64_t (*flags_for)(pte_t old, void *arg), void *arg)
{
	struct protect_ctx c = { flags_for, arg, 0 };
	split_range_ends(root, start, end);
	if (end - start == PAGE_SIZE) {   /* one page (mprotect's commonest call): one walk, no traversal */
		struct pt_walk w;
		pte_t *e = leaf_4k(root, start, &w);
		if (e)
			protect_leaf(start, e, 1, &c);
		if (c.pages)
			flush_tlb_page(root, start);
		return;
	}
	struct pt_visitor v = { protect_leaf, NULL, &c, NULL };
	pt_traverse(root, start, end, &v);
	if (c.pages)
		flush_tlb_range(root, start, end);
}

/* ---- copying entries (fork) ---- */

struct copy_ctx {
	pte_t *src_root, *dst_root;
	uintptr_t start, end;
	int err;
};

/* One page table's run of n source entries from va: the destination's
 * table for the same addresses is found (or made) by one walk at the first
 * entry in use, then the run is copied in one tight loop: fork's inner
 * loop, with fork_copy_pte (mm/cow.h) inlined. */
static void copy_ptes(uintptr_t va, pte_t *src, unsigned n, void *arg)
{
	struct copy_ctx *c = arg;
	struct pt_walk w;
	unsigned i = 0, added = 0;
	while (i < n && !src[i])
		i++;
	if (c->err || i == n || (c->err = pt_walk(c->dst_root, va, 1, true, &w)))
		return;
	pte_t *dst = w.slot[1];
	int err = 0;
	for (; i < n && !err; i++) {
		pte_t parent = src[i], child = 0;
		if (!parent)
			continue;
		err = fork_copy_pte(&parent, &child);
		src[i] = parent;
		dst[i] = child;
		added += !pte_none(child);
	}
	c->err = err;
	table_page(dst)->count += added;
	prune_now(c->dst_root, &w, 1);   /* nothing was copied: the table goes again */
}

/* A 2 MiB page of the parent: fork splits it (mm/huge_page.c says why),
 * then copies its 4 KiB entries in [start, end) as any others. */
static void copy_huge(uintptr_t va, pte_t *slot, int level, void *arg)
{
	struct copy_ctx *c = arg;
	if (level != 2 || !huge_user_leaf(*slot, va))
		return;
	split_huge_slot(c->src_root, slot, va);
	uintptr_t lo = va > c->start ? va : c->start, hi = va + HPAGE_SIZE < c->end ? va + HPAGE_SIZE : c->end;
	copy_ptes(lo, &table_of(*slot)[pt_index(lo, 1)], (hi - lo) >> PAGE_SHIFT, arg);
}

int pt_copy_range(pte_t *src, pte_t *dst, uintptr_t start, uintptr_t end)
{
	struct copy_ctx c = { src, dst, start, end, 0 };
	struct range_walk r = { { copy_huge, NULL, &c, NULL }, copy_ptes };
	traverse(src, start, end, &r);
	return c.err;
}

/* ---- moving entries (mremap) ---- */

struct move_ctx {
	pte_t *root;
	int64_t delta;      /* destination va - source va */
	int err;
	uint64_t pages;
};

/* Pass 1: every table the destination needs, made before anything moves. */
static void reserve_leaf(uintptr_t va, pte_t *slot, int level, void *arg)
{
	(void)slot;
	struct move_ctx *c = arg;
	struct pt_walk w;
	kassert(level == 1);
	if (!c->err)
		c->err = pt_walk(c->root, va + c->delta, 1, true, &w);
}

static void reserve_swap(uintptr_t va, pte_t *slot, void *arg)
{
	reserve_leaf(va, slot, 1, arg);
}

/* Pass 2: the entry goes to its destination slot, unchanged but for the
 * soft-dirty bit a present page gains there (Linux's move_soft_dirty_pte: a
 * page at a new address counts as written; mm/pagemap.c). */
static void move_leaf(uintptr_t va, pte_t *slot, int level, void *arg)
{
	struct move_ctx *c = arg;
	struct pt_walk w;
	pt_walk(c->root, va + c->delta, 1, false, &w);
	kassert(level == 1 && w.level == 1 && pte_none(*w.slot[1]));
	*w.slot[1] = pte_present(*slot) ? *slot | PTE_SOFT_DIRTY : *slot;
	table_page(w.slot[1])->count++;
	*slot = 0;
	table_page(slot)->count--;
	c->pages++;
}

static void move_swap(uintptr_t va, pte_t *slot, void *arg)
{
	move_leaf(va, slot, 1, arg);
}

int pt_move_range(pte_t *root, uintptr_t start, uintptr_t end, uintptr_t new_start)
{
	kassert(new_start + (end - start) <= start || new_start >= end);
	struct move_ctx c = { root, (int64_t)(new_start - start), 0, 0 };
	split_range_ends(root, start, end);
	pt_split_huge_range(root, start, end);   /* entries move one by one */
	struct pt_visitor reserve = { reserve_leaf, NULL, &c, reserve_swap };
	pt_traverse(root, start, end, &reserve);
	if (c.err) {   /* tables made for nothing: empty ones go again */
		pt_unmap_range(root, new_start, new_start + (end - start), NULL, NULL);
		return c.err;
	}
	struct pt_visitor move = { move_leaf, NULL, &c, move_swap };
	pt_traverse(root, start, end, &move);
	if (c.pages)
		flush_tlb_range(root, start, end);
	/* Pruning waits until every entry has moved: a table reserved for the
	 * destination may lie in the source's span, empty until its turn. */
	pt_unmap_range(root, start, end, NULL, NULL);
	return 0;
}

static void put_frame(paddr_t pa, pte_t old, void *arg)
{
	(void)old, (void)arg;
	frame_put(pa);
}

void pt_destroy(pte_t *root)
{
	pt_unmap_range(root, 0, USER_TOP, put_frame, NULL);
	frame_put(kva_to_pa(root));
}

/* ---- pt_check_empty_tables: the table invariants, checked whole ---- */

struct table_check {
	int bad;
};

static unsigned entries_in_use(const pte_t *table)
{
	unsigned n = 0;
	for (unsigned i = 0; i < PT_ENTRIES; i++)
		n += !pte_none(table[i]);
	return n;
}

/* One table below the root: its count is its number of entries in use,
 * and it has at least one (else it should have been freed). */
static void check_table(uintptr_t va, pte_t *slot, int level, void *arg)
{
	struct table_check *c = arg;
	unsigned n = entries_in_use(table_of(*slot));
	uint32_t count = pa_to_page(pte_addr(*slot))->count;
	if ((n && count == n) || table_pinned(va, level))
		return;
	if (c->bad++ < 8)
		printk("pt_check_empty_tables: %s for %lx at pa %lx has %u entries in use, count %u\n",
		       pt_level_name[level], va, pte_addr(*slot), n, count);
}

bool pt_check_empty_tables(pte_t *root, uintptr_t start, uintptr_t end)
{
	struct table_check c = { 0 };
	struct pt_visitor v = { NULL, check_table, &c, NULL };
	pt_traverse(root, start, end, &v);
	return c.bad == 0;
}
