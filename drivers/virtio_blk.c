/*
 * The virtio-blk driver (virtio spec 1.x, 5.2; the legacy PCI interface of
 * 4.1.4.8, which QEMU's transitional device 1af4:1001 offers in its I/O BAR 0).
 *
 * Owns, per disk, one request queue: a virtqueue of 3-descriptor chains
 *
 *   [header: type, sector] -> [data: nsectors * 512] -> [status byte]
 *    device reads             device reads (write)      device writes
 *                             or writes (read)
 *
 * and the list of requests in flight (each chain's token is its struct
 * vblk_req). A caller queues its request, notifies the device, and sleeps;
 * the interrupt handler (or the caller itself, once a tick) takes finished
 * chains off the used ring, records the status and wakes the caller.
 *
 * Always true: every in-flight request is either in the virtqueue (its
 * token) or done; a request is freed only by its caller once done, so the
 * device never writes into freed memory; a request not done within
 * `timeout` ticks resets the device (the device forgets every chain), fails
 * every in-flight request with -EIO, and brings the queue back up.
 * Lock: vblk->lock (the request-queue lock) guards the virtqueue, the
 * device's registers and every request's done/error; never held asleep.
 */
#include "virtio_blk.h"
#include "virtqueue.h"
#include "../block/blkdev.h"
#include "../kernel/errno.h"
#include "../kernel/irq.h"
#include "../kernel/pci.h"
#include "../kernel/printk.h"
#include "../kernel/proc.h"
#include "../kernel/spinlock.h"
#include "../kernel/string.h"
#include "../kernel/timer.h"
#include "../kernel/param.h"
#include "../kernel/x86.h"
#include "../mm/kheap.h"
#include "../mm/layout.h"

/* Legacy virtio-pci registers, offsets in I/O BAR 0. */
enum {
	VIRTIO_PCI_HOST_FEATURES = 0, VIRTIO_PCI_GUEST_FEATURES = 4, VIRTIO_PCI_QUEUE_PFN = 8,
	VIRTIO_PCI_QUEUE_NUM = 12, VIRTIO_PCI_QUEUE_SEL = 14, VIRTIO_PCI_QUEUE_NOTIFY = 16,
	VIRTIO_PCI_STATUS = 18, VIRTIO_PCI_ISR = 19, VIRTIO_PCI_CONFIG = 20,
};
enum {
	VIRTIO_STATUS_ACKNOWLEDGE = 1, VIRTIO_STATUS_DRIVER = 2, VIRTIO_STATUS_DRIVER_OK = 4,
	VIRTIO_STATUS_FAILED = 128,
};
enum { VIRTIO_BLK_F_RO = 5, VIRTIO_BLK_F_FLUSH = 9 };
enum { VIRTIO_BLK_S_OK = 0, VIRTIO_BLK_S_IOERR = 1, VIRTIO_BLK_S_UNSUPP = 2 };
enum { VIRTIO_VENDOR = 0x1af4, VIRTIO_BLK_LEGACY = 0x1001, VIRTIO_BLK_MODERN = 0x1042 };
enum { VBLK_MAX_DISKS = 8, VBLK_TIMEOUT_TICKS = 5 * HZ, VBLK_MAX_SECTORS = 256 };

struct virtio_blk_req_hdr {
	uint32_t type;
	uint32_t reserved;
	uint64_t sector;
};

/* One request: the header and status the device reads and writes live here
 * (kmalloc memory, in the direct map, so the device can reach them). */
struct vblk_req {
	struct virtio_blk_req_hdr hdr;
	uint8_t status;
	bool done;
	int error;
};

struct virtio_blk {
	struct spinlock lock;          /* the request-queue lock */
	const struct pci_dev *pci;
	uint16_t iobase;
	uint32_t features;
	struct virtqueue vq;
	uint64_t timeout;              /* ticks */
	bool drop_next_notify;         /* test hook */
	uint64_t interrupts;
	struct block_device bdev;
};

static struct virtio_blk *disks[VBLK_MAX_DISKS];
static int ndisks;

static struct virtio_blk *to_vblk(struct block_device *bdev)
{
	return bdev->private;
}

/* ---- requests ------------------------------------------------------------ */

static int status_to_errno(uint8_t status)
{
	return status == VIRTIO_BLK_S_OK ? 0 : -EIO;
}

/* Take every finished chain off the used ring. Caller holds the lock. */
static void reap_completions(struct virtio_blk *vb)
{
	struct vblk_req *req;
	while ((req = vq_get_used(&vb->vq))) {
		req->error = status_to_errno(req->status);
		req->done = true;
		wakeup(req);
	}
}

static void vblk_interrupt(void *arg)
{
	struct virtio_blk *vb = arg;
	if (!(inb(vb->iobase + VIRTIO_PCI_ISR) & 1))   /* reading acknowledges; bit 0: a queue */
		return;
	vb->interrupts++;
	spin_lock(&vb->lock);
	reap_completions(vb);
	spin_unlock(&vb->lock);
}

