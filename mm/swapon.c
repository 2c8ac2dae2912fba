/*
 * swapon(2) and swapoff(2): a swap area comes on (a disk, or a swap file on
 * ext2) and goes off again, with Linux's semantics and errnos.
 *
 *   swapon(path, flags)   path is a disk (/dev/vdb: Pagoda's /dev has no
 *                         block nodes, so the name is looked up among the
 *                         disks) or a regular file with mkswap's header, its
 *                         blocks mapped once now (no holes, like Linux). Up to
 *                         MAX_SWAPFILES areas at once; SWAP_FLAG_PREFER |
 *                         prio sets the area's priority (swapfile.c says how
 *                         priorities pick slots), else it gets the next
 *                         automatic one (-2, -3, ...). EPERM when
 *                         MAX_SWAPFILES areas are on, EBUSY if this one is,
 *                         EINVAL (no header, a hole, not a file or disk, bad
 *                         flags), the open's error (ENOENT, EISDIR, ...),
 *                         EFAULT, ENAMETOOLONG.
 *   swapoff(path)         every page in that area comes back in
 *                         (try_to_unuse), or moves to another area when
 *                         reclaim pushes it out again, and the area goes;
 *                         ENOMEM if memory and the other areas cannot hold
 *                         them (room_for_unuse, decided before any comes in;
 *                         or an allocation fails on the way: the area stays
 *                         on, what came in stays), EINVAL if path is not an
 *                         area, the open's error otherwise (ENOENT, EISDIR:
 *                         Linux opens the path O_RDWR, as swapon does).
 *
 * try_to_unuse: the area stops handing out slots (total and free swap leave
 * out its space from then on, as Linux), then rounds until none of its slots
 * is used: each round walks every address space's page tables and every
 * shared object once for entries of its type; an entry whose page is in the
 * swap cache is mapped now (no sleep between finding it and mapping it: the
 * space cannot go away meanwhile), the others are read into the swap cache
 * afterwards (sleeping, a batch per round), so the next round maps them.
 * Pages come back as the fault path would bring them (fault.c
 * swap_in_resident, shmem.c shm_unuse_slot); tmpfs files' pages come back
 * into their page cache (tmpfs_swap.c tmpfs_swap_unuse).
 *
 * Always true: an area is freed only with no slot in use (no PTE, shared
 * object or cached page names it); a failed swapoff leaves it on and whole.
 * Lock: none of its own; swap_lock (swapfile.c) guards the area's state.
 */
#include "swapfile.h"
#include "fault.h"
#include "kheap.h"
#include "kswapd.h"
#include "mm.h"
#include "pagetable.h"
#include "shmem.h"
#include "swap_state.h"
#include "tmpfs_swap.h"
#include "filemap.h"
#include "frame.h"
#include "vmscan.h"
#include "../block/blkdev.h"
#include "../fs/vfs.h"
#include "../kernel/errno.h"
#include "../kernel/linux_abi.h"
#include "../kernel/string.h"
#include "../kernel/syscalls.h"
#include "../kernel/uaccess.h"

enum { UNUSE_BATCH = 64, FOUND_MAX = 256 };

#define SWAP_FLAGS_VALID 0x7ffff   /* Linux: priority, PREFER, the DISCARD flags */

/* ---- try_to_unuse ---- */

struct unuse {
	unsigned type;             /* the area being emptied */
	pte_t want[UNUSE_BATCH];   /* entries to read into the swap cache after this round */
	size_t nwant;
	uintptr_t found_va[FOUND_MAX];   /* one space's swap entries, found by the walk */
	pte_t found[FOUND_MAX];
	size_t nfound;
	uintptr_t resume;          /* where the walk stopped collecting (FOUND_MAX reached) */
	uint64_t progress;         /* entries brought back this round */
};

static void want(struct unuse *u, pte_t swp)
{
	for (size_t i = 0; i < u->nwant; i++)
		if (u->want[i] == swp)
			return;
	if (u->nwant < UNUSE_BATCH)
		u->want[u->nwant++] = swp;
}

static void collect(uintptr_t va, pte_t *slot, void *arg)
{
	struct unuse *u = arg;
	if (swp_type(*slot) != u->type)
		return;   /* another area's: it stays */
	if (u->nfound == FOUND_MAX) {
		u->resume = u->resume < va ? u->resume : va;
		return;
	}
	u->found_va[u->nfound] = va;
	u->found[u->nfound++] = *slot;
}

static void unuse_shm(struct shm_object *shm, struct unuse *u)
{
	for (size_t i = 0; i < shm->npages; i++)
		if (pte_is_swap(shm->pages[i]) && swp_type(shm->pages[i]) == u->type) {
			pte_t swp = shm->pages[i];
			if (shm_unuse_slot(shm, &shm->pages[i]))
				u->progress++;
			else
				want(u, swp);
		}
}

/* One address space: its swap entries (in batches of FOUND_MAX), then its
 * shared objects. Nothing here sleeps. */
