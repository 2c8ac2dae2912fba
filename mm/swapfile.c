/*
 * Swap space: the areas that hold evicted anonymous pages, and their slots
 * (Linux mm/swapfile.c): up to MAX_SWAPFILES areas at once, each a disk or
 * a swap file on ext2 whose pages were mapped to disk sectors at swapon
 * (mm/swapon.c). A swap entry's type is its area's index in swap_info[].
 *
 *   disk:      | header | slot 1 | slot 2 | ...               | slot max-1 |
 *   swap_map:  |  BAD   |   2    |   0    | 1|HAS_CACHE | ... |
 *                         ^ two PTEs name slot 1 (a page COW-shared by fork)
 *
 * The device is a disk with Linux's swap header (`mkswap IMAGE` on the host,
 * tools/pagoda-run --swap): page 0 holds the version, the last usable page
 * and the signature "SWAPSPACE2" in its last 10 bytes; slot n is page n of
 * the area, so slot 0 (the header) is never handed out.
 *
 * Which area a new slot comes from (Linux's semantics): the highest
 * priority area with a free slot; areas of equal priority take turns, one
 * cluster (SWAPFILE_CLUSTER slots handed out) each, so sequential evictions
 * still write sequential slots. An area turned on without SWAP_FLAG_PREFER
 * gets the next lower negative priority (-2, -3, ...: Linux's
 * least_priority); when such an area goes, the automatic ones below it move
 * up one, as Linux.
 *
 * Invariants (swap_audit checks them per area at every reap under debug_vm):
 *   - swap_map[n] & ~SWAP_HAS_CACHE == the number of PTEs (and shared
 *     objects) holding swap entry (type, n);
 *   - SWAP_HAS_CACHE is set exactly when the swap cache (swap_state.c)
 *     holds a page for slot n, or is about to (between get_swap_page and
 *     add_to_swap_cache, with no sleep between);
 *   - a slot with neither is free, and inuse counts the others;
 *   - a slot is read only after its current owner wrote it: a slot is
 *     handed out with SWAP_HAS_CACHE, its page stays in the swap cache until
 *     the write completes, and every fault finds it there first;
 *   - while swapoff empties an area (writeok false), no slot of it is handed
 *     out; an area's swap file has S_SWAPFILE while the area is on.
 * Lock: swap_lock (spinlock) guards swap_info[] and the turn; never held
 * across I/O.
 */
#include "swapfile.h"
#include "kheap.h"
#include "layout.h"
#include "swap_state.h"
#include "../block/blkdev.h"
#include "../kernel/errno.h"
#include "../kernel/panic.h"
#include "../kernel/printk.h"
#include "../kernel/spinlock.h"
#include "../kernel/string.h"
#include "../fs/vfs.h"
#include "frame.h"

/* A run of a swap file's pages that lie in a row on the disk (Linux's
 * swap_extent): pages [start, start + count) at sectors from sector. */
struct swap_extent {
	uint64_t start, count, sector;
};

struct swap_info {
	struct block_device *bdev;   /* NULL: this type is free (no area) */
	int prio;                    /* higher is used first */
	uint64_t cluster_nr;         /* slots handed out since this area's turn began */
	uint64_t max;                /* slots 1 .. max-1 exist */
	uint16_t *swap_map;          /* per slot: PTE references | SWAP_HAS_CACHE, or SWAP_MAP_BAD */
	uint64_t pages;              /* usable slots */
	uint64_t inuse;              /* slots not free (the header and bad pages excluded) */
	uint64_t cluster_next;       /* next-fit: the search for a free slot starts here */
	bool writeok;                /* slots are handed out (not while swapoff empties the area) */
	struct swap_extent *extents; /* a swap file: where its runs of pages lie on bdev (mapped
	                                once at swapon); NULL for a disk: slot n is at sector 8n */
	size_t nr_extents;
	struct file *file;           /* a swap file: the open file (one reference), else NULL */
	char name[SWAP_NAME_MAX];    /* as swapon named it and /proc/swaps shows it */
};

