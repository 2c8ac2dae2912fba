#ifndef PAGODA_FRAME_H
#define PAGODA_FRAME_H

#include "layout.h"
#include "../kernel/panic.h"

struct shm_object;
struct mm;

/* What a frame is used for; kept in struct page so counters stay exact. */
enum frame_use {
	FRAME_FREE = 0,
	FRAME_RESERVED,   /* kernel image, modules, BIOS, the page array: never allocated */
	FRAME_USER,       /* mapped into a user address space */
	FRAME_PAGETABLE,  /* a PML4, PDPT, PD or PT */
	FRAME_KHEAP,      /* kmalloc slabs and large kmalloc runs */
	FRAME_KSTACK,     /* kernel stacks */
	FRAME_NUSES,
};

/*
 * One per physical frame (Linux: struct page). refcount counts the mappings
 * and kernel references that keep the frame alive; the last frame_put()
 * frees it. An anonymous user page also carries its reverse-mapping key
 * (mm/rmap.c), its place on the replacement policy's lists (mm/replace.h)
 * and, while in the swap cache, its swap slot (mm/swap_state.c).
 */
struct page {
	uint32_t refcount;
	uint8_t use;          /* enum frame_use */
	uint8_t slab_class;   /* kheap: size class of a slab frame; 0xff = large run head */
	uint8_t age;          /* PG_lru: a policy's use count (gclock: 0..GCLOCK_AGE_MAX) */
	uint32_t count;       /* page table: entries in use (present or swap); slab: objects in use; run: length */
	struct page *next, *prev;   /* free list, the kheap's partial-slab list, or a file's cached pages */
	union {
		void *slab_free;      /* kheap: first free object in this slab */
		struct mm *root_mm;   /* a page-table root: its address space (mm/tlbflush.c) */
	};
	struct address_space *mapping;   /* page cache: the file this frame caches (it holds one reference) */
	uint64_t index;       /* page cache: page number in that file */
	struct page *hash_next;   /* page cache: lookup chain */
	uint32_t flags;       /* PG_dirty, PG_anon, ... */
	uint32_t anon_id;     /* PG_anon: the fork family of the address spaces that may map it (rmap.c) */
	uintptr_t rmap_va;    /* PG_anon: the user address it is mapped at in that family */
	struct page *lru_next, *lru_prev;   /* PG_lru: the replacement policy's list (replace.h) */
	uint64_t swap_entry;  /* PG_swapcache: the swap entry (pte.h format) whose data it holds */
	uint32_t pins;        /* references held across a sleep by swap I/O: the reclaimer's, a
	                         fault's waiting for the page (swap_state.c); frame_audit allows them */
	struct shm_object *shm;   /* PG_shmem: the shared object holding it, at index (shmem.c) */
	paddr_t huge_deposit;   /* first frame of a 2 MiB page mapped by one PD entry: the page
	                           table kept for its split (mm/pagetable.c pt_split_huge), else 0 */
};

#define PG_dirty 0x1      /* page cache: newer than the file's store */
#define PG_anon 0x2       /* a private anonymous page: evictable to swap, found through rmap.c */
#define PG_lru 0x4        /* on the replacement policy's lists (replace.c) */
#define PG_active 0x8     /* a policy's own mark (lru2: on the active list) */
#define PG_referenced 0x10   /* a policy's own mark (second chance) */
#define PG_swapcache 0x20 /* in the swap cache: holds one reference, keyed by swap_entry */
#define PG_locked 0x40    /* swap I/O in flight (read or write): waiters sleep on the page */
#define PG_shmem 0x80     /* a page of a shared anonymous object (shmem.c): evictable to swap */
#define PG_young 0x100     /* an accessed bit the working-set sampler cleared, not yet seen by the policy */
#define PG_workingset 0x200   /* a refault found it evicted recently: lru2 puts it straight on the active list */
#define PG_readahead 0x400    /* read ahead into the swap cache, not mapped since (swap_readahead.c) */
#define PG_poisoned 0x8000    /* free, filled with POISON_BYTE under debug_vm: checked when handed out */

void frame_init(void);
void frame_print_stats(void);

/* Returns a frame with refcount 1 (owned by the caller), or 0 when memory is
 * exhausted. Contents are undefined unless _zeroed. */
paddr_t frame_alloc(enum frame_use use);
paddr_t frame_alloc_zeroed(enum frame_use use);
/* n physically contiguous frames, each with refcount 1; 0 if no such run. */
paddr_t frame_alloc_contig(size_t n, enum frame_use use);

/* 2^order frames in a row starting at a multiple of 2^order frames (order
 * 9: a 2 MiB page, mm/huge_page.c), each with refcount 1, as if allocated
 * one by one: each is freed by its own last frame_put. 0 if no such block
 * is free; nothing is reclaimed for it (the caller falls back to single
 * frames). O(frames / 2^order) probes. */
paddr_t frame_alloc_order(unsigned order, enum frame_use use);

void frame_put(paddr_t pa);   /* drop one; frees the frame at zero */

paddr_t page_to_pa(const struct page *p);

extern struct page *frame_pages;   /* one per frame (mm/frame.c); for the inlines below only */
extern uint64_t frame_npages;      /* entries in frame_pages[] */

/* The struct page of the frame at pa. Inline: every fault asks it. */
static inline struct page *pa_to_page(paddr_t pa)
{
	kassert((pa >> PAGE_SHIFT) < frame_npages);
	return &frame_pages[pa >> PAGE_SHIFT];
}

/* One more reference. Inline: fork takes one per page it shares. */
static inline void frame_get(paddr_t pa)
{
	struct page *p = &frame_pages[pa >> PAGE_SHIFT];
	kassert(p->use != FRAME_FREE && p->use != FRAME_RESERVED);
	p->refcount++;
}

struct frame_stats {
	uint64_t total;              /* frames managed (usable RAM above the kernel) */
	uint64_t free;
	uint64_t by_use[FRAME_NUSES];
};
void frame_get_stats(struct frame_stats *s);
uint64_t frame_free_count(void);
const char *frame_use_name(unsigned use);   /* "free", "user", "page tables", ... */
paddr_t frame_max_pa(void);     /* end of the highest usable RAM */
/* Check the allocator's invariants (mm/frame.c's header) over every frame;
 * prints the first violation and returns false. O(frames): debug_vm only. */
bool frame_check(void);

#endif
