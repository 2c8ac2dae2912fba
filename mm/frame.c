/*
 * Physical frames: one struct page per 4 KiB of RAM, and the free list.
 *
 *   frame_pages[] (in the direct map, placed in the first free RAM that fits)
 *   +-------+-------+-------+-------+----
 *   | pfn 0 | pfn 1 | pfn 2 | pfn 3 | ...      pa_to_page(pa) = &frame_pages[pa >> 12]
 *   +-------+-------+-------+-------+----
 *   free_list -> page <-> page <-> page        LIFO: the most recently freed frame,
 *                                              still warm in the cache, goes out first
 * Invariants (checked by frame_check(), under debug_vm at every reap):
 *   - stats.free + sum(stats.by_use[u] for u != FREE, RESERVED) == stats.total
 *   - stats.free and stats.by_use[] equal the counts of frame_pages[] by use
 *   - a page is on the free list  <=>  use == FRAME_FREE  <=>  refcount == 0 (for managed frames)
 *   - reserved frames (below 1 MiB, the kernel image, modules, frame_pages[] itself,
 *     holes in the memory map) are never on the free list and never freed;
 *   - under debug_vm nothing writes a free frame: one freed is filled with
 *     POISON_BYTE (PG_poisoned) and still is when handed out again; a write
 *     there (a use after free, or a stale TLB entry on another CPU: see
 *     mm/mmu_gather.c) panics at that allocation.
 *
 * Callers: the page-table code (tables), the fault handler and fork (user
 * frames, with refcounts for copy-on-write), kheap (slabs), kernel stacks.
 */
#include "frame.h"
#include "filemap.h"
#include "replace.h"
#include "vmscan.h"
#include "../kernel/exit_work.h"
#include "../kernel/debug.h"
#include "../kernel/multiboot2.h"
#include "../kernel/panic.h"
#include "../kernel/printk.h"
#include "../kernel/string.h"

extern char __kernel_end[];

struct page *frame_pages;
uint64_t frame_npages;                  /* entries in frame_pages[]: frames up to the highest usable RAM */
static struct page *free_list;
static struct frame_stats stats;

static const char *const use_names[FRAME_NUSES] = {
	"free", "reserved", "user", "page tables", "kernel heap", "kernel stacks",
};


paddr_t page_to_pa(const struct page *p)
{
	return (paddr_t)(p - frame_pages) << PAGE_SHIFT;
}

static void free_list_push(struct page *p)
{
	p->prev = NULL;
	p->next = free_list;
	if (free_list)
		free_list->prev = p;
	free_list = p;
}

static void free_list_unlink(struct page *p)
{
	if (p->prev)
		p->prev->next = p->next;
	else
		free_list = p->next;
	if (p->next)
		p->next->prev = p->prev;
	p->next = p->prev = NULL;
}

/* ---- boot-time intake of the memory map ---- */

static paddr_t highest_usable(void)
{
	paddr_t top = 0;
	for (int i = 0; i < boot_info.nmmap; i++) {
		const struct mb2_region *r = &boot_info.mmap[i];
		if (r->type == MB2_MMAP_AVAILABLE && r->base + r->length > top)
			top = r->base + r->length;
	}
	return top < DIRECT_MAP_MAX ? top : DIRECT_MAP_MAX;
}

static bool overlaps(paddr_t a, paddr_t a_end, paddr_t b, paddr_t b_end)
{
	return a < b_end && b < a_end;
}

/* Frames that must never be handed out (the page array is added once placed). */
static bool frame_is_reserved(paddr_t pa)
{
	paddr_t end = pa + PAGE_SIZE;
	if (pa < (1ul << 20))
		return true;   /* BIOS data, EBDA, VGA, option ROMs */
	if (overlaps(pa, end, 1ul << 20, kva_to_pa(__kernel_end)))
		return true;
	for (int i = 0; i < boot_info.nmodules; i++)
		if (overlaps(pa, end, page_round_down(boot_info.modules[i].start), page_round_up(boot_info.modules[i].end)))
			return true;
	if (frame_pages && overlaps(pa, end, kva_to_pa(frame_pages), page_round_up(kva_to_pa(frame_pages + frame_npages))))
		return true;
	return false;
}

/* The first available run of RAM, outside every reserved range, that holds frame_pages[]. */
static paddr_t place_page_array(size_t bytes)
{
	for (int i = 0; i < boot_info.nmmap; i++) {
		const struct mb2_region *r = &boot_info.mmap[i];
		if (r->type != MB2_MMAP_AVAILABLE)
			continue;
		for (paddr_t pa = page_round_up(r->base); pa + bytes <= r->base + r->length; pa += PAGE_SIZE) {
			paddr_t q = pa;
			while (q < pa + bytes && !frame_is_reserved(q))
				q += PAGE_SIZE;
			if (q >= pa + bytes)
				return pa;
			pa = q;   /* skip past the reserved frame */
		}
	}
	panic("no room for the page array (%lu bytes)", (uint64_t)bytes);
}