/* What swapon found for a new area (activate's input). */
struct swap_area_setup {
	struct block_device *bdev;
	struct swap_extent *ext;   /* a swap file's runs of pages; NULL for a disk */
	size_t next;               /* how many runs */
	uint64_t area_pages;
	int flags;                 /* swapon's: SWAP_FLAG_PREFER | priority */
	char name[SWAP_NAME_MAX];
};

/* Linux's header (include/linux/swap.h, union swap_header), version 1. */
struct swap_header {
	char bootbits[1024];
	uint32_t version;
	uint32_t last_page;
	uint32_t nr_badpages;
	uint8_t uuid[16];
	char volume_name[16];
	uint32_t padding[117];
	uint32_t badpages[1];
};

static const char SWAP_MAGIC[] = "SWAPSPACE2";
enum { SWAP_MAGIC_LEN = 10, SECTORS_PER_PAGE = PAGE_SIZE / SECTOR_SIZE };

enum { SWAPFILE_CLUSTER = 256 };   /* slots an area hands out in a row before an equal one's turn */

static struct swap_info swap_info[MAX_SWAPFILES];
static int least_priority = -1;   /* the last automatic priority given (Linux's) */
static int turn = -1;             /* the area whose cluster is being handed out */
static struct spinlock swap_lock = SPINLOCK_INIT("swap");
struct swap_counters swap_stat;

bool swap_enabled(void)
{
	for (int t = 0; t < MAX_SWAPFILES; t++)
		if (swap_info[t].bdev)
			return true;
	return false;
}

bool swap_uses(const struct block_device *bdev)
{
	return swap_find(bdev, NULL) >= 0;
}

/* ---- turning swap on ---- */

static bool has_signature(const char *page)
{
	return !memcmp(page + PAGE_SIZE - SWAP_MAGIC_LEN, SWAP_MAGIC, SWAP_MAGIC_LEN);
}

/* Slots the header allows on an area of area_pages pages; 0 if it is not
 * a valid header. */
static uint64_t header_slots(const struct swap_header *h, uint64_t area_pages)
{
	if (!has_signature((const char *)h) || h->version != 1 || h->last_page < 1)
		return 0;
	uint64_t max = (uint64_t)h->last_page + 1;
	max = max < area_pages ? max : area_pages;
	return max < SWP_OFFSET_MASK ? max : SWP_OFFSET_MASK;
}

static void mark_bad_pages(struct swap_info *si, const struct swap_header *h)
{
	uint32_t n = h->nr_badpages < 637 ? h->nr_badpages : 637;   /* what fits in page 0 */
	for (uint32_t i = 0; i < n; i++)
		if (h->badpages[i] > 0 && h->badpages[i] < si->max && si->swap_map[h->badpages[i]] != SWAP_MAP_BAD) {
			si->swap_map[h->badpages[i]] = SWAP_MAP_BAD;
			si->pages--;
		}
}

/* The header page of an area of area_pages pages starting at sector first. */
static int read_header(struct block_device *bdev, uint64_t first, uint64_t area_pages, paddr_t buf, uint64_t *max)
{
	if (area_pages < 2)
		return -EINVAL;
	if (blkdev_read(bdev, first, pa_to_kva(buf), SECTORS_PER_PAGE))
		return -EIO;
	*max = header_slots(pa_to_kva(buf), area_pages);
	return *max >= 2 ? 0 : -EINVAL;
}

/* A free type for a new area; -EPERM when MAX_SWAPFILES are on (Linux). */
static int free_type(void)
{
	for (int t = 0; t < MAX_SWAPFILES; t++)
		if (!swap_info[t].bdev)
			return t;
	return -EPERM;
}

/* swapon's flags as a priority: the one asked for, or the next automatic. */
static int priority_of(int flags)
{
	if (flags & SWAP_FLAG_PREFER)
		return flags & SWAP_FLAG_PRIO_MASK;
	return --least_priority;
}

/* Turn area t on: bdev, its pages (a file's extents, or slot n at 8n),
 * its name, its priority. */
