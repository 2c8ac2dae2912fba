/*
 * Shared anonymous memory (mm/shmem.c): the object behind MAP_SHARED |
 * MAP_ANONYMOUS areas, its pages and their way to swap.
 */
#ifndef PAGODA_SHMEM_H
#define PAGODA_SHMEM_H

#include "mm.h"
#include "frame.h"

extern uint64_t shm_resident_pages;   /* pages of shared objects in memory (meminfo Shmem) */

/* A new object of len bytes (page multiple), one area's reference; NULL on
 * -ENOMEM. */
struct shm_object *shm_create(size_t len);
/* Drop an area's reference; the last frees every page and slot. */
void shm_put(struct shm_object *shm);
/* Empty one entry of pages[] (MADV_REMOVE): its frame or slot reference goes. */
void shm_release_slot(paddr_t *slot);
/* Does p's object hold p (PG_shmem, its entry is p's frame)? */
bool shm_holds(const struct page *p);

/* The areas using the object (rmap's i_mmap): from vma_insert to vma_free. */
void shm_add_vma(struct shm_object *shm, struct vma *v);
void shm_remove_vma(struct shm_object *shm, struct vma *v);

/* A new frame pa (the caller's reference becomes the object's) is the page
 * at *slot: tagged for rmap, handed to the replacement policy. */
void shm_add_page(struct shm_object *shm, paddr_t *slot, paddr_t pa);
/* *slot holds a swap entry: the page back from swap (or the swap cache) as
 * the object's page. Returns its frame (no reference for the caller), or 0
 * with *err: -ENOMEM, -EIO (the device failed: the data is lost), -EAGAIN
 * (another sharer brought it back meanwhile: retry). Sleeps. */
paddr_t shm_swap_in(struct shm_object *shm, paddr_t *slot, bool *major, int *err);
/* swapoff: *slot's page is in the swap cache with no I/O on it? It becomes
 * the object's page again (true). Never sleeps. */
bool shm_unuse_slot(struct shm_object *shm, paddr_t *slot);
/* Evict p (shm_holds(p), every PTE found by rmap, referenced by the
 * reclaimer): unmapped everywhere, its entry the swap entry, written. false
 * when swap is full (nothing changed). Sleeps. */
bool shm_swap_out(struct page *p);

#endif