static void notify_device(struct virtio_blk *vb)
{
	if (vb->drop_next_notify) {
		vb->drop_next_notify = false;
		return;
	}
	outw(vb->iobase + VIRTIO_PCI_QUEUE_NOTIFY, 0);
}

/* Let time pass: sleep a tick (a process), or halt until an interrupt (the
 * boot thread, which runs ktests and boot-time mounts and cannot sleep). */
static void wait_a_little(const void *channel)
{
	if (current_proc() == idle_proc) {
		sti_hlt();
		cli();
	} else {
		sleep_on(channel, timer_ticks() + 1);
	}
}

static int device_setup(struct virtio_blk *vb);

/* The device did not answer in time: reset it, which makes it drop every
 * chain, fail everything in flight, and set the queue up again. */
static void recover_from_timeout(struct virtio_blk *vb)
{
	printk("virtio-blk: %s: request timed out; resetting the device\n", vb->bdev.name);
	outb(vb->iobase + VIRTIO_PCI_STATUS, 0);
	for (uint16_t h = 0; h < vb->vq.size; h++) {
		struct vblk_req *req = vq_detach_token(&vb->vq, h);
		if (req) {
			req->error = -EIO;
			req->done = true;
			wakeup(req);
		}
	}
	if (device_setup(vb))
		printk("virtio-blk: %s: the device did not come back\n", vb->bdev.name);
}

static int queue_request(struct virtio_blk *vb, struct vblk_req *req, void *buf, uint32_t nsectors)
{
	struct vq_buf bufs[3] = {
		{ kva_to_pa(&req->hdr), sizeof(req->hdr), false },
		{ buf ? kva_to_pa(buf) : 0, nsectors * SECTOR_SIZE, req->hdr.type == VIRTIO_BLK_T_IN },
		{ kva_to_pa(&req->status), 1, true },
	};
	if (!nsectors)
		bufs[1] = bufs[2];
	return vq_add(&vb->vq, bufs, nsectors ? 3 : 2, req);
}

/* Queue, notify, and wait until done or timed out. Lock held on entry and exit. */
static void run_request(struct virtio_blk *vb, struct vblk_req *req, void *buf, uint32_t nsectors)
{
	uint64_t deadline = timer_ticks() + vb->timeout;
	while (queue_request(vb, req, buf, nsectors) == -ENOSPC) {
		spin_unlock(&vb->lock);
		wait_a_little(&vb->vq);   /* queue full: wait for others' requests */
		spin_lock(&vb->lock);
		reap_completions(vb);
		if (timer_ticks() >= deadline) {
			req->error = -EIO;
			return;
		}
	}
	notify_device(vb);
	while (!req->done) {
		reap_completions(vb);
		if (req->done)
			break;
		if (timer_ticks() >= deadline) {
			recover_from_timeout(vb);
			break;
		}
		spin_unlock(&vb->lock);
		wait_a_little(req);
		spin_lock(&vb->lock);
	}
	wakeup(&vb->vq);   /* descriptors may be free again */
}

static bool dma_reachable(const void *buf)
{
	uintptr_t va = (uintptr_t)buf;
	return !buf || va >= KERNEL_VMA || (va >= DIRECT_MAP_BASE && va < DIRECT_MAP_BASE + DIRECT_MAP_MAX);
}

int virtio_blk_submit_raw(struct block_device *bdev, int type, uint64_t sector, void *buf,
			  uint32_t nsectors)
{
	struct virtio_blk *vb = to_vblk(bdev);
	if (!dma_reachable(buf) || nsectors > VBLK_MAX_SECTORS)
		return -EINVAL;
	struct vblk_req *req = kzalloc(sizeof(*req));
	if (!req)
		return -ENOMEM;
	req->hdr.type = type;
	req->hdr.sector = sector;
	req->status = 0xff;
	bool on = irq_save();
	spin_lock(&vb->lock);
	run_request(vb, req, buf, nsectors);
	spin_unlock(&vb->lock);
	irq_restore(on);
	int err = req->error;
	kfree(req);
	return err;
}

static int vblk_submit(struct block_device *bdev, enum blk_op op, uint64_t sector, void *buf,
		       uint32_t nsectors)
{
	if (op == BLK_FLUSH) {
		if (!(to_vblk(bdev)->features & (1u << VIRTIO_BLK_F_FLUSH)))
			return 0;   /* no volatile cache: writes are durable when done */
		return virtio_blk_submit_raw(bdev, VIRTIO_BLK_T_FLUSH, 0, NULL, 0);
	}
	int type = op == BLK_WRITE ? VIRTIO_BLK_T_OUT : VIRTIO_BLK_T_IN;
	return virtio_blk_submit_raw(bdev, type, sector, buf, nsectors);
}

