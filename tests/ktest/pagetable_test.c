/* The page-table module on scratch roots and on the live address space. */
#include "../../kernel/ktest.h"
#include "../../kernel/string.h"
#include "../../kernel/x86.h"
#include "../../mm/frame.h"
#include "../../mm/kmap.h"
#include "../../mm/pagetable.h"
#include "../../mm/pf_error.h"
#include "../../kernel/trap.h"

static uint64_t table_frames(void)
{
	struct frame_stats s;
	frame_get_stats(&s);
	return s.by_use[FRAME_PAGETABLE];
}

/* A user address whose PML4, PDPT, PD and PT slots are all unused. */
#define FRESH_VA 0x00007f123456a000ul

KTEST(pt_map_creates_every_level_and_unmap_frees_them)
{
	uint64_t tables = table_frames(), free = frame_free_count();
	pte_t *root = pt_create_root();
	KT_ASSERT(root);
	paddr_t frame = frame_alloc(FRAME_USER);
	KT_EQ(pt_map(root, FRESH_VA, frame, PTE_W | PTE_U), 0);
	KT_EQ(table_frames(), tables + 4);   /* root + PDPT + PD + PT */
	paddr_t pa;
	KT_ASSERT(pt_translate(root, FRESH_VA + 0x123, &pa));
	KT_EQ(pa, frame + 0x123);
	pte_t old = pt_unmap(root, FRESH_VA);
	KT_EQ(pte_addr(old), frame);
	KT_ASSERT(!pt_translate(root, FRESH_VA, &pa));
	KT_EQ(table_frames(), tables + 1);   /* empty PT, PD, PDPT freed; root stays */
	KT_EQ(root[pt_index(FRESH_VA, 4)], 0);
	frame_put(pte_addr(old));
	pt_destroy(root);
	KT_EQ(table_frames(), tables);
	KT_EQ(frame_free_count(), free);
}

KTEST(pt_neighbours_share_tables)
{
	uint64_t tables = table_frames();
	pte_t *root = pt_create_root();
	paddr_t a = frame_alloc(FRAME_USER), b = frame_alloc(FRAME_USER);
	KT_EQ(pt_map(root, FRESH_VA, a, PTE_U), 0);
	KT_EQ(pt_map(root, FRESH_VA + PAGE_SIZE, b, PTE_U), 0);
	KT_EQ(table_frames(), tables + 4);
	frame_put(pte_addr(pt_unmap(root, FRESH_VA)));
	KT_EQ(table_frames(), tables + 4);   /* the PT still holds b */
	pt_destroy(root);                     /* drops b's reference too */
	KT_EQ(table_frames(), tables);
}

KTEST(pt_protect_is_seen_by_a_fresh_walk)
{
	pte_t *root = pt_create_root();
	paddr_t f = frame_alloc(FRAME_USER);
	KT_EQ(pt_map(root, FRESH_VA, f, PTE_W | PTE_U | PTE_NX), 0);
	pte_t old = pt_protect(root, FRESH_VA, PTE_U);
	KT_ASSERT(old & PTE_W);
	int level;
	pte_t *e = pt_lookup(root, FRESH_VA, &level);
	KT_ASSERT(e);
	KT_EQ(level, 1);
	KT_EQ(*e & (PTE_W | PTE_NX | PTE_U | PTE_P), PTE_U | PTE_P);
	KT_EQ(pte_addr(*e), f);
	KT_EQ(pt_protect(root, FRESH_VA + PAGE_SIZE, PTE_U), 0);   /* unmapped: nothing */
	pt_destroy(root);
}

KTEST(pt_unmap_of_nothing_is_harmless)
{
	pte_t *root = pt_create_root();
	uint64_t tables = table_frames();
	KT_EQ(pt_unmap(root, FRESH_VA), 0);
	KT_EQ(table_frames(), tables);
	pt_destroy(root);
}

KTEST(pt_translate_through_huge_direct_map)
{
	paddr_t pa;
	KT_ASSERT(pt_translate(kernel_root, (uintptr_t)pa_to_kva(0x1234567), &pa));
	KT_EQ(pa, 0x1234567);
	int level;
	KT_ASSERT(pt_lookup(kernel_root, (uintptr_t)pa_to_kva(0x1234567), &level));
	KT_EQ(level, cpu_has_1g_pages ? 3 : 2);
}

KTEST(pt_kernel_half_is_shared)
{
	pte_t *root = pt_create_root();
	for (int i = PT_ENTRIES / 2; i < PT_ENTRIES; i++)
		KT_EQ(root[i], kernel_root[i]);
	for (int i = 0; i < PT_ENTRIES / 2; i++)
		KT_EQ(root[i], 0);
	pt_destroy(root);
}

