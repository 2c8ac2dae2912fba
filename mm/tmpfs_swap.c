/*
 * tmpfs pages in swap (Linux's shmem_writepage and shmem_swapin): a tmpfs
 * file has no store but its page cache, so under pressure reclaim writes
 * its pages to swap slots (mm/vmscan.c shrink_file, through the file's
 * writepage) and a later miss reads them back (readpage). Each file that
 * ever had a page go keeps a store of swap entries by page index, in
 * inode->i_private:
 *
 *   inode->i_private -> struct tmpfs_swap --> chunks[0] -> | e0 | e1 | ... | e511 |
 *                       (on the all_stores list)  chunks[1] -> NULL (no page of 512..1023 went)
 *
 * An entry is 0 or a swap entry holding one slot reference (swapfile.c);
 * no swap-cache page stands for it: the page cache is the only cache.
 *
 * Invariants:
 *   - a page index is in the page cache, or has an entry, or is a hole
 *     (zero); both at once only after a page that went to swap was written
 *     to during its write (it stayed cached): the cached page is the data,
 *     and the stale slot goes at the next writepage or truncation;
 *   - nswapped counts the nonzero entries (tmpfs_swapped, all stores'); every entry's slot has exactly
 *     this store's reference (swap_audit counts them through
 *     tmpfs_swap_for_each);
 *   - no entry lies at or past the file's size in pages.
 * Lock: each store's mutex serialises writepage, readpage, truncation and
 * swapoff on that file (a slot is never freed while a write to it is in
 * flight, nor read twice); taken with no spinlock held, and nothing that
 * holds it allocates user memory (no reclaim inside it). The all_stores
 * list changes only in process context under the kernel lock (as the
 * shared objects' lists, docs/locking.md).
 */
#include "tmpfs_swap.h"
#include "filemap.h"
#include "frame.h"
#include "kheap.h"
#include "layout.h"
#include "swapfile.h"
#include "../fs/vfs.h"
#include "../kernel/errno.h"
#include "../kernel/mutex.h"
#include "../kernel/string.h"

enum { CHUNK = PAGE_SIZE / sizeof(pte_t) };   /* entries per chunk: one frame each */

struct tmpfs_swap {
	struct tmpfs_swap *next, *prev;   /* all_stores */
	struct inode *inode;
	struct mutex lock;
	pte_t **chunks;                   /* nchunks pointers, each NULL or CHUNK entries */
	size_t nchunks;
	uint64_t nswapped;
};

static struct tmpfs_swap *all_stores;
uint64_t tmpfs_swapped;   /* the sum of every store's nswapped */

/* ---- the store ---- */

static struct tmpfs_swap *store_of(const struct inode *inode)
{
	return inode_is_reg(inode) ? inode->i_private : NULL;
}

static struct tmpfs_swap *store_create(struct inode *inode)
{
	struct tmpfs_swap *s = store_of(inode);
	if (s || !(s = kzalloc(sizeof(*s))))
		return s;
	s->inode = inode;
	mutex_init(&s->lock, "tmpfs_swap");
	s->next = all_stores;
	if (all_stores)
		all_stores->prev = s;
	all_stores = s;
	inode->i_private = s;
	return s;
}

static void store_free(struct tmpfs_swap *s)
{
	if (s->prev)
		s->prev->next = s->next;
	else
		all_stores = s->next;
	if (s->next)
		s->next->prev = s->prev;
	for (size_t c = 0; c < s->nchunks; c++)
		kfree(s->chunks[c]);
	kfree(s->chunks);
	s->inode->i_private = NULL;
	kfree(s);
}

/* Room for nchunks chunk pointers; false on -ENOMEM. */
static bool grow_chunks(struct tmpfs_swap *s, size_t nchunks)
{
	if (nchunks <= s->nchunks)
		return true;
	pte_t **bigger = kzalloc(nchunks * sizeof(pte_t *));
	if (!bigger)
		return false;
	if (s->nchunks)
		memcpy(bigger, s->chunks, s->nchunks * sizeof(pte_t *));
	kfree(s->chunks);
	s->chunks = bigger;
	s->nchunks = nchunks;
	return true;
}

/* The entry of page index: NULL if its chunk does not exist (with create,
 * it is made; NULL then means -ENOMEM). */
static pte_t *entry_of(struct tmpfs_swap *s, uint64_t index, bool create)
{
	size_t c = index / CHUNK;
	if (c >= s->nchunks && (!create || !grow_chunks(s, c + 1)))
		return NULL;
	if (!s->chunks[c] && (!create || !(s->chunks[c] = kzalloc(CHUNK * sizeof(pte_t)))))
		return NULL;
	return &s->chunks[c][index % CHUNK];
}

static void drop_entry(struct tmpfs_swap *s, pte_t *e)
{
	swap_free(*e);
	*e = 0;
	s->nswapped--;
	tmpfs_swapped--;
}

/* ---- the page's way out and back ---- */

/* A new slot for the store (no swap-cache page stands for it). */
static pte_t new_slot(void)
{
	pte_t swp = get_swap_page();
	if (swp) {
		swap_duplicate(swp);   /* the store's reference */
		swapcache_free(swp);   /* nothing cached: the page cache holds the page */
	}
	return swp;
}