static int activate(int t, struct swap_area_setup *a)
{
	paddr_t buf = frame_alloc(FRAME_KHEAP);
	if (!buf)
		return -ENOMEM;
	uint64_t max = 0;
	int err = read_header(a->bdev, a->ext ? a->ext[0].sector : 0, a->area_pages, buf, &max);
	uint16_t *map = err ? NULL : kzalloc(max * sizeof(uint16_t));
	if (!err && !map)
		err = -ENOMEM;
	if (!err) {
		struct swap_info *si = &swap_info[t];
		*si = (struct swap_info){ .bdev = a->bdev, .prio = priority_of(a->flags), .max = max, .swap_map = map,
					  .pages = max - 1, .cluster_next = 1, .writeok = true, .extents = a->ext,
					  .nr_extents = a->next };
		strlcpy(si->name, a->name, sizeof(si->name));
		map[0] = SWAP_MAP_BAD;
		mark_bad_pages(si, pa_to_kva(buf));
	}
	frame_put(buf);
	return err;
}

int swap_on(struct block_device *bdev, int flags)
{
	int t = free_type();
	if (t < 0)
		return t;
	if (swap_find(bdev, NULL) >= 0)
		return -EBUSY;
	struct swap_area_setup a = { bdev, NULL, 0, bdev->nr_sectors / SECTORS_PER_PAGE, flags, "" };
	snprintf(a.name, sizeof(a.name), "/dev/%s", bdev->name);
	return activate(t, &a);
}

/* The file's pages on its disk (a_ops->bmap), as runs: how many runs; with
 * out, each written there. -EINVAL for a hole or a page whose blocks are
 * not in a row (Linux refuses a file with holes). */
static long map_runs(struct file *f, uint64_t pages, struct block_device **bdev, struct swap_extent *out)
{
	const struct address_space_operations *a = f->f_inode->i_mapping->a_ops;
	long n = 0;
	uint64_t sector, prev = 0;
	if (!a || !a->bmap)
		return -EINVAL;
	for (uint64_t i = 0; i < pages; prev = sector, i++) {
		if (a->bmap(f->f_inode, i, bdev, &sector))
			return -EINVAL;
		if (i && sector == prev + SECTORS_PER_PAGE) {
			if (out)
				out[n - 1].count++;
			continue;
		}
		if (out)
			out[n] = (struct swap_extent){ i, 1, sector };
		n++;
	}
	return n;
}

/* The extents of the file's pages; NULL with *err. */
static struct swap_extent *map_file(struct file *f, uint64_t pages, struct block_device **bdev, size_t *n, int *err)
{
	long runs = map_runs(f, pages, bdev, NULL);
	struct swap_extent *ext = runs > 0 ? kmalloc((size_t)runs * sizeof(*ext)) : NULL;
	*err = runs < 0 ? (int)runs : !runs ? -EINVAL : ext ? 0 : -ENOMEM;
	if (!*err)
		*n = (size_t)map_runs(f, pages, bdev, ext);
	return *err ? NULL : ext;
}

int swap_on_file(struct file *f, const char *name, int flags)
{
	int t = free_type();
	if (t < 0)
		return t;
	if (IS_SWAPFILE(f->f_inode))
		return -EBUSY;
	int err;
	struct swap_area_setup a = { NULL, NULL, 0, f->f_inode->i_size >> PAGE_SHIFT, flags, "" };
	strlcpy(a.name, name, sizeof(a.name));
	a.ext = map_file(f, a.area_pages, &a.bdev, &a.next, &err);
	if (!a.ext)
		return err;
	if ((err = activate(t, &a))) {
		kfree(a.ext);
		return err;
	}
	swap_info[t].file = get_file(f);
	f->f_inode->i_flags |= S_SWAPFILE;
	return 0;
}

/* Does bdev carry a swap signature? Reads its first page. */
static bool is_swap_disk(struct block_device *bdev, paddr_t buf)
{
	if (bdev->nr_sectors < SECTORS_PER_PAGE || blkdev_read(bdev, 0, pa_to_kva(buf), SECTORS_PER_PAGE))
		return false;
	return has_signature(pa_to_kva(buf));
}