/* On the live page tables: a mapping made with pt_map is usable at once,
 * and after pt_unmap (which flushes the TLB entry) the access faults. */
static void touch(void *va) { *(volatile uint64_t *)va = 0x1234; }

KTEST(pt_live_map_use_unmap_faults)
{
	uintptr_t va = 0xffffffffc0000000ul;   /* kernel half, unused: no SMAP rules apply */
	paddr_t f = frame_alloc_zeroed(FRAME_KHEAP);
	KT_EQ(pt_map(kernel_root, va, f, PTE_W | PTE_NX), 0);
	touch((void *)va);
	KT_EQ(*(uint64_t *)pa_to_kva(f), 0x1234);   /* same frame, seen through the direct map */
	pt_unmap(kernel_root, va);
	struct ktest_trap t;
	KT_ASSERT(ktest_expect_trap(touch, (void *)va, &t));
	KT_EQ(t.tf.vector, T_PF);
	KT_EQ(t.cr2, va);
	frame_put(f);
}

KTEST(pt_kernel_tables_have_no_user_bit)
{
	extern char __text_start[];
	struct pt_walk w;
	pt_walk(kernel_root, (uintptr_t)__text_start, 1, false, &w);
	KT_EQ(w.level, 1);
	for (int l = PT_LEVELS; l >= 1; l--)
		KT_EQ(*w.slot[l] & PTE_U, 0);
}

static void put_frame(paddr_t pa, pte_t old, void *arg)
{
	(void)old, (void)arg;
	frame_put(pa);
}

/* Tables come and go with their entries: after any mix of maps and unmaps,
 * no table is left empty and every count is exact. */
KTEST(pt_check_empty_tables_after_map_unmap)
{
	pte_t *root = pt_create_root();
	for (int i = 0; i < 4; i++)
		KT_EQ(pt_map(root, FRESH_VA + i * (2ul << 20), frame_alloc(FRAME_USER), PTE_U), 0);
	KT_ASSERT(pt_check_empty_tables(root, 0, USER_TOP));
	frame_put(pte_addr(pt_unmap(root, FRESH_VA)));
	frame_put(pte_addr(pt_unmap(root, FRESH_VA + (2ul << 20))));
	KT_ASSERT(pt_check_empty_tables(root, 0, USER_TOP));
	KT_EQ(pt_unmap_range(root, 0, USER_TOP, put_frame, NULL), 2);
	KT_ASSERT(pt_check_empty_tables(root, 0, USER_TOP));
	pt_destroy(root);
}

/* mremap's primitive: entries move (the same frames), the source's tables go,
 * including when the destination's table lies inside the source's span and
 * stays empty until the last entry moves (the order that could prune it). */
KTEST(pt_move_range_moves_entries_not_frames)
{
	uint64_t tables = table_frames(), free = frame_free_count();
	pte_t *root = pt_create_root();
	/* src sits 0x16a000 into its 2 MiB region R, which holds no source page;
	 * the last page's destination falls in R, so R's table is made in pass
	 * one, visited (empty) first in pass two, and filled last. */
	const uintptr_t src = FRESH_VA + (4ul << 20), dst = src - (3ul << 20) - 3 * PAGE_SIZE;
	paddr_t f[3];
	uintptr_t offs[3] = { 0x100000, 0x201000, 0x2a0000 };
	for (int i = 0; i < 3; i++) {
		f[i] = frame_alloc(FRAME_USER);
		KT_EQ(pt_map(root, src + offs[i], f[i], PTE_U | PTE_W), 0);
	}
	KT_EQ(pt_move_range(root, src, src + (3ul << 20), dst), 0);
	for (int i = 0; i < 3; i++) {
		paddr_t pa;
		KT_ASSERT(!pt_translate(root, src + offs[i], &pa));
		KT_ASSERT(pt_translate(root, dst + offs[i], &pa));
		KT_EQ(pa, f[i]);
		KT_EQ(pa_to_page(f[i])->refcount, 1);   /* moved, not copied or re-referenced */
	}
	KT_ASSERT(pt_check_empty_tables(root, 0, USER_TOP));
	pt_destroy(root);
	KT_EQ(table_frames(), tables);
	KT_EQ(frame_free_count(), free);
}

/* The fault path's second step without a second walk: a slot found by
 * pt_slot is used while no table was freed since; once one was (the slot's
 * own PT here), pt_map_slot walks again and builds the tables anew. */
