/*
 * The block layer's lower half: the registry of disks and sector I/O on
 * them. A driver fills a struct block_device and registers it; everyone
 * else (the buffer cache, ext2, swap) moves sectors through blkdev_read and
 * blkdev_write, which check the range and cut a transfer into requests of
 * at most bdev->max_sectors.
 *
 *   registry: head -> vda -> vdb -> ram0 -> NULL   (registration order)
 *
 * Always true: names in the registry are unique; a request handed to a
 * driver lies inside [0, nr_sectors) and has 1..max_sectors sectors.
 * Lock: blkdev_lock guards the registry list (the counters are updated
 * by the one CPU without it).
 */
#include "blkdev.h"
#include "../kernel/errno.h"
#include "../kernel/spinlock.h"
#include "../kernel/string.h"

static struct block_device *registry;
static struct spinlock blkdev_lock = SPINLOCK_INIT("blkdev");

int blkdev_register(struct block_device *bdev)
{
	if (blkdev_lookup(bdev->name))
		return -EEXIST;
	if (!bdev->max_sectors)
		bdev->max_sectors = 256;
	spin_lock(&blkdev_lock);
	struct block_device **p = &registry;
	while (*p)
		p = &(*p)->next;
	bdev->next = NULL;
	*p = bdev;
	spin_unlock(&blkdev_lock);
	return 0;
}

void blkdev_unregister(struct block_device *bdev)
{
	spin_lock(&blkdev_lock);
	for (struct block_device **p = &registry; *p; p = &(*p)->next) {
		if (*p == bdev) {
			*p = bdev->next;
			break;
		}
	}
	spin_unlock(&blkdev_lock);
}

struct block_device *blkdev_lookup(const char *name)
{
	if (!strncmp(name, "/dev/", 5))
		name += 5;
	spin_lock(&blkdev_lock);
	struct block_device *b = registry;
	while (b && strcmp(b->name, name))
		b = b->next;
	spin_unlock(&blkdev_lock);
	return b;
}

struct block_device *blkdev_next(struct block_device *prev)
{
	return prev ? prev->next : registry;
}

static bool range_ok(const struct block_device *bdev, uint64_t sector, uint64_t n)
{
	return sector <= bdev->nr_sectors && n <= bdev->nr_sectors - sector;
}

/* One transfer, in pieces the driver accepts. */
static int transfer(struct block_device *bdev, enum blk_op op, uint64_t sector, char *buf, uint64_t n)
{
	if (!range_ok(bdev, sector, n))
		return -EIO;
	if (op == BLK_WRITE && bdev->read_only)
		return -EROFS;
	while (n) {
		uint32_t chunk = n < bdev->max_sectors ? n : bdev->max_sectors;
		int err = bdev->ops->submit(bdev, op, sector, buf, chunk);
		if (err) {
			bdev->io_errors++;
			return err;
		}
		*(op == BLK_READ ? &bdev->sectors_read : &bdev->sectors_written) += chunk;
		sector += chunk;
		buf += (size_t)chunk * SECTOR_SIZE;
		n -= chunk;
	}
	return 0;
}

int blkdev_read(struct block_device *bdev, uint64_t sector, void *buf, uint64_t nsectors)
{
	return transfer(bdev, BLK_READ, sector, buf, nsectors);
}

int blkdev_write(struct block_device *bdev, uint64_t sector, const void *buf, uint64_t nsectors)
{
	return transfer(bdev, BLK_WRITE, sector, (char *)buf, nsectors);
}

int blkdev_flush(struct block_device *bdev)
{
	if (bdev->read_only)
		return 0;
	int err = bdev->ops->submit(bdev, BLK_FLUSH, 0, NULL, 0);
	if (err)
		bdev->io_errors++;
	return err;
}

int blkdev_read_block(struct block_device *bdev, uint64_t block, uint32_t size, void *buf)
{
	uint64_t per = size / SECTOR_SIZE;
	return blkdev_read(bdev, block * per, buf, per);
}

int blkdev_write_block(struct block_device *bdev, uint64_t block, uint32_t size, const void *buf)
{
	uint64_t per = size / SECTOR_SIZE;
	return blkdev_write(bdev, block * per, buf, per);
}
