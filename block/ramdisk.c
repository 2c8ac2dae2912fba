/*
 * RAM disks: block devices whose sectors are a kmalloc'd array, so tests
 * can mount, corrupt and check filesystem images without a real disk.
 *
 * Always true: data holds nr_sectors * 512 bytes; a request never reaches
 * past it (blkdev.c checks the range); a request that touches fail_sector
 * moves no data and fails with -EIO.
 */
#include "ramdisk.h"
#include "../kernel/errno.h"
#include "../kernel/printk.h"
#include "../kernel/string.h"
#include "../mm/kheap.h"

struct ramdisk {
	struct block_device bdev;
	char *data;
	uint64_t fail_sector;
};

static int next_index;

static int ramdisk_submit(struct block_device *bdev, enum blk_op op, uint64_t sector, void *buf,
			  uint32_t nsectors)
{
	struct ramdisk *rd = bdev->private;
	if (op == BLK_FLUSH)
		return 0;
	if (rd->fail_sector >= sector && rd->fail_sector - sector < nsectors)
		return -EIO;
	char *p = rd->data + sector * SECTOR_SIZE;
	size_t n = (size_t)nsectors * SECTOR_SIZE;
	if (op == BLK_READ)
		memcpy(buf, p, n);
	else
		memcpy(p, buf, n);
	return 0;
}

static const struct block_device_ops ramdisk_ops = { .submit = ramdisk_submit };

struct block_device *ramdisk_adopt(void *data, size_t bytes)
{
	struct ramdisk *rd = kzalloc(sizeof(*rd));
	if (!rd)
		return NULL;
	rd->data = data;
	rd->fail_sector = UINT64_MAX;
	snprintf(rd->bdev.name, sizeof(rd->bdev.name), "ram%d", next_index++ % 1000);
	rd->bdev.nr_sectors = bytes / SECTOR_SIZE;
	rd->bdev.max_sectors = 256;
	rd->bdev.ops = &ramdisk_ops;
	rd->bdev.private = rd;
	if (blkdev_register(&rd->bdev)) {
		kfree(rd);
		return NULL;
	}
	return &rd->bdev;
}

struct block_device *ramdisk_create(const void *image, size_t bytes)
{
	size_t size = (bytes + SECTOR_SIZE - 1) / SECTOR_SIZE * SECTOR_SIZE;
	char *data = kmalloc(size);
	if (!data)
		return NULL;
	memcpy(data, image, bytes);
	memset(data + bytes, 0, size - bytes);
	struct block_device *b = ramdisk_adopt(data, size);
	if (!b)
		kfree(data);
	return b;
}

void ramdisk_destroy(struct block_device *bdev)
{
	struct ramdisk *rd = bdev->private;
	blkdev_unregister(bdev);
	kfree(rd->data);
	kfree(rd);
}

void ramdisk_fail_sector(struct block_device *bdev, uint64_t sector)
{
	((struct ramdisk *)bdev->private)->fail_sector = sector;
}

void *ramdisk_data(struct block_device *bdev)
{
	return ((struct ramdisk *)bdev->private)->data;
}
