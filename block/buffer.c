/*
 * The buffer cache: recently used disk blocks in memory, for filesystem
 * metadata (superblocks, bitmaps, inode tables, directories, indirect
 * blocks). File data lives in the page cache instead (mm/filemap.c).
 *
 *   hash[(bdev, blocknr) % NHASH] -> bh -> bh ...   find a block
 *   lru: head (most recently released) <-> ... <-> tail (evicted first)
 *
 * Every buffer is in one hash chain and on the LRU list.
 * Always true: at most one buffer per (bdev, blocknr, size); nbuffers <=
 * BUFFER_MAX unless every buffer is referenced; a buffer with count > 0 or
 * io_busy is never evicted or freed; a dirty buffer is written before it is
 * evicted; data is valid for callers only when uptodate.
 * Lock: bcache_lock guards the hash, the list, and each buffer's count and
 * flags; it is never held across disk I/O (io_busy marks a buffer whose
 * I/O is in flight, and others wait for it by sleeping on the buffer).
 */
#include "buffer.h"
#include "../kernel/errno.h"
#include "../kernel/printk.h"
#include "../kernel/proc.h"
#include "../kernel/spinlock.h"
#include "../kernel/string.h"
#include "../kernel/x86.h"
#include "../mm/kheap.h"

enum { NHASH = 128, BUFFER_MAX = 1024 };

static struct buffer_head *hash[NHASH];
static struct buffer_head *lru_head, *lru_tail;
static struct spinlock bcache_lock = SPINLOCK_INIT("bcache");
static struct buffer_stats stats;

static unsigned hash_of(struct block_device *bdev, uint64_t block)
{
	return ((uintptr_t)bdev / 64 + block * 2654435761u) % NHASH;
}

/* ---- the LRU list and the hash (bcache_lock held) ------------------------- */

static void lru_unlink(struct buffer_head *bh)
{
	*(bh->lru_prev ? &bh->lru_prev->lru_next : &lru_head) = bh->lru_next;
	*(bh->lru_next ? &bh->lru_next->lru_prev : &lru_tail) = bh->lru_prev;
}

static void lru_push_head(struct buffer_head *bh)
{
	bh->lru_prev = NULL;
	bh->lru_next = lru_head;
	*(lru_head ? &lru_head->lru_prev : &lru_tail) = bh;
	lru_head = bh;
}

static struct buffer_head *hash_find(struct block_device *bdev, uint64_t block, uint32_t size)
{
	struct buffer_head *bh = hash[hash_of(bdev, block)];
	while (bh && !(bh->bdev == bdev && bh->blocknr == block && bh->size == size))
		bh = bh->hash_next;
	return bh;
}

static void hash_unlink(struct buffer_head *bh)
{
	struct buffer_head **p = &hash[hash_of(bh->bdev, bh->blocknr)];
	while (*p != bh)
		p = &(*p)->hash_next;
	*p = bh->hash_next;
}

static void buffer_free(struct buffer_head *bh)
{
	hash_unlink(bh);
	lru_unlink(bh);
	stats.buffers--;
	if (bh->dirty)
		stats.dirty--;
	kfree(bh->data);
	kfree(bh);
}

/* Drop clean, idle buffers from the tail until under the limit. Dirty ones
 * stay (a sync or invalidate writes them). */
static void evict_some(void)
{
	struct buffer_head *bh = lru_tail;
	while (bh && stats.buffers >= BUFFER_MAX) {
		struct buffer_head *prev = bh->lru_prev;
		if (!bh->count && !bh->io_busy && !bh->dirty) {
			buffer_free(bh);
			stats.evictions++;
		}
		bh = prev;
	}
}

static struct buffer_head *buffer_new(struct block_device *bdev, uint64_t block, uint32_t size)
{
	struct buffer_head *bh = kzalloc(sizeof(*bh));
	char *data = bh ? kmalloc(size) : NULL;
	if (!data) {
		kfree(bh);
		return NULL;
	}
	*bh = (struct buffer_head){ .bdev = bdev, .blocknr = block, .size = size, .count = 1, .data = data };
	unsigned h = hash_of(bdev, block);
	bh->hash_next = hash[h];
	hash[h] = bh;
	lru_push_head(bh);
	stats.buffers++;
	return bh;
}

/* ---- waiting for I/O ------------------------------------------------------ */

static void wait_on_buffer(struct buffer_head *bh)
{
	while (bh->io_busy) {
		spin_unlock(&bcache_lock);
		sleep_on(bh, 0);
		spin_lock(&bcache_lock);
	}
}

/* Read bh's block from disk; bh is referenced by the caller, io_busy set. */
static void read_buffer(struct buffer_head *bh)
{
	spin_unlock(&bcache_lock);
	int err = blkdev_read_block(bh->bdev, bh->blocknr, bh->size, bh->data);
	spin_lock(&bcache_lock);
	bh->uptodate = !err;
	bh->io_busy = false;
	wakeup(bh);
}

