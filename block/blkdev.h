#ifndef PAGODA_BLKDEV_H
#define PAGODA_BLKDEV_H
#include "../kernel/types.h"

#define SECTOR_SIZE 512
#define SECTOR_SHIFT 9

enum blk_op { BLK_READ, BLK_WRITE, BLK_FLUSH };

struct block_device;

struct block_device_ops {
	/* Move nsectors sectors between the device at `sector` and buf, which
	 * is kernel memory the device can reach (direct map or kernel image,
	 * never a kernel stack); BLK_FLUSH makes earlier writes durable. The
	 * range is already checked. May sleep. Returns 0 or -EIO. */
	int (*submit)(struct block_device *bdev, enum blk_op op, uint64_t sector, void *buf,
		      uint32_t nsectors);
};

/* A disk, named as Linux names it (vda, vdb, ..., ram0, ...). */
struct block_device {
	char name[8];
	uint64_t nr_sectors;              /* capacity */
	bool read_only;
	uint32_t max_sectors;             /* most sectors one submit may move */
	const struct block_device_ops *ops;
	void *private;                    /* the driver's */
	uint64_t sectors_read, sectors_written, io_errors;   /* counters */
	struct block_device *next;        /* the registry list (blkdev.c) */
};

int blkdev_register(struct block_device *bdev);     /* 0 or -EEXIST */
void blkdev_unregister(struct block_device *bdev);
struct block_device *blkdev_lookup(const char *name);   /* "vda" or "/dev/vda"; NULL if none */
struct block_device *blkdev_next(struct block_device *prev);   /* NULL: the first */

/* Sector I/O, checked against the capacity (-EIO beyond it, -EROFS for a
 * write to a read-only disk), split into requests the driver accepts. */
int blkdev_read(struct block_device *bdev, uint64_t sector, void *buf, uint64_t nsectors);
int blkdev_write(struct block_device *bdev, uint64_t sector, const void *buf, uint64_t nsectors);
int blkdev_flush(struct block_device *bdev);
/* The same in blocks of `size` bytes (a multiple of 512). */
int blkdev_read_block(struct block_device *bdev, uint64_t block, uint32_t size, void *buf);
int blkdev_write_block(struct block_device *bdev, uint64_t block, uint32_t size, const void *buf);

#endif
