/*
 * Swap space (mm/swapfile.c): the swap device and its slots.
 */
#ifndef PAGODA_SWAPFILE_H
#define PAGODA_SWAPFILE_H

#include "pte.h"

struct block_device;

#define SWAP_HAS_CACHE 0x8000u   /* swap_map: the swap cache holds a page for this slot */
#define SWAP_MAP_BAD 0x7fffu     /* swap_map: never handed out (the header, a bad page) */
#define SWAP_MAP_MAX 0x7ffeu     /* most references one slot can hold */

#define MAX_SWAPFILES 8            /* areas on at once (Linux: 32 less its special types) */
#define SWAP_FLAG_PREFER 0x8000    /* swapon(2) flags: use the priority in the low bits */
#define SWAP_FLAG_PRIO_MASK 0x7fff
#define SWAP_NAME_MAX 64           /* an area's name: /dev/vdb, /mnt/swapfile */

/* Boot: enable the first disk carrying a Linux swap signature (mkswap's
 * header: "SWAPSPACE2" at the end of page 0, version 1). One log line. */
void swap_boot(void);

struct file;

/* Enable bdev as a swap area, named /dev/NAME, with swapon's flags (a
 * priority with SWAP_FLAG_PREFER, else the next automatic one): 0, -EINVAL
 * (no valid header), -EBUSY (bdev is an area already), -EPERM
 * (MAX_SWAPFILES areas are on), -ENOMEM, -EIO. */
int swap_on(struct block_device *bdev, int flags);
/* Enable a regular file as a swap area, named name: its pages are mapped to
 * disk sectors once now (a_ops->bmap: -EINVAL for a hole, as Linux); it
 * keeps a reference on f and marks its inode S_SWAPFILE. 0, -EINVAL,
 * -EBUSY (f is an area already), -EPERM, -ENOMEM, -EIO. */
int swap_on_file(struct file *f, const char *name, int flags);
/* swapoff's steps (mm/swapon.c), by area type: the area of the file with
 * inode, or of disk bdev itself when inode is NULL (-1 if none); stop handing out its slots (and count none of its space); its
 * slots in use; wait for one page under I/O that alone holds one of its
 * slots (0, or -EBUSY when there is none); the area gone (no slot in use):
 * its file, for the caller to fput, or NULL. */
struct inode;
int swap_find(const struct block_device *bdev, const struct inode *inode);
void swap_set_writeok(int type, bool ok);
uint64_t swap_inuse(int type);
long swap_wait_cached(int type);
struct file *swap_off(int type);
/* /proc/swaps: area type's line, false if the type is free. */
struct swap_area_info {
	const char *name;
	bool is_file;
	uint64_t pages, inuse;
	int prio;
};
bool swap_get_info(int type, struct swap_area_info *out);
bool swap_enabled(void);                           /* is any area on? */
bool swap_uses(const struct block_device *bdev);   /* is bdev itself (not a file on it) an area? */

/* A free slot for a page being evicted, marked SWAP_HAS_CACHE with no
 * reference yet (the swap cache takes the page before any PTE names the
 * slot), from the area priority and turn pick (swapfile.c). Next-fit from
 * that area's last slot handed out, so sequential evictions write
 * sequential slots (clustering). 0 when swap is full or off. */
pte_t get_swap_page(void);
/* One more PTE names swp (fork, reclaim unmapping one more PTE). */
void swap_duplicate(pte_t swp);
/* One PTE no longer names swp; the slot is freed (or its cached page let
 * go: swap_state.c) when no PTE and no cached page remain. */
void swap_free(pte_t swp);
/* The swap cache let go of swp's page: clear SWAP_HAS_CACHE; frees the
 * slot if no PTE names it. */
void swapcache_free(pte_t swp);
/* The swap cache is about to hold a page for swp (a swap-in): set
 * SWAP_HAS_CACHE. swp must have references. */
void swapcache_prepare(pte_t swp);
unsigned swap_count(pte_t swp);   /* PTEs naming swp */
/* Does any PTE name swp? Any entry may be asked (a free or bad slot, an
 * offset past the end: false), as readahead asks of a fault's neighbours. */
bool swap_slot_named(pte_t swp);

/* Page I/O with the device (sleeps): 0 or -EIO. */
int swap_readpage(pte_t swp, paddr_t pa);
int swap_writepage(pte_t swp, paddr_t pa);

/* Slots in pages: usable in all, free now. */
uint64_t total_swap_pages(void);
uint64_t nr_swap_pages(void);
/* Slots area type has (slot 0 included; 0 if off): the bound of its audit. */
uint64_t swap_max_slots(int type);
/* The slot audit of area type (mm/audit.c): refs[offset] counted swap
 * entries of that type in every page table and shared object; each slot's
 * reference count must equal it, SWAP_HAS_CACHE must be set exactly where
 * the swap cache holds a page, and a slot with neither must be free.
 * Prints the first 8 differences; how many. */
int swap_audit(int type, const uint32_t *refs);

struct swap_counters {
	uint64_t pswpin, pswpout;        /* pages read from / written to swap */
	uint64_t read_errors, write_errors;
	uint64_t test_fail_reads;        /* ktests and tests: fail the next N reads (disk error) */
};
extern struct swap_counters swap_stat;

#endif