static void take_region(const struct mb2_region *r)
{
	paddr_t end = r->base + r->length;
	if (end > frame_npages << PAGE_SHIFT)
		end = frame_npages << PAGE_SHIFT;
	for (paddr_t pa = page_round_down(end); pa > page_round_up(r->base);) {   /* top down (frame_init) */
		pa -= PAGE_SIZE;
		struct page *p = &frame_pages[pa >> PAGE_SHIFT];
		if (frame_is_reserved(pa) || p->use == FRAME_FREE)
			continue;
		p->use = FRAME_FREE;
		p->refcount = 0;
		free_list_push(p);
		stats.total++;
		stats.free++;
	}
}

void frame_init(void)
{
	frame_npages = highest_usable() >> PAGE_SHIFT;
	size_t bytes = page_round_up(frame_npages * sizeof(struct page));
	frame_pages = pa_to_kva(place_page_array(bytes));
	for (uint64_t i = 0; i < frame_npages; i++)
		frame_pages[i] = (struct page){ .use = FRAME_RESERVED };
	/* Top down, so the free list (LIFO) hands out the lowest frames first:
	 * the boot's own tables map only the first 1 GiB until kmap_init has
	 * built the direct map (with more RAM, a higher frame would not be
	 * reachable yet), and the high memory left alone keeps its 2 MiB runs
	 * for mm/huge_page.c. */
	for (int i = boot_info.nmmap - 1; i >= 0; i--)
		if (boot_info.mmap[i].type == MB2_MMAP_AVAILABLE)
			take_region(&boot_info.mmap[i]);
}

/* ---- allocation: the fast path pops the free list ---- */

enum { RECLAIM_BATCH = 32 };

/* Under debug_vm: the frame must be as frame_put left it. */
static void check_poison(struct page *p)
{
	if (!(p->flags & PG_poisoned))
		return;
	const uint64_t *w = pa_to_kva(page_to_pa(p));
	for (unsigned i = 0; i < PAGE_SIZE / sizeof(*w); i++)
		if (w[i] != POISON_BYTE * 0x0101010101010101ull)
			panic("frame_alloc: free frame %lx was written at offset %#x (a use after free or a stale TLB entry)",
			      page_to_pa(p), i * 8);
}

static void account(struct page *p, enum frame_use use)
{
	check_poison(p);
	p->use = use;
	p->refcount = 1;
	p->count = 0;
	p->slab_class = 0;
	p->slab_free = NULL;
	p->flags = 0;
	stats.free--;
	stats.by_use[use]++;
	if (stats.free < reclaim_stat.low_watermark)
		set_global_work(WORK_RECLAIM);   /* the syscall's end wakes kswapd (kernel/exit_work.h) */
}

paddr_t frame_alloc(enum frame_use use)
{
	struct page *p = free_list;
	if (!p && filemap_reclaim(RECLAIM_BATCH))   /* memory pressure: drop clean cached pages */
		p = free_list;
	if (!p)
		return 0;
	free_list_unlink(p);
	account(p, use);
	return page_to_pa(p);
}

paddr_t frame_alloc_zeroed(enum frame_use use)
{
	paddr_t pa = frame_alloc(use);
	if (pa)
		page_zero(pa_to_kva(pa));
	return pa;
}

/* Where the last contiguous run ended: the next search starts there (next
 * fit), so the reserved frames low in memory (the kernel, the ramdisk QEMU's
 * -kernel puts right above it) are passed once, not at every fork's kernel
 * stack. Lock: as the free list (one CPU, interrupts off). */
static uint64_t contig_cursor;

static const uint64_t NO_RUN = ~0ull;   /* find_free_run found none */

/* The first index of n free frames in a row within [from, to), or NO_RUN. */
static uint64_t find_free_run(uint64_t from, uint64_t to, size_t n)
{
	uint64_t run = 0;
	for (uint64_t i = from; i < to; i++) {
		run = frame_pages[i].use == FRAME_FREE ? run + 1 : 0;
		if (run == n)
			return i + 1 - n;
	}
	return NO_RUN;
}

/* Slow path for the few callers that need physically contiguous memory:
 * a scan of frame_pages[] for n free frames in a row, from the cursor to
 * the end, then (wrapping) from the start. */
paddr_t frame_alloc_contig(size_t n, enum frame_use use)
{
	uint64_t first = find_free_run(contig_cursor, frame_npages, n);
	if (first == NO_RUN)
		first = find_free_run(0, frame_npages, n);
	if (first == NO_RUN)
		return 0;
	for (uint64_t k = first; k < first + n; k++) {
		free_list_unlink(&frame_pages[k]);
		account(&frame_pages[k], use);
	}
	contig_cursor = first + n;
	return (paddr_t)first << PAGE_SHIFT;
}

