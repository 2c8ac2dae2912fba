/* The block layer and the buffer cache over RAM disks: range checks,
 * splitting, one buffer per block, write-back, I/O errors, eviction. */
#include "../../kernel/ktest.h"
#include "../../kernel/errno.h"
#include "../../kernel/string.h"
#include "../../block/buffer.h"
#include "../../block/ramdisk.h"
#include "../../mm/kheap.h"

static struct block_device *make_disk(size_t bytes)
{
	char *img = kzalloc(bytes);
	KT_ASSERT(img != NULL);
	for (size_t i = 0; i < bytes; i++)
		img[i] = (char)(i / 1024);   /* each 1 KiB block holds its number */
	struct block_device *b = ramdisk_create(img, bytes);
	kfree(img);
	KT_ASSERT(b != NULL);
	return b;
}

static void drop_disk(struct block_device *b)
{
	KT_EQ(invalidate_bdev(b), 0);
	ramdisk_destroy(b);
}

KTEST(blkdev_range_and_split)
{
	struct block_device *b = make_disk(64 * 1024);
	b->max_sectors = 3;
	char *buf = kzalloc(8192);
	KT_EQ(blkdev_read(b, 0, buf, 16), 0);
	KT_EQ(buf[1024 * 5], 5);
	KT_EQ(b->sectors_read, 16);
	KT_EQ(blkdev_read(b, 127, buf, 2), -EIO);
	KT_EQ(blkdev_read_block(b, 63, 1024, buf), 0);
	KT_EQ(buf[0], 63);
	b->read_only = true;
	KT_EQ(blkdev_write(b, 0, buf, 1), -EROFS);
	kfree(buf);
	drop_disk(b);
}

KTEST(bcache_one_buffer_per_block)
{
	struct block_device *b = make_disk(64 * 1024);
	struct buffer_stats s0, s1;
	buffer_get_stats(&s0);
	struct buffer_head *x = bread(b, 7, 1024), *y = bread(b, 7, 1024);
	buffer_get_stats(&s1);
	KT_ASSERT(x != NULL);
	KT_ASSERT(x == y);
	KT_EQ(x->count, 2);
	KT_EQ(x->data[0], 7);
	KT_EQ(s1.misses - s0.misses, 1);
	KT_EQ(s1.hits - s0.hits, 1);
	brelse(x);
	brelse(y);
	drop_disk(b);
}

KTEST(bcache_dirty_buffer_written_on_sync)
{
	struct block_device *b = make_disk(64 * 1024);
	struct buffer_head *bh = bread(b, 3, 1024);
	memset(bh->data, 0x5a, 1024);
	mark_buffer_dirty(bh);
	KT_EQ(((char *)ramdisk_data(b))[3 * 1024], 3);   /* not yet */
	brelse(bh);
	KT_EQ(sync_blockdev(b), 0);
	KT_EQ(((char *)ramdisk_data(b))[3 * 1024], 0x5a);
	KT_ASSERT(!bh->dirty);
	drop_disk(b);
}

KTEST(bcache_read_error_gives_null_then_recovers)
{
	struct block_device *b = make_disk(64 * 1024);
	ramdisk_fail_sector(b, 9);   /* inside block 4 */
	KT_ASSERT(bread(b, 4, 1024) == NULL);
	ramdisk_fail_sector(b, UINT64_MAX);
	struct buffer_head *bh = bread(b, 4, 1024);
	KT_ASSERT(bh != NULL);
	KT_EQ(bh->data[0], 4);
	brelse(bh);
	drop_disk(b);
}

KTEST(bcache_write_error_keeps_buffer_dirty)
{
	struct block_device *b = make_disk(64 * 1024);
	struct buffer_head *bh = getblk(b, 10, 1024);
	KT_EQ(bh->data[0], 0);   /* getblk does not read */
	bh->data[0] = 99;
	mark_buffer_dirty(bh);
	ramdisk_fail_sector(b, 20);
	KT_EQ(sync_dirty_buffer(bh), -EIO);
	KT_ASSERT(bh->dirty);
	ramdisk_fail_sector(b, UINT64_MAX);
	KT_EQ(sync_dirty_buffer(bh), 0);
	KT_EQ(((char *)ramdisk_data(b))[10 * 1024], 99);
	brelse(bh);
	drop_disk(b);
}

KTEST(bcache_evicts_idle_buffers)
{
	struct block_device *b = make_disk(2 * 1024 * 1024);
	for (uint64_t blk = 0; blk < 2048; blk++) {
		struct buffer_head *bh = bread(b, blk, 1024);
		KT_ASSERT(bh != NULL);
		KT_EQ(bh->data[0], (char)blk);
		brelse(bh);
	}
	struct buffer_stats s;
	buffer_get_stats(&s);
	KT_ASSERT(s.buffers <= 1024);
	KT_ASSERT(s.evictions >= 1024);
	drop_disk(b);
}

KTEST(bcache_invalidate_reports_held_buffers)
{
	struct block_device *b = make_disk(64 * 1024);
	struct buffer_head *bh = bread(b, 1, 1024);
	KT_EQ(invalidate_bdev(b), 1);
	brelse(bh);
	drop_disk(b);
}
