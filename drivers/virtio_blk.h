#ifndef PAGODA_VIRTIO_BLK_H
#define PAGODA_VIRTIO_BLK_H
#include "../kernel/types.h"

struct block_device;

/* Find every virtio-blk PCI function and register it as vda, vdb, ...
 * Returns how many disks were registered. */
int virtio_blk_init(void);

/* For tests: requests on bdev time out after `ticks` (default 5 s), and
 * the next request is queued without telling the device, so it times out. */
void virtio_blk_set_timeout(struct block_device *bdev, uint64_t ticks);
void virtio_blk_drop_next_notify(struct block_device *bdev);
/* For tests: a raw request, bypassing the block layer's range check. */
int virtio_blk_submit_raw(struct block_device *bdev, int type, uint64_t sector, void *buf,
			  uint32_t nsectors);
uint64_t virtio_blk_interrupts(struct block_device *bdev);

enum { VIRTIO_BLK_T_IN = 0, VIRTIO_BLK_T_OUT = 1, VIRTIO_BLK_T_FLUSH = 4,
       VIRTIO_BLK_T_BOGUS = 0x7777 };   /* a type no device knows: for the error-path test */

#endif