void swap_boot(void)
{
	paddr_t buf = frame_alloc(FRAME_KHEAP);
	struct block_device *b = NULL;
	while (buf && (b = blkdev_next(b)) && !is_swap_disk(b, buf))
		;
	if (buf)
		frame_put(buf);
	if (!b)
		return;
	int err = swap_on(b, 0);
	if (err)
		printk("swap: %s: not enabled (error %d)\n", b->name, err);
	else
		pr_info("swap: %s: %lu slots (%lu KiB) enabled\n", b->name, total_swap_pages(),
			total_swap_pages() * (PAGE_SIZE / 1024));
}

/* ---- slots ---- */

static void free_slot_locked(struct swap_info *si, uint64_t off)
{
	si->swap_map[off] = 0;
	si->inuse--;
}

/* Next-fit from cluster_next: evictions in a row get slots in a row. */
static uint64_t scan_swap_map(struct swap_info *si)
{
	for (uint64_t n = 0, off = si->cluster_next; n < si->max; n++, off = off + 1 < si->max ? off + 1 : 1)
		if (!si->swap_map[off]) {
			si->cluster_next = off + 1 < si->max ? off + 1 : 1;
			return off;
		}
	return 0;
}

static bool has_room(const struct swap_info *si)
{
	return si->bdev && si->writeok && si->inuse < si->pages;
}

/* The highest priority of an area with room; false if none has any. */
static bool best_priority(int *prio)
{
	bool any = false;
	for (int t = 0; t < MAX_SWAPFILES; t++)
		if (has_room(&swap_info[t]) && (!any || swap_info[t].prio > *prio)) {
			*prio = swap_info[t].prio;
			any = true;
		}
	return any;
}

/* The area the next slot comes from: the one whose turn it is while its
 * cluster lasts and its priority is the best, else the next area of the
 * best priority after it (round-robin by cluster); -1 if all are full. */
static int pick_area(void)
{
	int prio = 0;
	if (!best_priority(&prio))
		return -1;
	if (turn >= 0 && has_room(&swap_info[turn]) && swap_info[turn].prio == prio &&
	    swap_info[turn].cluster_nr < SWAPFILE_CLUSTER)
		return turn;
	for (int n = 1; n <= MAX_SWAPFILES; n++) {
		int t = (turn + n + MAX_SWAPFILES) % MAX_SWAPFILES;
		if (has_room(&swap_info[t]) && swap_info[t].prio == prio) {
			swap_info[t].cluster_nr = 0;
			return turn = t;
		}
	}
	return -1;
}

pte_t get_swap_page(void)
{
	spin_lock(&swap_lock);
	int t = pick_area();
	struct swap_info *si = t >= 0 ? &swap_info[t] : NULL;
	uint64_t off = si ? scan_swap_map(si) : 0;
	if (off) {
		si->swap_map[off] = SWAP_HAS_CACHE;
		si->inuse++;
		si->cluster_nr++;
	}
	spin_unlock(&swap_lock);
	return off ? swp_entry((unsigned)t, off) : 0;
}

/* The area of a swap entry that must name a slot in use. */
static struct swap_info *area_of(pte_t swp)
{
	kassert(pte_is_swap(swp) && swp_type(swp) < MAX_SWAPFILES);
	return &swap_info[swp_type(swp)];
}

/* swp's map entry; the entry must name a slot in use. */
static uint16_t *map_of(pte_t swp)
{
	struct swap_info *si = area_of(swp);
	uint64_t off = swp_offset(swp);
	kassert(si->bdev && off > 0 && off < si->max);
	kassert(si->swap_map[off] && si->swap_map[off] != SWAP_MAP_BAD);
	return &si->swap_map[off];
}

void swap_duplicate(pte_t swp)
{
	spin_lock(&swap_lock);
	uint16_t *m = map_of(swp);
	kassert((*m & ~SWAP_HAS_CACHE) < SWAP_MAP_MAX);
	(*m)++;
	spin_unlock(&swap_lock);
}

