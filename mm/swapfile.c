/*
 * Swap space: the area that holds evicted anonymous pages, and its slots
 * (Linux mm/swapfile.c, one area at a time: type 0): a disk, or a swap file
 * on ext2 whose pages were mapped to disk sectors at swapon (mm/swapon.c).
 *
 *   disk:      | header | slot 1 | slot 2 | ...               | slot max-1 |
 *   swap_map:  |  BAD   |   2    |   0    | 1|HAS_CACHE | ... |
 *                         ^ two PTEs name slot 1 (a page COW-shared by fork)
 *
 * The device is a disk with Linux's swap header (`mkswap IMAGE` on the host,
 * tools/pagoda-run --swap): page 0 holds the version, the last usable page
 * and the signature "SWAPSPACE2" in its last 10 bytes; slot n is page n of
 * the disk, so slot 0 (the header) is never handed out.
 *
 * Invariants (swap_audit checks them at every reap under debug_vm):
 *   - swap_map[n] & ~SWAP_HAS_CACHE == the number of PTEs holding swap
 *     entry n (fork duplicates, unmap and swap-in drop);
 *   - SWAP_HAS_CACHE is set exactly when the swap cache (swap_state.c)
 *     holds a page for slot n, or is about to (between get_swap_page and
 *     add_to_swap_cache, with no sleep between);
 *   - a slot with neither is free, and inuse counts the others;
 *   - a slot is read only after its current owner wrote it: a slot is
 *     handed out with SWAP_HAS_CACHE, its page stays in the swap cache until
 *     the write completes, and every fault finds it there first.
 *   - while swapoff empties the area (writeok false), no slot is handed out.
 * Lock: swap_lock (spinlock) guards swap_info; never held across I/O.
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
	struct block_device *bdev;   /* NULL: swap is off */
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

static struct swap_info si;
static struct spinlock swap_lock = SPINLOCK_INIT("swap");
struct swap_counters swap_stat;

bool swap_enabled(void)
{
	return si.bdev != NULL;
}

