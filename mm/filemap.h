/*
 * The page cache (mm/filemap.c): one frame per (file, page index), shared
 * by read(), write() and every mapping of the file.
 */
#ifndef PAGODA_FILEMAP_H
#define PAGODA_FILEMAP_H

#include "frame.h"
#include "../fs/vfs.h"

struct pagecache_counters {
	uint64_t hits, misses;        /* lookups that found the page / had to read it */
	uint64_t pages_read;          /* readpage calls (pgpgin) */
	uint64_t pages_written;       /* writepage calls (pgpgout) */
	uint64_t nr_pages, nr_dirty;  /* pages cached now, dirty now */
	uint64_t nr_shmem;            /* of them, tmpfs pages (meminfo Shmem) */
	uint64_t dropped;             /* clean pages given back under pressure */
	uint64_t throttled;           /* writers that wrote their file back: too many dirty pages */
};
extern struct pagecache_counters pagecache_stat;

/* The frame caching index of m, read in on a miss; one reference for the
 * caller (frame_put when done). 0 with *err set (-ENOMEM, -EIO). *hit says
 * whether it was cached already (may be NULL). */
paddr_t filemap_get_page(struct address_space *m, uint64_t index, bool *hit, int *err);
/* The frame caching index of m if cached (no new reference), or 0. */
paddr_t filemap_find_page(struct address_space *m, uint64_t index);
void set_page_dirty(paddr_t pa);
/* Write back every dirty page of m (after collecting dirty bits from its
 * shared mappings). 0, or the first error, which ends it: the page that
 * failed and those not reached stay dirty (never dropped as clean). */
int filemap_write_back(struct address_space *m);
/* Remove pages from byte offset `from` on: from every mapping, then from
 * the cache; the page holding `from` keeps its head and has its tail zeroed. */
void truncate_inode_pages(struct address_space *m, uint64_t from);
/* Give back up to n clean, unmapped cache pages (memory pressure); how many. */
uint64_t filemap_reclaim(uint64_t n);
/* Up to max cache pages that processes map or that are dirty, and whose
 * file can take them back (a store to re-read from; writepage if dirty),
 * from where the last call stopped (a clock hand over the cache); each
 * pinned for the caller (swap_page_pin: a reference held across a sleep;
 * swap_page_unpin drops it). Reclaim (vmscan.c) unmaps them through rmap. */
size_t filemap_isolate(struct page **out, size_t max);
/* p (isolated above, now unmapped everywhere, referenced by the caller):
 * written back if dirty and may_write (sleeps; takes the file system's
 * mutex), then dropped from the cache if nothing else took it meanwhile.
 * true when the caller's unpin frees it. A dirty page without may_write
 * stays cached (the flusher or kswapd writes it). */
bool filemap_evict_unmapped(struct page *p, bool may_write);
/* Clean cache pages nothing maps: what reclaim could give back now. */
uint64_t filemap_reclaimable(void);
/* Write back every dirty page in the system (sync, the periodic flusher). */
void filemap_sync_all(void);

/* Bytes of a file into a kernel buffer (exec); count or -errno. */
long filemap_read_kernel(struct inode *inode, void *buf, size_t n, uint64_t pos);

/* The area list of a file (address_space.i_mmap): areas join at mmap, split
 * and fork, and leave when freed. */
void mapping_add_vma(struct address_space *m, struct vma *v);
void mapping_remove_vma(struct address_space *m, struct vma *v);

#endif
