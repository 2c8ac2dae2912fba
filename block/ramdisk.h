#ifndef PAGODA_RAMDISK_H
#define PAGODA_RAMDISK_H
#include "blkdev.h"

/* A disk in kernel memory (Linux: brd), for tests over in-memory images.
 * ramdisk_create copies `bytes` bytes of image (rounded up to sectors with
 * zeros) and registers the disk as ram0, ram1, ...; NULL on ENOMEM. */
struct block_device *ramdisk_create(const void *image, size_t bytes);
/* The same without a copy: the disk takes over data (kmalloc'd, bytes a
 * multiple of 512) and frees it at ramdisk_destroy. NULL on ENOMEM, when
 * data is not freed. */
struct block_device *ramdisk_adopt(void *data, size_t bytes);
void ramdisk_destroy(struct block_device *bdev);   /* unregister and free */
/* Fault injection: requests touching sector `sector` fail with -EIO
 * (UINT64_MAX: none). */
void ramdisk_fail_sector(struct block_device *bdev, uint64_t sector);
void *ramdisk_data(struct block_device *bdev);     /* the bytes, to inspect or corrupt */

#endif
