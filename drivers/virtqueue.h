#ifndef PAGODA_VIRTQUEUE_H
#define PAGODA_VIRTQUEUE_H
#include "../kernel/types.h"

/* The split virtqueue of the virtio spec (legacy layout, 4 KiB alignment). */
struct vring_desc {
	uint64_t addr;    /* physical address of the buffer */
	uint32_t len;
	uint16_t flags;   /* VRING_DESC_F_* */
	uint16_t next;    /* with F_NEXT: the chain's next descriptor */
};
struct vring_avail {
	uint16_t flags;
	uint16_t idx;     /* where the driver puts the next entry (free-running) */
	uint16_t ring[];
};
struct vring_used_elem {
	uint32_t id;      /* head of the completed chain */
	uint32_t len;     /* bytes the device wrote */
};
struct vring_used {
	uint16_t flags;
	uint16_t idx;     /* where the device puts the next entry (free-running) */
	struct vring_used_elem ring[];
};

enum { VRING_DESC_F_NEXT = 1, VRING_DESC_F_WRITE = 2, VRING_ALIGN = 4096 };

struct virtqueue {
	uint16_t size;                /* entries: a power of two from the device */
	struct vring_desc *desc;
	struct vring_avail *avail;
	struct vring_used *used;
	paddr_t ring_pa;              /* the three parts, physically contiguous */
	size_t ring_pages;
	uint16_t free_head, num_free; /* free descriptors, chained through next */
	uint16_t last_used;           /* the next used entry we have not consumed */
	void **token;                 /* per head descriptor: what the caller queued */
};

/* One buffer of a request: a physical address, a length, and whether the
 * device writes it (true) or reads it (false). */
struct vq_buf {
	paddr_t pa;
	uint32_t len;
	bool device_writes;
};

int vq_init(struct virtqueue *vq, uint16_t size);     /* 0 or -ENOMEM */
void vq_reset(struct virtqueue *vq);                  /* empty again (after a device reset) */
void vq_free(struct virtqueue *vq);
/* Queue one chain of n buffers; 0, or -ENOSPC when too few descriptors
 * are free. The device sees it only after the caller notifies. */
int vq_add(struct virtqueue *vq, const struct vq_buf *bufs, int n, void *token);
/* The token of the next completed chain (its descriptors are free again),
 * or NULL when the device has completed nothing new. */
void *vq_get_used(struct virtqueue *vq);
/* Tokens of every chain still queued, for failing them after a reset. */
void *vq_detach_token(struct virtqueue *vq, uint16_t head);

#endif
