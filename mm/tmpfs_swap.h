/*
 * tmpfs pages in swap (mm/tmpfs_swap.c): the swap entries of a tmpfs
 * file's pages that reclaim pushed out of the page cache.
 */
#ifndef PAGODA_TMPFS_SWAP_H
#define PAGODA_TMPFS_SWAP_H

#include "pte.h"

struct inode;

/* tmpfs's address-space operations for regular files. writepage (reclaim
 * only: filemap_write_back skips swap-backed files) puts the page on a new
 * slot (any older slot of that index goes): 0, -ENOSPC (swap full or off),
 * -ENOMEM, -EIO. readpage brings page index back from its slot (the slot
 * goes), or leaves the zeroed frame for a page never written: 0, or -EIO
 * (the device failed: the data is lost; the reader gets EIO or SIGBUS).
 * Both sleep (the file's swap mutex, the disk). */
int tmpfs_writepage(struct inode *inode, uint64_t index, const void *kva);
int tmpfs_readpage(struct inode *inode, uint64_t index, void *kva);
/* The file shrinks to size bytes: slots of pages wholly past it go; a page
 * cut by size comes back into the cache first (so truncation zeroes its
 * tail). size 0 at the inode's end frees the store. Sleeps. */
void tmpfs_swap_truncate(struct inode *inode, uint64_t size);
uint64_t tmpfs_swap_pages(const struct inode *inode);   /* the file's pages in swap only (not cached) */
extern uint64_t tmpfs_swapped;   /* every tmpfs file's pages in swap (/proc/vmstat pagoda_tmpfs_swapped) */

/* swapoff (mm/swapon.c): bring every tmpfs page on area type back into the
 * page cache. 0, -ENOMEM or -EIO. Sleeps. */
long tmpfs_swap_unuse(unsigned type);
/* The slot audit (mm/audit.c): fn on every swap entry a tmpfs file holds. */
void tmpfs_swap_for_each(void (*fn)(uintptr_t va, pte_t *entry, void *arg), void *arg);

#endif