static void unuse_mm(struct mm *mm, void *arg)
{
	struct unuse *u = arg;
	struct pt_visitor v = { NULL, NULL, u, collect };
	for (uintptr_t start = 0; start < USER_TOP; start = u->resume) {
		u->nfound = 0;
		u->resume = USER_TOP;
		pt_traverse(mm->pgd, start, USER_TOP, &v);
		for (size_t i = 0; i < u->nfound; i++)
			if (swap_in_resident(mm, u->found_va[i], u->found[i]))
				u->progress++;
			else
				want(u, u->found[i]);
	}
	for (struct vma *vma = mm->vma_list; vma; vma = vma->next)
		if (vma->shm)
			unuse_shm(vma->shm, u);
}

/* Read this round's entries into the swap cache (sleeps). */
static long read_wanted(struct unuse *u)
{
	for (size_t i = 0; i < u->nwant; i++) {
		bool major;
		int err = 0;
		paddr_t pa = read_swap_cache(u->want[i], &major, &err);
		if (pa)
			frame_put(pa);   /* the cache keeps it until the next round maps it */
		else if (err == -ENOMEM || err == -EIO)
			return err;
	}
	return 0;
}

/* A failed swapoff: the pages read for the round that failed are in the
 * swap cache only (mapped by nobody, on no policy list): let them go; their
 * slots still hold the data. */
static void drop_wanted(struct unuse *u)
{
	for (size_t i = 0; i < u->nwant; i++) {
		struct page *p = lookup_swap_cache(u->want[i]);
		if (p && !(p->flags & PG_locked) && p->refcount == 1)
			delete_from_swap_cache(p);
	}
}

/* Can memory and the other areas hold every page area type holds (its
 * writes stopped already)? Free frames, clean page cache (which reclaim can
 * drop) and the other areas' free slots against its slots in use, keeping
 * the high watermark free. Decided before anything comes in: bringing
 * pages back until allocation fails would leave memory exhausted, and with
 * writes to the area stopped nothing could make room again. */
static bool room_for_unuse(int type)
{
	uint64_t clean = pagecache_stat.nr_pages - pagecache_stat.nr_dirty;
	uint64_t room = frame_free_count() + clean + nr_swap_pages();
	return swap_inuse(type) + reclaim_stat.high_watermark <= room;
}

static long try_to_unuse(int type)
{
	struct unuse *u = kmalloc(sizeof(*u));
	long err = u ? 0 : -ENOMEM;
	while (!err && swap_inuse(type)) {
		u->type = (unsigned)type;
		u->nwant = u->progress = 0;
		for_each_mm(unuse_mm, u);
		err = read_wanted(u);
		if (!err)
			err = tmpfs_swap_unuse(u->type);   /* tmpfs files' pages: back into their page cache */
		if (!err && !u->nwant && !u->progress)
			err = swap_wait_cached(type);   /* only pages under I/O hold slots: let it end */
	}
	if (err && u)
		drop_wanted(u);
	kfree(u);
	return err;
}

/* ---- the calls ---- */

/* The user's path in a new buffer; NULL with *err (EFAULT, ENAMETOOLONG, ENOMEM). */
static char *get_path(uintptr_t upath, long *err)
{
	char *path = kmalloc(PATH_MAX);
	long n = path ? strncpy_from_user(path, upath, PATH_MAX) : -ENOMEM;
	*err = n < 0 ? n : n >= PATH_MAX ? -ENAMETOOLONG : !n ? -ENOENT : 0;
	if (*err) {
		kfree(path);
		return NULL;
	}
	return path;
}

static long swapon_path(const char *path, int flags)
{
	struct block_device *bdev = strncmp(path, "/dev/", 5) ? NULL : blkdev_lookup(path);
	if (bdev)
		return swap_on(bdev, flags);
	int err;
	struct file *f = filp_open(path, O_RDWR, &err);
	if (!f)
		return err;
	err = inode_is_reg(f->f_inode) ? swap_on_file(f, path, flags) : -EINVAL;
	fput(f);
	return err;
}

long sys_swapon(uintptr_t upath, int flags)
{
	long err;
	if (flags & ~SWAP_FLAGS_VALID)
		return -EINVAL;
	char *path = get_path(upath, &err);
	if (!path)
		return err;
	err = swapon_path(path, flags);
	kfree(path);
	if (!err)
		kswapd_start();
	return err;
}

/* The area path names, as Linux finds it (the path opened O_RDWR, its
 * file compared with each area's): a disk by its name, a file by its inode.
 * -EINVAL if it is no area, or the open's error (ENOENT, EISDIR, ...). */
static int area_of_path(const char *path)
{
	struct block_device *bdev = strncmp(path, "/dev/", 5) ? NULL : blkdev_lookup(path);
	int t, err;
	if (bdev) {
		t = swap_find(bdev, NULL);
		return t >= 0 ? t : -EINVAL;
	}
	struct file *f = filp_open(path, O_RDWR, &err);
	if (!f)
		return err;
	t = swap_find(NULL, f->f_inode);
	fput(f);
	return t >= 0 ? t : -EINVAL;
}

long sys_swapoff(uintptr_t upath)
{
	long err;
	char *path = get_path(upath, &err);
	if (!path)
		return err;
	int type = area_of_path(path);
	kfree(path);
	if (type < 0)
		return type;
	swap_set_writeok(type, false);
	err = room_for_unuse(type) ? try_to_unuse(type) : -ENOMEM;
	if (err) {
		swap_set_writeok(type, true);
		return err;
	}
	struct file *f = swap_off(type);
	if (f)
		fput(f);
	return 0;
}