/* A referenced buffer for the block, cached or new (not read). */
static struct buffer_head *buffer_get(struct block_device *bdev, uint64_t block, uint32_t size)
{
	struct buffer_head *bh = hash_find(bdev, block, size);
	if (bh) {
		bh->count++;
		stats.hits++;
		wait_on_buffer(bh);
		return bh;
	}
	stats.misses++;
	evict_some();
	return buffer_new(bdev, block, size);
}

struct buffer_head *bread(struct block_device *bdev, uint64_t block, uint32_t size)
{
	spin_lock(&bcache_lock);
	struct buffer_head *bh = buffer_get(bdev, block, size);
	if (bh && !bh->uptodate) {
		bh->io_busy = true;
		read_buffer(bh);
		if (!bh->uptodate) {
			bh->count--;
			bh = NULL;
		}
	}
	spin_unlock(&bcache_lock);
	return bh;
}

struct buffer_head *getblk(struct block_device *bdev, uint64_t block, uint32_t size)
{
	spin_lock(&bcache_lock);
	struct buffer_head *bh = buffer_get(bdev, block, size);
	if (bh && !bh->uptodate) {
		memset(bh->data, 0, size);
		bh->uptodate = true;
	}
	spin_unlock(&bcache_lock);
	return bh;
}

void brelse(struct buffer_head *bh)
{
	if (!bh)
		return;
	spin_lock(&bcache_lock);
	kassert(bh->count > 0);
	if (--bh->count == 0) {
		lru_unlink(bh);
		lru_push_head(bh);
	}
	spin_unlock(&bcache_lock);
}

void mark_buffer_dirty(struct buffer_head *bh)
{
	spin_lock(&bcache_lock);
	if (!bh->dirty)
		stats.dirty++;
	bh->dirty = true;
	spin_unlock(&bcache_lock);
}

/* Write bh if dirty. bcache_lock held; the caller holds a reference. */
static int write_buffer(struct buffer_head *bh)
{
	wait_on_buffer(bh);
	if (!bh->dirty)
		return 0;
	bh->dirty = false;
	stats.dirty--;
	bh->io_busy = true;
	spin_unlock(&bcache_lock);
	int err = blkdev_write_block(bh->bdev, bh->blocknr, bh->size, bh->data);
	spin_lock(&bcache_lock);
	bh->io_busy = false;
	stats.writes++;
	if (err && !bh->dirty) {
		bh->dirty = true;   /* still newer than the disk */
		stats.dirty++;
	}
	wakeup(bh);
	return err;
}

int sync_dirty_buffer(struct buffer_head *bh)
{
	spin_lock(&bcache_lock);
	int err = write_buffer(bh);
	spin_unlock(&bcache_lock);
	return err;
}

void bforget(struct block_device *bdev, uint64_t block, uint32_t size)
{
	spin_lock(&bcache_lock);
	struct buffer_head *bh = hash_find(bdev, block, size);
	if (bh && !bh->count && !bh->io_busy) {
		buffer_free(bh);
	} else if (bh && bh->dirty) {
		bh->dirty = false;   /* held or in flight: at least it will not be written again */
		stats.dirty--;
	}
	spin_unlock(&bcache_lock);
}

/* The next dirty buffer of bdev, referenced; NULL when none is left. */
static struct buffer_head *next_dirty(struct block_device *bdev)
{
	for (struct buffer_head *bh = lru_head; bh; bh = bh->lru_next)
		if (bh->bdev == bdev && bh->dirty && !bh->io_busy) {
			bh->count++;
			return bh;
		}
	return NULL;
}

int sync_blockdev(struct block_device *bdev)
{
	int err = 0;
	spin_lock(&bcache_lock);
	struct buffer_head *bh;
	while ((bh = next_dirty(bdev))) {
		int e = write_buffer(bh);
		bh->count--;
		if (e) {
			err = e;
			break;   /* the disk fails: do not spin on a buffer that stays dirty */
		}
	}
	spin_unlock(&bcache_lock);
	int ferr = blkdev_flush(bdev);
	return err ? err : ferr;
}

int invalidate_bdev(struct block_device *bdev)
{
	sync_blockdev(bdev);
	int busy = 0;
	spin_lock(&bcache_lock);
	struct buffer_head *bh = lru_head;
	while (bh) {
		struct buffer_head *next = bh->lru_next;
		if (bh->bdev == bdev) {
			if (bh->count || bh->io_busy)
				busy++;
			else
				buffer_free(bh);   /* a dirty one left here could not be written */
		}
		bh = next;
	}
	spin_unlock(&bcache_lock);
	return busy;
}

void buffer_get_stats(struct buffer_stats *s)
{
	spin_lock(&bcache_lock);
	*s = stats;
	spin_unlock(&bcache_lock);
}