static const struct block_device_ops vblk_ops = { .submit = vblk_submit };

/* ---- device setup (spec 3.1.1, legacy) ------------------------------------ */

static uint64_t read_capacity(struct virtio_blk *vb)
{
	uint32_t lo = inl(vb->iobase + VIRTIO_PCI_CONFIG);
	uint32_t hi = inl(vb->iobase + VIRTIO_PCI_CONFIG + 4);
	return (uint64_t)hi << 32 | lo;
}

static int setup_queue(struct virtio_blk *vb)
{
	outw(vb->iobase + VIRTIO_PCI_QUEUE_SEL, 0);
	uint16_t size = inw(vb->iobase + VIRTIO_PCI_QUEUE_NUM);
	if (size == 0 || (size & (size - 1)))
		return -ENODEV;
	if (!vb->vq.ring_pa) {
		int err = vq_init(&vb->vq, size);
		if (err)
			return err;
	} else {
		vq_reset(&vb->vq);
	}
	outl(vb->iobase + VIRTIO_PCI_QUEUE_PFN, vb->vq.ring_pa >> 12);
	return 0;
}

/* Reset, acknowledge, agree on features, give the queue, and go. */
static int device_setup(struct virtio_blk *vb)
{
	uint16_t io = vb->iobase;
	outb(io + VIRTIO_PCI_STATUS, 0);
	outb(io + VIRTIO_PCI_STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
	outb(io + VIRTIO_PCI_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	uint32_t offered = inl(io + VIRTIO_PCI_HOST_FEATURES);
	vb->features = offered & ((1u << VIRTIO_BLK_F_RO) | (1u << VIRTIO_BLK_F_FLUSH));
	outl(io + VIRTIO_PCI_GUEST_FEATURES, vb->features);
	int err = setup_queue(vb);
	if (err) {
		outb(io + VIRTIO_PCI_STATUS, VIRTIO_STATUS_FAILED);
		return err;
	}
	outb(io + VIRTIO_PCI_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
					     VIRTIO_STATUS_DRIVER_OK);
	return 0;
}

static void fill_bdev(struct virtio_blk *vb, int index)
{
	struct block_device *b = &vb->bdev;
	snprintf(b->name, sizeof(b->name), "vd%c", 'a' + index);
	b->nr_sectors = read_capacity(vb);
	b->read_only = vb->features & (1u << VIRTIO_BLK_F_RO);
	b->max_sectors = VBLK_MAX_SECTORS;
	b->ops = &vblk_ops;
	b->private = vb;
}

static int probe(const struct pci_dev *pci)
{
	struct virtio_blk *vb = kzalloc(sizeof(*vb));
	if (!vb)
		return -ENOMEM;
	spin_lock_init(&vb->lock, "virtio_blk");
	vb->pci = pci;
	vb->iobase = pci_bar_io(pci, 0);
	vb->timeout = VBLK_TIMEOUT_TICKS;
	pci_enable_bus_master(pci);
	int err = vb->iobase ? device_setup(vb) : -ENODEV;
	if (err) {
		kfree(vb);
		return err;
	}
	fill_bdev(vb, ndisks);
	disks[ndisks++] = vb;
	if (pci->irq_line < 16 && irq_register(pci->irq_line, vblk_interrupt, vb) == 0)
		pr_info("virtio-blk: %s: %lu sectors (%lu MiB)%s, irq %d\n", vb->bdev.name,
			vb->bdev.nr_sectors, vb->bdev.nr_sectors >> 11, vb->bdev.read_only ? ", read-only" : "",
			pci->irq_line);
	else
		printk("virtio-blk: %s: no interrupt line; polling once a tick\n", vb->bdev.name);
	return blkdev_register(&vb->bdev);
}

int virtio_blk_init(void)
{
	const struct pci_dev *pci;
	for (int i = 0; ndisks < VBLK_MAX_DISKS && (pci = pci_find(VIRTIO_VENDOR, VIRTIO_BLK_LEGACY, VIRTIO_BLK_LEGACY, i)); i++) {
		int err = probe(pci);
		if (err)
			printk("virtio-blk: %02x:%02x.%d: cannot set up (error %d)\n", pci->bus, pci->slot, pci->func, err);
	}
	if (pci_find(VIRTIO_VENDOR, VIRTIO_BLK_MODERN, VIRTIO_BLK_MODERN, 0))
		printk("virtio-blk: a modern-only device (1af4:1042) is present; only the legacy interface is supported\n");
	return ndisks;
}

void virtio_blk_set_timeout(struct block_device *bdev, uint64_t ticks)
{
	to_vblk(bdev)->timeout = ticks;
}

void virtio_blk_drop_next_notify(struct block_device *bdev)
{
	to_vblk(bdev)->drop_next_notify = true;
}

uint64_t virtio_blk_interrupts(struct block_device *bdev)
{
	return to_vblk(bdev)->interrupts;
}