KTEST(pt_map_slot_trusts_a_slot_only_while_no_table_was_freed)
{
	uint64_t tables = table_frames();
	pte_t *root = pt_create_root();
	paddr_t a = frame_alloc(FRAME_USER), b = frame_alloc(FRAME_USER), pa;
	KT_EQ(pt_map(root, FRESH_VA, a, PTE_U), 0);
	int level;
	pte_t *slot = pt_slot(root, FRESH_VA + PAGE_SIZE, &level);
	KT_ASSERT(slot && level == 1 && pte_none(*slot));
	uint64_t freed = pt_tables_freed;
	KT_EQ(pt_map_slot(root, FRESH_VA + PAGE_SIZE, slot, freed, b, PTE_U), 0);
	KT_EQ(pt_tables_freed, freed);
	KT_ASSERT(pt_translate(root, FRESH_VA + PAGE_SIZE, &pa) && pa == b);
	slot = pt_slot(root, FRESH_VA + 2 * PAGE_SIZE, &level);
	freed = pt_tables_freed;
	frame_put(pte_addr(pt_unmap(root, FRESH_VA)));
	frame_put(pte_addr(pt_unmap(root, FRESH_VA + PAGE_SIZE)));   /* the PT (and above) go */
	KT_ASSERT(pt_tables_freed > freed);
	KT_EQ(table_frames(), tables + 1);
	b = frame_alloc(FRAME_USER);
	KT_EQ(pt_map_slot(root, FRESH_VA + 2 * PAGE_SIZE, slot, freed, b, PTE_U), 0);   /* stale: walks */
	KT_ASSERT(pt_translate(root, FRESH_VA + 2 * PAGE_SIZE, &pa) && pa == b);
	KT_EQ(table_frames(), tables + 4);
	KT_ASSERT(pt_check_empty_tables(root, 0, USER_TOP));
	pt_destroy(root);
	KT_EQ(table_frames(), tables);
}

/* The fault handler's leaf-table hint: a walk that finds a PT remembers it,
 * the next address in the same 2 MiB region gets its slot without a walk,
 * another region or a freed table anywhere (the hint's own PT here) makes
 * it walk again; no PT: NULL, and the hint is left as it was. */
KTEST(pt_slot_hinted_uses_the_hint_only_while_no_table_was_freed)
{
	pte_t *root = pt_create_root();
	struct pt_leaf_hint h = { 0 };
	int level;
	KT_ASSERT(pt_slot_hinted(root, FRESH_VA, &level, &h) == NULL && h.table == NULL);
	paddr_t a = frame_alloc(FRAME_USER), b = frame_alloc(FRAME_USER), pa;
	KT_EQ(pt_map(root, FRESH_VA, a, PTE_U), 0);
	uintptr_t va1 = FRESH_VA + PAGE_SIZE, va5 = FRESH_VA + 5 * PAGE_SIZE;
	pte_t *slot = pt_slot_hinted(root, va1, &level, &h);
	KT_ASSERT(slot && level == 1 && slot == pt_slot(root, va1, &level));
	KT_ASSERT(h.table == slot - pt_index(va1, 1) && h.region == FRESH_VA >> level_shift(2));
	h.table[pt_index(va5, 1)] = make_pte(b, PTE_P | PTE_U);   /* the hint's table is the tree's */
	KT_ASSERT(pt_translate(root, va5, &pa) && pa == b);
	h.table[pt_index(va5, 1)] = 0;
	KT_ASSERT(pt_slot_hinted(root, va5, &level, &h) == slot + 4 && level == 1);
	KT_ASSERT(pt_slot_hinted(root, FRESH_VA + level_size(2), &level, &h) == NULL);   /* another region: walked */
	KT_ASSERT(h.table == slot - pt_index(va1, 1));
	frame_put(pte_addr(pt_unmap(root, FRESH_VA)));   /* the PT (and above) go */
	KT_ASSERT(h.tables_freed != pt_tables_freed);
	KT_ASSERT(pt_slot_hinted(root, va1, &level, &h) == NULL);   /* stale: walked, none */
	frame_put(b);
	pt_destroy(root);
}

/* The copy-on-write copy's remap through the walk's slot: the same result
 * as pt_remap, and a NULL slot (no PT then) changes nothing. */
KTEST(pt_remap_slot_replaces_the_frame_in_place)
{
	pte_t *root = pt_create_root();
	paddr_t a = frame_alloc(FRAME_USER), b = frame_alloc(FRAME_USER), pa;
	KT_EQ(pt_remap_slot(root, FRESH_VA, NULL, pt_tables_freed, b, PTE_U), 0);
	KT_EQ(pt_map(root, FRESH_VA, a, PTE_U), 0);
	int level;
	pte_t *slot = pt_slot(root, FRESH_VA, &level);
	pte_t old = pt_remap_slot(root, FRESH_VA, slot, pt_tables_freed, b, PTE_U | PTE_W);
	KT_EQ(pte_addr(old), a);
	KT_ASSERT(pt_translate(root, FRESH_VA, &pa) && pa == b);
	KT_ASSERT(pt_get(root, FRESH_VA) & PTE_W);
	frame_put(a);
	pt_destroy(root);
}