void swap_free(pte_t swp)
{
	spin_lock(&swap_lock);
	uint16_t *m = map_of(swp);
	kassert(*m & ~SWAP_HAS_CACHE);
	(*m)--;
	bool cached = *m == SWAP_HAS_CACHE;
	if (!*m)
		free_slot_locked(area_of(swp), swp_offset(swp));
	spin_unlock(&swap_lock);
	if (cached)
		swap_cache_unused(swp);   /* nobody will read this slot again: let its page go */
}

void swapcache_free(pte_t swp)
{
	spin_lock(&swap_lock);
	uint16_t *m = map_of(swp);
	kassert(*m & SWAP_HAS_CACHE);
	*m &= ~SWAP_HAS_CACHE;
	if (!*m)
		free_slot_locked(area_of(swp), swp_offset(swp));
	spin_unlock(&swap_lock);
}

void swapcache_prepare(pte_t swp)
{
	spin_lock(&swap_lock);
	uint16_t *m = map_of(swp);
	kassert(!(*m & SWAP_HAS_CACHE) && *m);
	*m |= SWAP_HAS_CACHE;
	spin_unlock(&swap_lock);
}

unsigned swap_count(pte_t swp)
{
	return *map_of(swp) & ~SWAP_HAS_CACHE;
}

bool swap_slot_named(pte_t swp)
{
	uint64_t off = swp_offset(swp);
	spin_lock(&swap_lock);
	struct swap_info *si = swp_type(swp) < MAX_SWAPFILES ? &swap_info[swp_type(swp)] : NULL;
	bool named = si && si->bdev && off > 0 && off < si->max && si->swap_map[off] != SWAP_MAP_BAD &&
		     (si->swap_map[off] & ~SWAP_HAS_CACHE);
	spin_unlock(&swap_lock);
	return named;
}

/* ---- I/O ---- */

/* Where slot off of si lies on its device. */
static uint64_t slot_sector(const struct swap_info *si, uint64_t off)
{
	for (size_t i = 0; i < si->nr_extents; i++)
		if (off - si->extents[i].start < si->extents[i].count)
			return si->extents[i].sector + (off - si->extents[i].start) * SECTORS_PER_PAGE;
	return off * SECTORS_PER_PAGE;   /* a disk */
}

int swap_readpage(pte_t swp, paddr_t pa)
{
	struct swap_info *si = area_of(swp);
	int err = blkdev_read(si->bdev, slot_sector(si, swp_offset(swp)), pa_to_kva(pa), SECTORS_PER_PAGE);
	if (swap_stat.test_fail_reads) {
		swap_stat.test_fail_reads--;
		err = -EIO;
	}
	if (err) {   /* Linux says the same ("Read-error on swap-device") */
		swap_stat.read_errors++;
		printk("swap: %s: read error on slot %lu: its page is lost\n", si->name, swp_offset(swp));
	} else {
		swap_stat.pswpin++;
	}
	return err ? -EIO : 0;
}

int swap_writepage(pte_t swp, paddr_t pa)
{
	struct swap_info *si = area_of(swp);
	int err = blkdev_write(si->bdev, slot_sector(si, swp_offset(swp)), pa_to_kva(pa), SECTORS_PER_PAGE);
	if (err) {   /* the page stays in memory (the swap cache): nothing is lost */
		swap_stat.write_errors++;
		printk("swap: %s: write error on slot %lu: the page stays in memory\n", si->name, swp_offset(swp));
	} else {
		swap_stat.pswpout++;
	}
	return err ? -EIO : 0;
}

/* ---- counters and the audit ---- */

/* Over the areas slots are handed out from (swapoff takes an area's away
 * first, as Linux): usable slots, or free ones. */
static uint64_t sum_slots(bool only_free)
{
	uint64_t n = 0;
	for (int t = 0; t < MAX_SWAPFILES; t++)
		if (swap_info[t].bdev && swap_info[t].writeok)
			n += swap_info[t].pages - (only_free ? swap_info[t].inuse : 0);
	return n;
}

uint64_t total_swap_pages(void)
{
	return sum_slots(false);
}

uint64_t nr_swap_pages(void)
{
	return sum_slots(true);
}

