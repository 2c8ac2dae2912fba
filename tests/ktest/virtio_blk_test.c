/* The virtio-blk driver against QEMU's device: tests/run.py boots the
 * ktests with a scratch disk (vda, 1 MiB, writable) and a read-only one
 * (vdb). Data round trips, requests split by the block layer, and each
 * error path: beyond the end, an unknown request type, a read-only disk,
 * and a request the device never hears of (timeout, then recovery). */
#include "../../kernel/ktest.h"
#include "../../kernel/errno.h"
#include "../../kernel/string.h"
#include "../../block/blkdev.h"
#include "../../drivers/virtio_blk.h"
#include "../../mm/kheap.h"
#include "../../mm/layout.h"

static struct block_device *vda(void)
{
	struct block_device *b = blkdev_lookup("vda");
	KT_ASSERT(b != NULL);
	return b;
}

static void fill(char *buf, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		buf[i] = (char)(seed + i * 7 + i / 512);
}

KTEST(vblk_disks_found)
{
	struct block_device *a = vda(), *b = blkdev_lookup("/dev/vdb");
	KT_EQ(a->nr_sectors, 2048);
	KT_ASSERT(!a->read_only);
	KT_ASSERT(b != NULL);
	KT_ASSERT(b->read_only);
}

static void round_trip(uint64_t sector, uint64_t n, unsigned seed)
{
	size_t bytes = n * SECTOR_SIZE;
	char *out = kmalloc(bytes), *in = kzalloc(bytes);
	KT_ASSERT(out && in);
	fill(out, bytes, seed);
	KT_EQ(blkdev_write(vda(), sector, out, n), 0);
	KT_EQ(blkdev_read(vda(), sector, in, n), 0);
	KT_EQ(memcmp(out, in, bytes), 0);
	kfree(out);
	kfree(in);
}

KTEST(vblk_write_read_back)
{
	round_trip(0, 1, 1);
	round_trip(7, 8, 2);
	round_trip(2047, 1, 3);   /* the last sector */
}

KTEST(vblk_large_transfer_is_split)
{
	uint64_t before = vda()->sectors_written;
	round_trip(100, 600, 4);   /* more than one request's worth */
	KT_EQ(vda()->sectors_written - before, 600);
}

KTEST(vblk_completions_come_by_interrupt)
{
	uint64_t before = virtio_blk_interrupts(vda());
	round_trip(50, 2, 5);
	KT_ASSERT(virtio_blk_interrupts(vda()) > before);
}

KTEST(vblk_beyond_the_end_is_eio)
{
	char *buf = kzalloc(2 * SECTOR_SIZE);
	KT_EQ(blkdev_read(vda(), 2048, buf, 1), -EIO);
	KT_EQ(blkdev_read(vda(), 2047, buf, 2), -EIO);
	KT_EQ(blkdev_write(vda(), UINT64_MAX, buf, 1), -EIO);
	/* Past the block layer's check, the device itself says no. */
	KT_EQ(virtio_blk_submit_raw(vda(), VIRTIO_BLK_T_IN, 4096, buf, 1), -EIO);
	kfree(buf);
}

KTEST(vblk_unknown_request_type_is_eio)
{
	char *buf = kzalloc(SECTOR_SIZE);
	KT_EQ(virtio_blk_submit_raw(vda(), VIRTIO_BLK_T_BOGUS, 0, buf, 1), -EIO);
	kfree(buf);
}

KTEST(vblk_read_only_disk_refuses_writes)
{
	struct block_device *b = blkdev_lookup("vdb");
	char *buf = kzalloc(SECTOR_SIZE);
	KT_EQ(blkdev_read(b, 0, buf, 1), 0);
	KT_EQ(blkdev_write(b, 0, buf, 1), -EROFS);
	KT_EQ(virtio_blk_submit_raw(b, VIRTIO_BLK_T_OUT, 0, buf, 1), -EIO);
	kfree(buf);
}

KTEST(vblk_stack_buffer_is_refused)
{
	void *stack = (void *)(KSTACK_BASE + 0x1000);   /* process kernel stacks: not in the direct map */
	KT_EQ(virtio_blk_submit_raw(vda(), VIRTIO_BLK_T_IN, 0, stack, 1), -EINVAL);
}

KTEST(vblk_lost_request_times_out_and_device_recovers)
{
	char *buf = kzalloc(SECTOR_SIZE);
	round_trip(9, 1, 6);
	virtio_blk_set_timeout(vda(), 10);
	virtio_blk_drop_next_notify(vda());
	KT_EQ(virtio_blk_submit_raw(vda(), VIRTIO_BLK_T_IN, 0, buf, 1), -EIO);
	virtio_blk_set_timeout(vda(), 500);
	round_trip(9, 1, 7);   /* the reset device works again */
	kfree(buf);
}

KTEST(vblk_flush_succeeds)
{
	KT_EQ(blkdev_flush(vda()), 0);
}
