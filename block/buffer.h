#ifndef PAGODA_BUFFER_H
#define PAGODA_BUFFER_H
#include "blkdev.h"

/* One cached block of a disk (Linux: struct buffer_head). A caller holds a
 * reference from bread/getblk until brelse, and may read and change data
 * in between; a change is written back after mark_buffer_dirty. */
struct buffer_head {
	struct block_device *bdev;
	uint64_t blocknr;              /* in units of size */
	uint32_t size;                 /* bytes: 512 .. 4096 */
	uint32_t count;                /* references held */
	bool uptodate;                 /* data holds the disk's contents (or newer) */
	bool dirty;                    /* data is newer than the disk */
	bool io_busy;                  /* a read or write is in flight */
	char *data;
	struct buffer_head *hash_next;
	struct buffer_head *lru_prev, *lru_next;
};

/* The block, read from disk if it is not cached; NULL on an I/O error or
 * when memory is exhausted. */
struct buffer_head *bread(struct block_device *bdev, uint64_t block, uint32_t size);
/* The block without reading it, for a caller that overwrites all of it:
 * zero-filled and uptodate when it was not cached. NULL on ENOMEM. */
struct buffer_head *getblk(struct block_device *bdev, uint64_t block, uint32_t size);
void brelse(struct buffer_head *bh);             /* NULL is fine */
void mark_buffer_dirty(struct buffer_head *bh);
int sync_dirty_buffer(struct buffer_head *bh);  /* write it now if dirty: 0 or -EIO */
/* The block was freed: forget its cached copy, dirty or not, so a stale
 * copy is never written over the block's next use. */
void bforget(struct block_device *bdev, uint64_t block, uint32_t size);
/* Write every dirty buffer of bdev, then flush the disk's cache. */
int sync_blockdev(struct block_device *bdev);
/* Forget every unreferenced buffer of bdev (dirty ones are written first).
 * Returns how many buffers of bdev are still referenced (0 when done). */
int invalidate_bdev(struct block_device *bdev);

struct buffer_stats {
	uint64_t buffers, dirty, hits, misses, writes, evictions;
};
void buffer_get_stats(struct buffer_stats *s);

#endif
