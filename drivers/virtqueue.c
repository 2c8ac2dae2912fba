/*
 * A split virtqueue (virtio 1.x spec, 2.7; legacy layout): the ring of
 * descriptors the driver fills and the two index rings it shares with the
 * device.
 *
 *   ring_pa: | desc[size] | avail: flags idx ring[size] | pad to 4 KiB |
 *            | used: flags idx ring[size] of {id, len}                  |
 *
 * The driver writes desc and avail and only reads used; the device the
 * other way round. avail->idx and used->idx run freely and wrap at 2^16.
 *
 * Always true: num_free + (descriptors in queued chains) == size; the free
 * descriptors form one chain from free_head through next; token[h] != NULL
 * exactly when h heads a queued chain; last_used <= used->idx (mod 2^16).
 * The caller (the device driver) holds its request-queue lock around every
 * call: nothing here locks.
 */
#include "virtqueue.h"
#include "../kernel/errno.h"
#include "../kernel/string.h"
#include "../mm/frame.h"
#include "../mm/kheap.h"

/* Stores the device must see before the index that publishes them, and
 * loads of its index before the entries: x86 keeps stores and loads in
 * order, so the compiler is all that must be stopped. */
static inline void vq_barrier(void)
{
	__asm__ volatile("" ::: "memory");
}

static size_t vring_bytes(uint16_t size)
{
	size_t avail_end = 16ul * size + 6 + 2ul * size;
	size_t used_start = (avail_end + VRING_ALIGN - 1) & ~(size_t)(VRING_ALIGN - 1);
	return used_start + 6 + 8ul * size;
}

void vq_reset(struct virtqueue *vq)
{
	memset(pa_to_kva(vq->ring_pa), 0, vq->ring_pages * PAGE_SIZE);
	for (uint16_t i = 0; i < vq->size; i++) {
		vq->desc[i].next = i + 1;
		vq->token[i] = NULL;
	}
	vq->free_head = 0;
	vq->num_free = vq->size;
	vq->last_used = 0;
}

int vq_init(struct virtqueue *vq, uint16_t size)
{
	size_t bytes = vring_bytes(size);
	vq->size = size;
	vq->ring_pages = (bytes + PAGE_SIZE - 1) / PAGE_SIZE;
	vq->ring_pa = frame_alloc_contig(vq->ring_pages, FRAME_KHEAP);
	vq->token = kzalloc(sizeof(void *) * size);
	if (!vq->ring_pa || !vq->token) {
		vq_free(vq);
		return -ENOMEM;
	}
	char *base = pa_to_kva(vq->ring_pa);
	vq->desc = (struct vring_desc *)base;
	vq->avail = (struct vring_avail *)(base + 16ul * size);
	size_t used_off = (16ul * size + 6 + 2ul * size + VRING_ALIGN - 1) & ~(size_t)(VRING_ALIGN - 1);
	vq->used = (struct vring_used *)(base + used_off);
	vq_reset(vq);
	return 0;
}

void vq_free(struct virtqueue *vq)
{
	for (size_t i = 0; vq->ring_pa && i < vq->ring_pages; i++)
		frame_put(vq->ring_pa + i * PAGE_SIZE);
	kfree(vq->token);
	vq->ring_pa = 0;
	vq->token = NULL;
}

int vq_add(struct virtqueue *vq, const struct vq_buf *bufs, int n, void *token)
{
	if (n <= 0 || vq->num_free < n)
		return -ENOSPC;
	uint16_t head = vq->free_head, i = head, last = head;
	for (int k = 0; k < n; k++) {
		struct vring_desc *d = &vq->desc[i];
		d->addr = bufs[k].pa;
		d->len = bufs[k].len;
		d->flags = (bufs[k].device_writes ? VRING_DESC_F_WRITE : 0) | (k + 1 < n ? VRING_DESC_F_NEXT : 0);
		last = i;
		i = d->next;
	}
	vq->free_head = vq->desc[last].next;
	vq->num_free -= n;
	vq->token[head] = token;
	vq->avail->ring[vq->avail->idx % vq->size] = head;
	vq_barrier();
	vq->avail->idx++;
	vq_barrier();
	return 0;
}

/* Give a completed chain's descriptors back to the free chain. */
static void free_chain(struct virtqueue *vq, uint16_t head)
{
	uint16_t i = head;
	vq->num_free++;
	while (vq->desc[i].flags & VRING_DESC_F_NEXT) {
		i = vq->desc[i].next;
		vq->num_free++;
	}
	vq->desc[i].next = vq->free_head;
	vq->free_head = head;
}

void *vq_get_used(struct virtqueue *vq)
{
	vq_barrier();
	if (vq->last_used == *(volatile uint16_t *)&vq->used->idx)
		return NULL;
	vq_barrier();
	uint32_t head = vq->used->ring[vq->last_used % vq->size].id;
	vq->last_used++;
	if (head >= vq->size || !vq->token[head])
		return NULL;   /* a device bug: ignore the entry rather than trust it */
	void *token = vq->token[head];
	vq->token[head] = NULL;
	free_chain(vq, head);
	return token;
}

void *vq_detach_token(struct virtqueue *vq, uint16_t head)
{
	void *token = head < vq->size ? vq->token[head] : NULL;
	if (token)
		vq->token[head] = NULL;
	return token;
}