int tmpfs_writepage(struct inode *inode, uint64_t index, const void *kva)
{
	struct tmpfs_swap *s = store_create(inode);
	if (!s)
		return -ENOMEM;
	mutex_lock(&s->lock);
	pte_t *e = entry_of(s, index, true);
	int err = e ? 0 : -ENOMEM;
	if (e && *e)
		drop_entry(s, e);   /* an older copy, from before the page was written again */
	pte_t swp = e ? new_slot() : 0;
	if (e && !swp)
		err = -ENOSPC;
	if (swp) {
		*e = swp;
		s->nswapped++;
		tmpfs_swapped++;
		if ((err = swap_writepage(swp, kva_to_pa(kva))))
			drop_entry(s, e);   /* the page stays cached, the only copy */
	}
	mutex_unlock(&s->lock);
	return err;
}

int tmpfs_readpage(struct inode *inode, uint64_t index, void *kva)
{
	struct tmpfs_swap *s = store_of(inode);
	if (!s)
		return 0;   /* never swapped: the zeroed frame is the page (a hole) */
	mutex_lock(&s->lock);
	pte_t *e = entry_of(s, index, false);
	int err = 0;
	if (e && *e && !(err = swap_readpage(*e, kva_to_pa(kva))))
		drop_entry(s, e);   /* the page cache holds it now; a reader who waited finds it there */
	mutex_unlock(&s->lock);
	return err;
}

/* ---- truncation ---- */

/* A page cut by the new size comes back into the cache, where
 * truncate_inode_pages zeroes its tail. */
static void bring_in_cut_page(struct inode *inode, uint64_t size)
{
	int err = 0;
	paddr_t pa = filemap_get_page(inode->i_mapping, size >> PAGE_SHIFT, NULL, &err);
	if (pa) {
		memset((char *)pa_to_kva(pa) + (size & (PAGE_SIZE - 1)), 0, PAGE_SIZE - (size & (PAGE_SIZE - 1)));
		frame_put(pa);
	}
}

void tmpfs_swap_truncate(struct inode *inode, uint64_t size)
{
	struct tmpfs_swap *s = store_of(inode);
	if (!s)
		return;
	pte_t *cut = entry_of(s, size >> PAGE_SHIFT, false);
	if ((size & (PAGE_SIZE - 1)) && cut && *cut)
		bring_in_cut_page(inode, size);
	uint64_t first = (size + PAGE_SIZE - 1) >> PAGE_SHIFT;
	mutex_lock(&s->lock);
	for (uint64_t c = first / CHUNK; c < s->nchunks; c++)
		for (uint64_t i = 0; s->chunks[c] && i < CHUNK; i++)
			if (c * CHUNK + i >= first && s->chunks[c][i])
				drop_entry(s, &s->chunks[c][i]);
	mutex_unlock(&s->lock);
	if (!size)
		store_free(s);
}

/* Entries whose page is not cached (a stale one beside its cached page is
 * not counted twice): stat's blocks. */
uint64_t tmpfs_swap_pages(const struct inode *inode)
{
	const struct tmpfs_swap *s = store_of(inode);
	uint64_t n = 0;
	for (uint64_t c = 0; s && s->nswapped && c < s->nchunks; c++)
		for (uint64_t i = 0; s->chunks[c] && i < CHUNK; i++)
			n += s->chunks[c][i] && !filemap_find_page(inode->i_mapping, c * CHUNK + i);
	return n;
}

/* ---- swapoff and the audit ---- */

/* The first (store, index) with an entry on area type; false if none. */
static bool find_on(unsigned type, struct tmpfs_swap **out, uint64_t *index)
{
	for (struct tmpfs_swap *s = all_stores; s; s = s->next)
		for (uint64_t c = 0; s->nswapped && c < s->nchunks; c++)
			for (uint64_t i = 0; s->chunks[c] && i < CHUNK; i++)
				if (s->chunks[c][i] && swp_type(s->chunks[c][i]) == type) {
					*out = s;
					*index = c * CHUNK + i;
					return true;
				}
	return false;
}

long tmpfs_swap_unuse(unsigned type)
{
	struct tmpfs_swap *s;
	uint64_t index;
	while (find_on(type, &s, &index)) {
		struct inode *inode = igrab(s->inode);   /* the file may lose its last name meanwhile */
		int err = 0;
		paddr_t pa = filemap_get_page(inode->i_mapping, index, NULL, &err);
		if (pa)
			frame_put(pa);   /* cached, its slot gone */
		iput(inode);
		if (!pa)
			return err;
	}
	return 0;
}

void tmpfs_swap_for_each(void (*fn)(uintptr_t va, pte_t *entry, void *arg), void *arg)
{
	for (struct tmpfs_swap *s = all_stores; s; s = s->next)
		for (uint64_t c = 0; c < s->nchunks; c++)
			for (uint64_t i = 0; s->chunks[c] && i < CHUNK; i++)
				if (s->chunks[c][i])
					fn(0, &s->chunks[c][i], arg);
}
