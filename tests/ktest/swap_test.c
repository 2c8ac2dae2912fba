/* Swap: entries in PTEs, the slot allocator, the swap cache, rmap's refusal
 * to guess. The ktest boot attaches a 4 MiB swap disk (tests/run.py
 * ktest_disks), enabled at boot like any swap disk. */
#include "../../kernel/ktest.h"
#include "../../kernel/errno.h"
#include "../../kernel/string.h"
#include "../../mm/frame.h"
#include "../../mm/mm.h"
#include "../../mm/pagetable.h"
#include "../../mm/replace.h"
#include "../../mm/rmap.h"
#include "../../mm/swap_state.h"
#include "../../mm/swapfile.h"

KTEST(swap_entry_roundtrip)
{
	pte_t e = swp_entry(0, 12345);
	KT_ASSERT(pte_is_swap(e));
	KT_ASSERT(!pte_present(e));
	KT_ASSERT(!pte_none(e));
	KT_EQ(swp_type(e), 0);
	KT_EQ(swp_offset(e), 12345);
	KT_EQ(swp_offset(swp_entry(3, SWP_OFFSET_MASK)), SWP_OFFSET_MASK);
	KT_EQ(swp_type(swp_entry(3, SWP_OFFSET_MASK)), 3);
	KT_ASSERT(!pte_is_swap(0));
	KT_ASSERT(!pte_is_swap(make_pte(0x5000, PTE_P | PTE_SWP)));   /* present: a page, whatever bit 9 says */
}

KTEST(swap_enabled_from_the_disk_header)
{
	KT_ASSERT(swap_enabled());
	KT_EQ(total_swap_pages(), (4 << 20) / PAGE_SIZE - 1);   /* slot 0 is the header */
	KT_EQ(nr_swap_pages(), total_swap_pages());
}

KTEST(swap_slots_are_sequential_and_counted)
{
	uint64_t free0 = nr_swap_pages();
	pte_t a = get_swap_page(), b = get_swap_page();
	KT_NE(a, 0);
	KT_EQ(swp_offset(b), swp_offset(a) + 1);   /* clustering: evictions in a row, slots in a row */
	KT_EQ(nr_swap_pages(), free0 - 2);
	swap_duplicate(a);
	swap_duplicate(a);
	KT_EQ(swap_count(a), 2);
	swapcache_free(a);   /* no page cached: still two PTE references */
	swap_free(a);
	KT_EQ(nr_swap_pages(), free0 - 2);
	swap_free(a);
	KT_EQ(nr_swap_pages(), free0 - 1);
	swapcache_free(b);
	KT_EQ(nr_swap_pages(), free0);
}

static void fill(paddr_t pa, unsigned seed)
{
	uint32_t *w = pa_to_kva(pa);
	for (unsigned i = 0; i < PAGE_SIZE / 4; i++)
		w[i] = seed * 2654435761u + i;
}

/* A page written to a slot and dropped, as reclaim does; the slot holds
 * `refs` PTE references. */
static pte_t swap_out_page(unsigned seed, unsigned refs)
{
	paddr_t pa = frame_alloc(FRAME_USER);
	fill(pa, seed);
	pte_t e = get_swap_page();
	add_to_swap_cache(pa_to_page(pa), e);
	for (unsigned i = 0; i < refs; i++)
		swap_duplicate(e);
	lock_swap_page(pa_to_page(pa));
	KT_EQ(swap_writepage(e, pa), 0);
	unlock_swap_page(pa_to_page(pa));
	frame_put(pa);                             /* the "PTE" reference */
	delete_from_swap_cache(pa_to_page(pa));   /* the cache's: the frame is free */
	return e;
}

KTEST(swap_cache_reads_once_and_finds_the_page)
{
	uint64_t frames = frame_free_count(), slots = nr_swap_pages();
	pte_t e = swap_out_page(7, 2);
	KT_EQ(frame_free_count(), frames);
	KT_EQ(lookup_swap_cache(e), NULL);
	bool major;
	int err = 0;
	paddr_t pa = read_swap_cache(e, &major, &err);
	KT_NE(pa, 0);
	KT_ASSERT(major);
	paddr_t want = frame_alloc(FRAME_USER);
	fill(want, 7);
	KT_EQ(memcmp(pa_to_kva(pa), pa_to_kva(want), PAGE_SIZE), 0);
	frame_put(want);
	KT_EQ(lookup_swap_cache(e), pa_to_page(pa));   /* the second reader finds it: no second read */
	paddr_t again = read_swap_cache(e, &major, &err);
	KT_EQ(again, pa);
	KT_ASSERT(!major);
	KT_EQ(pa_to_page(pa)->refcount, 3);   /* two readers + the cache */
	swap_free(e);
	swap_free(e);   /* no PTE names the slot: the cache lets the page go */
	KT_EQ(lookup_swap_cache(e), NULL);
	KT_EQ(nr_swap_pages(), slots);
	frame_put(pa);
	frame_put(pa);
	KT_EQ(frame_free_count(), frames);
}