/* ---- turning an area off (mm/swapon.c empties it first) ---- */

int swap_find(const struct block_device *bdev, const struct inode *inode)
{
	for (int t = 0; t < MAX_SWAPFILES; t++) {
		const struct swap_info *si = &swap_info[t];
		if (si->bdev && (inode ? si->file && si->file->f_inode == inode : si->bdev == bdev && !si->file))
			return t;
	}
	return -1;
}

void swap_set_writeok(int type, bool ok)
{
	spin_lock(&swap_lock);
	swap_info[type].writeok = ok;
	spin_unlock(&swap_lock);
}

uint64_t swap_inuse(int type)
{
	return swap_info[type].bdev ? swap_info[type].inuse : 0;
}

long swap_wait_cached(int type)
{
	struct swap_info *si = &swap_info[type];
	for (uint64_t off = 1; off < si->max; off++) {
		if (si->swap_map[off] != SWAP_HAS_CACHE)
			continue;
		struct page *p = lookup_swap_cache(swp_entry((unsigned)type, off));
		if (!p)
			return -EBUSY;   /* cannot happen: swap_audit would say so */
		swap_page_pin(p);
		wait_on_swap_page(p);
		if ((p->flags & PG_swapcache) && !(p->flags & PG_locked) && swap_count(p->swap_entry) == 0)
			delete_from_swap_cache(p);   /* nobody names the slot: its copy is useless */
		swap_page_unpin(p);
		return 0;
	}
	return -EBUSY;
}

/* An automatic priority goes: those below it move up one (Linux). */
static void release_priority(int prio)
{
	if (prio >= 0)
		return;
	for (int t = 0; t < MAX_SWAPFILES; t++)
		if (swap_info[t].bdev && swap_info[t].prio < prio)
			swap_info[t].prio++;
	least_priority++;
}

struct file *swap_off(int type)
{
	struct swap_info *si = &swap_info[type];
	kassert(si->bdev && !si->inuse);
	struct file *f = si->file;
	int prio = si->prio;
	if (f)
		f->f_inode->i_flags &= ~S_SWAPFILE;
	kfree(si->swap_map);
	kfree(si->extents);
	spin_lock(&swap_lock);
	*si = (struct swap_info){ 0 };
	release_priority(prio);
	spin_unlock(&swap_lock);
	return f;
}

bool swap_get_info(int type, struct swap_area_info *out)
{
	const struct swap_info *si = &swap_info[type];
	if (!si->bdev)
		return false;
	*out = (struct swap_area_info){ si->name, si->file != NULL, si->pages, si->inuse, si->prio };
	return true;
}

uint64_t swap_max_slots(int type)
{
	return swap_info[type].bdev ? swap_info[type].max : 0;
}

static const char *slot_problem(int type, uint64_t off, uint32_t refs)
{
	uint16_t m = swap_info[type].swap_map[off];
	bool cached = lookup_swap_cache(swp_entry((unsigned)type, off)) != NULL;
	if (m == SWAP_MAP_BAD)
		return refs ? "a bad slot is named by a PTE" : NULL;
	if ((m & ~SWAP_HAS_CACHE) != refs)
		return "reference count != swap entries naming it";
	if (!!(m & SWAP_HAS_CACHE) != cached)
		return "SWAP_HAS_CACHE disagrees with the swap cache";
	return NULL;
}

int swap_audit(int type, const uint32_t *refs)
{
	const struct swap_info *si = &swap_info[type];
	int bad = 0;
	uint64_t used = 0;
	for (uint64_t off = 1; off < si->max; off++) {
		const char *why = slot_problem(type, off, refs[off]);
		used += si->swap_map[off] && si->swap_map[off] != SWAP_MAP_BAD;
		if (why && bad++ < 8)
			printk("swap_audit: %s slot %lu: %s (map %x, %u entries)\n", si->name, off, why, si->swap_map[off],
			       refs[off]);
	}
	if (used != si->inuse && bad++ < 8)
		printk("swap_audit: %s: %lu slots in use but inuse says %lu\n", si->name, used, si->inuse);
	return bad;
}