bool swap_uses(const struct block_device *bdev)
{
	return si.bdev == bdev;
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

static void mark_bad_pages(const struct swap_header *h)
{
	uint32_t n = h->nr_badpages < 637 ? h->nr_badpages : 637;   /* what fits in page 0 */
	for (uint32_t i = 0; i < n; i++)
		if (h->badpages[i] > 0 && h->badpages[i] < si.max && si.swap_map[h->badpages[i]] != SWAP_MAP_BAD) {
			si.swap_map[h->badpages[i]] = SWAP_MAP_BAD;
			si.pages--;
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

/* Turn the area on: bdev, its pages (a file's extents, or slot n at 8n),
 * its name. The caller checked that swap is off. */
static int activate(struct block_device *bdev, struct swap_extent *ext, size_t next, uint64_t area_pages,
		    const char *name)
{
	paddr_t buf = frame_alloc(FRAME_KHEAP);
	if (!buf)
		return -ENOMEM;
	uint64_t max = 0;
	int err = read_header(bdev, ext ? ext[0].sector : 0, area_pages, buf, &max);
	uint16_t *map = err ? NULL : kzalloc(max * sizeof(uint16_t));
	if (!err && !map)
		err = -ENOMEM;
	if (!err) {
		si = (struct swap_info){ bdev, max, map, max - 1, 0, 1, true, ext, next, NULL, "" };
		strlcpy(si.name, name, sizeof(si.name));
		map[0] = SWAP_MAP_BAD;
		mark_bad_pages(pa_to_kva(buf));
	}
	frame_put(buf);
	return err;
}

int swap_on(struct block_device *bdev)
{
	char name[SWAP_NAME_MAX];
	if (si.bdev)
		return -EBUSY;
	snprintf(name, sizeof(name), "/dev/%s", bdev->name);
	return activate(bdev, NULL, 0, bdev->nr_sectors / SECTORS_PER_PAGE, name);
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

int swap_on_file(struct file *f, const char *name)
{
	if (si.bdev)
		return si.file && si.file->f_inode == f->f_inode ? -EBUSY : -EPERM;
	int err;
	size_t n = 0;
	struct block_device *bdev = NULL;
	uint64_t pages = f->f_inode->i_size >> PAGE_SHIFT;
	struct swap_extent *ext = map_file(f, pages, &bdev, &n, &err);
	if (!ext)
		return err;
	if ((err = activate(bdev, ext, n, pages, name))) {
		kfree(ext);
		return err;
	}
	si.file = get_file(f);
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
	int err = swap_on(b);
	if (err)
		printk("swap: %s: not enabled (error %d)\n", b->name, err);
	else
		pr_info("swap: %s: %lu slots (%lu KiB) enabled\n", b->name, si.pages, si.pages * (PAGE_SIZE / 1024));
}

/* ---- slots ---- */

static void free_slot_locked(uint64_t off)
{
	si.swap_map[off] = 0;
	si.inuse--;
}

/* Next-fit from cluster_next: evictions in a row get slots in a row. */
static uint64_t scan_swap_map(void)
{
	for (uint64_t n = 0, off = si.cluster_next; n < si.max; n++, off = off + 1 < si.max ? off + 1 : 1)
		if (!si.swap_map[off]) {
			si.cluster_next = off + 1 < si.max ? off + 1 : 1;
			return off;
		}
	return 0;
}

pte_t get_swap_page(void)
{
	spin_lock(&swap_lock);
	uint64_t off = si.bdev && si.writeok && si.inuse < si.pages ? scan_swap_map() : 0;
	if (off) {
		si.swap_map[off] = SWAP_HAS_CACHE;
		si.inuse++;
	}
	spin_unlock(&swap_lock);
	return off ? swp_entry(0, off) : 0;
}

/* swp's map entry; the entry must name a slot in use. */
static uint16_t *map_of(pte_t swp)
{
	uint64_t off = swp_offset(swp);
	kassert(pte_is_swap(swp) && swp_type(swp) == 0 && off > 0 && off < si.max);
	kassert(si.swap_map[off] && si.swap_map[off] != SWAP_MAP_BAD);
	return &si.swap_map[off];
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
		free_slot_locked(swp_offset(swp));
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
		free_slot_locked(swp_offset(swp));
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
	bool named = swp_type(swp) == 0 && off > 0 && off < si.max && si.swap_map[off] != SWAP_MAP_BAD &&
		     (si.swap_map[off] & ~SWAP_HAS_CACHE);
	spin_unlock(&swap_lock);
	return named;
}

/* ---- I/O ---- */

/* Where slot off lies on the device. */
static uint64_t slot_sector(uint64_t off)
{
	for (size_t i = 0; i < si.nr_extents; i++)
		if (off - si.extents[i].start < si.extents[i].count)
			return si.extents[i].sector + (off - si.extents[i].start) * SECTORS_PER_PAGE;
	return off * SECTORS_PER_PAGE;   /* a disk */
}

int swap_readpage(pte_t swp, paddr_t pa)
{
	int err = blkdev_read(si.bdev, slot_sector(swp_offset(swp)), pa_to_kva(pa), SECTORS_PER_PAGE);
	if (swap_stat.test_fail_reads) {
		swap_stat.test_fail_reads--;
		err = -EIO;
	}
	if (err) {   /* Linux says the same ("Read-error on swap-device") */
		swap_stat.read_errors++;
		printk("swap: %s: read error on slot %lu: its page is lost\n", si.bdev->name, swp_offset(swp));
	} else {
		swap_stat.pswpin++;
	}
	return err ? -EIO : 0;
}

int swap_writepage(pte_t swp, paddr_t pa)
{
	int err = blkdev_write(si.bdev, slot_sector(swp_offset(swp)), pa_to_kva(pa), SECTORS_PER_PAGE);
	if (err) {   /* the page stays in memory (the swap cache): nothing is lost */
		swap_stat.write_errors++;
		printk("swap: %s: write error on slot %lu: the page stays in memory\n", si.bdev->name, swp_offset(swp));
	} else {
		swap_stat.pswpout++;
	}
	return err ? -EIO : 0;
}

/* ---- counters and the audit ---- */

uint64_t total_swap_pages(void)
{
	return si.bdev && si.writeok ? si.pages : 0;   /* swapoff takes it away first, as Linux */
}

uint64_t nr_swap_pages(void)
{
	return si.bdev && si.writeok ? si.pages - si.inuse : 0;
}

/* ---- turning swap off (mm/swapon.c empties the area first) ---- */

bool swap_is_named(const char *name)
{
	return si.bdev && !strcmp(si.name, name);
}

void swap_set_writeok(bool ok)
{
	spin_lock(&swap_lock);
	si.writeok = ok;
	spin_unlock(&swap_lock);
}

uint64_t swap_inuse(void)
{
	return si.bdev ? si.inuse : 0;
}

long swap_wait_cached(void)
{
	for (uint64_t off = 1; off < si.max; off++) {
		if (si.swap_map[off] != SWAP_HAS_CACHE)
			continue;
		struct page *p = lookup_swap_cache(swp_entry(0, off));
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

struct file *swap_off(void)
{
	kassert(si.bdev && !si.inuse);
	struct file *f = si.file;
	kfree(si.swap_map);
	kfree(si.extents);
	si = (struct swap_info){ 0 };
	return f;
}

bool swap_get_info(struct swap_area_info *out)
{
	if (!si.bdev)
		return false;
	*out = (struct swap_area_info){ si.name, si.file != NULL, si.pages, si.inuse, SWAP_DEFAULT_PRIO };
	return true;
}

uint64_t swap_max_slots(void)
{
	return si.bdev ? si.max : 0;
}

static const char *slot_problem(uint64_t off, uint32_t refs)
{
	uint16_t m = si.swap_map[off];
	bool cached = lookup_swap_cache(swp_entry(0, off)) != NULL;
	if (m == SWAP_MAP_BAD)
		return refs ? "a bad slot is named by a PTE" : NULL;
	if ((m & ~SWAP_HAS_CACHE) != refs)
		return "reference count != swap entries naming it";
	if (!!(m & SWAP_HAS_CACHE) != cached)
		return "SWAP_HAS_CACHE disagrees with the swap cache";
	return NULL;
}

int swap_audit(const uint32_t *refs)
{
	int bad = 0;
	uint64_t used = 0;
	for (uint64_t off = 1; off < si.max; off++) {
		const char *why = slot_problem(off, refs[off]);
		used += si.swap_map[off] && si.swap_map[off] != SWAP_MAP_BAD;
		if (why && bad++ < 8)
			printk("swap_audit: slot %lu: %s (map %x, %u entries)\n", off, why, si.swap_map[off], refs[off]);
	}
	if (used != si.inuse && bad++ < 8)
		printk("swap_audit: %lu slots in use but inuse says %lu\n", used, si.inuse);
	return bad;
}