KTEST(swap_read_error_leaves_nothing_behind)
{
	uint64_t frames = frame_free_count(), slots = nr_swap_pages();
	pte_t e = swap_out_page(9, 1);
	swap_stat.test_fail_reads = 1;
	bool major;
	int err = 0;
	KT_EQ(read_swap_cache(e, &major, &err), 0);
	KT_EQ(err, -EIO);
	KT_EQ(lookup_swap_cache(e), NULL);   /* nobody may map the frame that was not filled */
	paddr_t pa = read_swap_cache(e, &major, &err);   /* the disk works again: the data is there */
	KT_NE(pa, 0);
	KT_EQ(*(uint32_t *)pa_to_kva(pa), 9 * 2654435761u);
	swap_free(e);
	frame_put(pa);
	KT_EQ(nr_swap_pages(), slots);
	KT_EQ(frame_free_count(), frames);
}

KTEST(swap_entries_in_tables_are_counted_moved_and_freed)
{
	struct mm *mm = mm_create();
	uint64_t slots = nr_swap_pages();
	pte_t e = get_swap_page();
	swap_duplicate(e);
	swapcache_free(e);   /* as after eviction: one PTE names the slot */
	uintptr_t va = 0x7f1234400000ul;
	KT_EQ(pt_set_swap(mm->pgd, va, e), 0);
	KT_EQ(pt_get(mm->pgd, va), e);
	KT_ASSERT(pt_check_empty_tables(mm->pgd, 0, USER_TOP));   /* the table counts it as in use */
	KT_EQ(pt_move_range(mm->pgd, va, va + PAGE_SIZE, va + (1ul << 30)), 0);   /* mremap moves it */
	KT_EQ(pt_get(mm->pgd, va), 0);
	KT_EQ(pt_get(mm->pgd, va + (1ul << 30)), e);
	KT_EQ(swap_count(e), 1);
	mm_destroy(mm);   /* exit frees the slot */
	KT_EQ(nr_swap_pages(), slots);
}

/* A page mapped in an address space rmap cannot see (no process holds it)
 * is not all found, so reclaim would leave it alone. */
KTEST(rmap_counts_only_what_it_finds)
{
	struct mm *mm = mm_create();
	uintptr_t va = 0x500000;
	paddr_t pa = frame_alloc_zeroed(FRAME_USER);
	KT_EQ(pt_map(mm->pgd, va, pa, PTE_W | PTE_U), 0);
	page_add_anon_rmap(pa, mm, va);
	struct page *p = pa_to_page(pa);
	KT_ASSERT(p->flags & PG_anon);
	KT_ASSERT(p->flags & PG_lru);   /* the policy has it */
	KT_EQ(page_mapcount_expected(p), 1);
	KT_EQ(rmap_walk(p, NULL, NULL), 0);
	mm_destroy(mm);   /* the last reference: the policy forgets it */
	KT_ASSERT(!(p->flags & PG_lru));
}

KTEST(replace_fifo_is_first_in_first_out)
{
	KT_EQ(strcmp(replace_current()->name, "fifo"), 0);
	uint64_t n0 = replace_nr_pages();
	paddr_t a = frame_alloc(FRAME_USER), b = frame_alloc(FRAME_USER);
	replace_page_added(pa_to_page(a));
	replace_page_added(pa_to_page(b));
	KT_EQ(replace_nr_pages(), n0 + 2);
	replace_page_removed(pa_to_page(a));
	replace_page_added(pa_to_page(a));   /* now the newest */
	struct page *v;
	while ((v = replace_pick_victim()) && v != pa_to_page(b) && v != pa_to_page(a))
		replace_putback(v);   /* pages of other tests' leftovers, if any: keep them */
	KT_EQ(v, pa_to_page(b));
	frame_put(b);
	frame_put(a);   /* frees a: off the list */
	KT_EQ(replace_nr_pages(), n0);
}