/* An aligned run (a 2 MiB page at order 9): the first index of 2^order
 * free frames starting at a multiple of 2^order, or NO_RUN. A block stops
 * at its first used frame, so a fragmented memory costs one look per
 * block. */
static uint64_t find_free_block(unsigned order)
{
	uint64_t n = 1ull << order;
	for (uint64_t first = 0; first + n <= frame_npages; first += n) {
		uint64_t k = first;
		while (k < first + n && frame_pages[k].use == FRAME_FREE)
			k++;
		if (k == first + n)
			return first;
	}
	return NO_RUN;
}

paddr_t frame_alloc_order(unsigned order, enum frame_use use)
{
	uint64_t first = find_free_block(order);
	if (first == NO_RUN)
		return 0;
	for (uint64_t k = first; k < first + (1ull << order); k++) {
		free_list_unlink(&frame_pages[k]);
		account(&frame_pages[k], use);
	}
	return (paddr_t)first << PAGE_SHIFT;
}

void frame_put(paddr_t pa)
{
	struct page *p = pa_to_page(pa);
	if (p->use == FRAME_RESERVED)
		panic("frame_put: frame %lx is reserved (kernel, module or BIOS memory)", pa);
	if (p->use == FRAME_FREE || p->refcount == 0)
		panic("frame_put: double free of frame %lx", pa);
	if (--p->refcount)
		return;
	if (p->flags & PG_lru)
		replace_page_removed(p);   /* the policy forgets a page that no longer exists */
	kassert(!(p->flags & (PG_swapcache | PG_locked)) && !p->pins);
	p->flags = 0;
	stats.by_use[p->use]--;
	stats.free++;
	p->use = FRAME_FREE;
	if (debug_vm) {
		memset(pa_to_kva(pa), POISON_BYTE, PAGE_SIZE);   /* junk: catches use after free */
		p->flags = PG_poisoned;
	}
	free_list_push(p);
}

/* ---- counters ---- */

void frame_get_stats(struct frame_stats *s)
{
	*s = stats;
}

uint64_t frame_free_count(void)
{
	return stats.free;
}

const char *frame_use_name(unsigned use)
{
	return use < FRAME_NUSES ? use_names[use] : "?";
}

paddr_t frame_max_pa(void)
{
	return frame_npages << PAGE_SHIFT;
}

void frame_print_stats(void)
{
	pr_info("frames: %lu total (%lu MiB), %lu free", stats.total, stats.total >> 8, stats.free);
	for (int u = FRAME_USER; u < FRAME_NUSES; u++)
		pr_info(", %lu %s", stats.by_use[u], use_names[u]);
	pr_info("\n");
}

/* ---- frame_check: the invariants above, checked whole ---- */

static bool check_fail(const char *what, paddr_t pa, uint64_t a, uint64_t b)
{
	printk("frame_check: %s (frame %lx: %lu vs %lu)\n", what, pa, a, b);
	return false;
}

/* Every page on the free list is free, unreferenced and linked both ways;
 * the list holds stats.free pages. */
static bool free_list_ok(void)
{
	uint64_t n = 0;
	for (struct page *p = free_list; p; p = p->next, n++) {
		if (p->use != FRAME_FREE || p->refcount)
			return check_fail("free-list page in use or referenced", page_to_pa(p), p->use, p->refcount);
		if (p->next && p->next->prev != p)
			return check_fail("free-list links disagree", page_to_pa(p), 0, 0);
		if (n > stats.free)
			break;
	}
	return n == stats.free || check_fail("free list length != free count", 0, n, stats.free);
}

/* frame_pages[] counted by use agrees with the counters; no page is free with a
 * reference or in use without one. */
static bool page_array_ok(void)
{
	uint64_t by_use[FRAME_NUSES] = { 0 };
	for (uint64_t i = 0; i < frame_npages; i++) {
		const struct page *p = &frame_pages[i];
		by_use[p->use < FRAME_NUSES ? p->use : FRAME_RESERVED]++;
		if (p->use == FRAME_FREE && p->refcount)
			return check_fail("free frame has a reference", i << PAGE_SHIFT, p->refcount, 0);
		if (p->use != FRAME_FREE && p->use != FRAME_RESERVED && !p->refcount)
			return check_fail("frame in use has refcount 0", i << PAGE_SHIFT, p->use, 0);
	}
	uint64_t used = 0;
	for (int u = FRAME_USER; u < FRAME_NUSES; u++) {
		if (by_use[u] != stats.by_use[u])
			return check_fail("frames of one use != its counter", 0, by_use[u], stats.by_use[u]);
		used += by_use[u];
	}
	if (by_use[FRAME_FREE] != stats.free)
		return check_fail("free frames != free counter", 0, by_use[FRAME_FREE], stats.free);
	return stats.free + used == stats.total || check_fail("free + used != total", 0, stats.free + used, stats.total);
}

bool frame_check(void)
{
	return free_list_ok() && page_array_ok();
}
