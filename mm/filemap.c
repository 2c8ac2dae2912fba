/*
 * The page cache (CS:APP 9.8: the file side of memory mapping): one frame
 * per (address_space, page index). read(), write(), every MAP_SHARED
 * mapping and every not-yet-written MAP_PRIVATE page of a file use that
 * frame, so they all see the same bytes.
 *
 * Invariants:
 *   - a cached frame has page->mapping set and is in the hash chain and in
 *     its mapping's page list; the cache holds one reference on it;
 *   - frame refcount = 1 (the cache) + PTEs mapping it + transient kernel
 *     references (a read() copying out of it);
 *   - PG_dirty pages are counted in their mapping's nrdirty and in
 *     pagecache_stat.nr_dirty; a page written through a shared mapping is
 *     found dirty by its PTE's D bit at write-back or unmap;
 *   - a page is dropped (reclaim) only when clean, unmapped and its file has
 *     a store (not tmpfs); a mapped one is first unmapped from every area
 *     of i_mmap (mm/vmscan.c through rmap.c, its PTEs' dirty bits moving to
 *     PG_dirty) and, dirty, written back.
 * Lock: cache_lock guards the hash and every mapping's page list and
 * counters; it is never held across readpage/writepage or a user copy.
 */
#include "filemap.h"
#include "mm.h"
#include "pagetable.h"
#include "swap_state.h"
#include "vmscan.h"
#include "../kernel/errno.h"
#include "../kernel/printk.h"
#include "../kernel/string.h"
#include "../kernel/uaccess.h"
#include "../mm/kheap.h"

enum { CACHE_HASH = 1024 };

struct pagecache_counters pagecache_stat;
static struct page *cache_hash[CACHE_HASH];
static struct spinlock cache_lock = SPINLOCK_INIT("page_cache");

static struct page **cache_slot(struct address_space *m, uint64_t index)
{
	return &cache_hash[((uintptr_t)m / 64 + index * 31) % CACHE_HASH];
}

static struct page *find_locked(struct address_space *m, uint64_t index)
{
	for (struct page *p = *cache_slot(m, index); p; p = p->hash_next)
		if (p->mapping == m && p->index == index)
			return p;
	return NULL;
}

paddr_t filemap_find_page(struct address_space *m, uint64_t index)
{
	spin_lock(&cache_lock);
	struct page *p = find_locked(m, index);
	spin_unlock(&cache_lock);
	return p ? page_to_pa(p) : 0;
}

static void insert_locked(struct address_space *m, struct page *p, uint64_t index)
{
	p->mapping = m;
	p->index = index;
	p->flags = 0;
	p->hash_next = *cache_slot(m, index);
	*cache_slot(m, index) = p;
	p->prev = NULL;
	p->next = m->pages;
	if (m->pages)
		m->pages->prev = p;
	m->pages = p;
	m->nrpages++;
	pagecache_stat.nr_pages++;
	pagecache_stat.nr_shmem += m->swap_backed;
}

static void clear_dirty_locked(struct page *p)
{
	if (!(p->flags & PG_dirty))
		return;
	p->flags &= ~PG_dirty;
	p->mapping->nrdirty--;
	pagecache_stat.nr_dirty--;
}

/* Take p out of the cache; the cache's reference is returned to the caller. */
static void remove_locked(struct page *p)
{
	struct address_space *m = p->mapping;
	clear_dirty_locked(p);
	for (struct page **pp = cache_slot(m, p->index); *pp; pp = &(*pp)->hash_next)
		if (*pp == p) {
			*pp = p->hash_next;
			break;
		}
	if (p->prev)
		p->prev->next = p->next;
	else
		m->pages = p->next;
	if (p->next)
		p->next->prev = p->prev;
	p->next = p->prev = p->hash_next = NULL;
	p->mapping = NULL;
	m->nrpages--;
	pagecache_stat.nr_pages--;
	pagecache_stat.nr_shmem -= m->swap_backed;
}

/* A miss: a new frame filled by the file system, then cached. */
static paddr_t read_page(struct address_space *m, uint64_t index, int *err)
{
	paddr_t pa = frame_alloc_reclaim_zeroed(FRAME_USER);   /* may sleep: never under cache_lock */
	if (!pa) {
		*err = -ENOMEM;
		return 0;
	}
	if (m->a_ops && m->a_ops->readpage) {
		*err = m->a_ops->readpage(m->host, index, pa_to_kva(pa));
		pagecache_stat.pages_read++;
		if (*err) {
			frame_put(pa);
			return 0;
		}
	}
	spin_lock(&cache_lock);
	struct page *raced = find_locked(m, index);   /* readpage may sleep on a disk */
	if (raced) {
		spin_unlock(&cache_lock);
		frame_put(pa);
		frame_get(page_to_pa(raced));
		return page_to_pa(raced);
	}
	insert_locked(m, pa_to_page(pa), index);
	spin_unlock(&cache_lock);
	frame_get(pa);   /* the caller's reference; the cache keeps the first */
	return pa;
}

paddr_t filemap_get_page(struct address_space *m, uint64_t index, bool *hit, int *err)
{
	spin_lock(&cache_lock);
	struct page *p = find_locked(m, index);
	if (p)
		frame_get(page_to_pa(p));
	spin_unlock(&cache_lock);
	if (hit)
		*hit = p != NULL;
	if (p) {
		pagecache_stat.hits++;
		return page_to_pa(p);
	}
	pagecache_stat.misses++;
	return read_page(m, index, err);
}

static __attribute__((noinline)) void cache_page_dirty(struct page *p)
{
	spin_lock(&cache_lock);
	if (p->mapping && !(p->flags & PG_dirty)) {
		p->flags |= PG_dirty;
		p->mapping->nrdirty++;
		pagecache_stat.nr_dirty++;
	}
	spin_unlock(&cache_lock);
}

/* A page that is not the cache's (every written anonymous page at munmap)
 * returns at once, without the lock; the test is made again under it. */
void set_page_dirty(paddr_t pa)
{
	struct page *p = pa_to_page(pa);
	if (p->mapping)
		cache_page_dirty(p);
}

/* ---- the areas that map a file ---- */

void mapping_add_vma(struct address_space *m, struct vma *v)
{
	spin_lock(&m->lock);
	v->shared_next = m->i_mmap;
	m->i_mmap = v;
	spin_unlock(&m->lock);
}

void mapping_remove_vma(struct address_space *m, struct vma *v)
{
	spin_lock(&m->lock);
	for (struct vma **pp = &m->i_mmap; *pp; pp = &(*pp)->shared_next)
		if (*pp == v) {
			*pp = v->shared_next;
			break;
		}
	spin_unlock(&m->lock);
}

/* ---- write-back ---- */

/* A shared mapping's page is writable only while PG_dirty (a write fault
 * marks it, mm/fault.c): before write-back every PTE is write-protected
 * again, so the next write through the mapping marks the page once more. */
static uint64_t write_protect(pte_t old, void *arg)
{
	(void)arg;
	if ((old & PTE_D) && pa_to_page(pte_addr(old))->mapping)
		set_page_dirty(pte_addr(old));
	return pte_flags(old) & ~(PTE_D | PTE_W | PTE_P);
}

static void collect_mapped_dirty(struct address_space *m)
{
	for (struct vma *v = m->i_mmap; v; v = v->shared_next)
		if ((v->vm_flags & VM_SHARED) && v->vm_mm)
			pt_protect_range(v->vm_mm->pgd, v->vm_start, v->vm_end, write_protect, NULL);
}

static struct page *next_dirty(struct address_space *m)
{
	for (struct page *p = m->pages; p; p = p->next)
		if (p->flags & PG_dirty)
			return p;
	return NULL;
}

/* Write one dirty page of m (its dirty mark cleared first: a write while
 * the page is on its way marks it again; a failed write marks it again
 * too, so a page whose data is not on the disk is never dropped). Sleeps.
 * 0 or the error. */
static int write_one(struct address_space *m, struct page *p)
{
	spin_lock(&cache_lock);
	clear_dirty_locked(p);
	spin_unlock(&cache_lock);
	if (p->index >= (m->host->i_size + PAGE_SIZE - 1) >> PAGE_SHIFT)
		return 0;   /* wholly past the end (truncated while dirty) */
	paddr_t pa = page_to_pa(p);
	swap_page_pin(p);   /* a pin, not a plain reference: the audit may run while writepage sleeps */
	int err = m->a_ops->writepage(m->host, p->index, pa_to_kva(pa));
	pagecache_stat.pages_written++;
	if (err)
		set_page_dirty(pa);   /* not on the disk: it must not be dropped as clean (Linux redirties) */
	swap_page_unpin(p);
	return err;
}

int filemap_write_back(struct address_space *m)
{
	if (!m->a_ops || !m->a_ops->writepage || m->swap_backed)
		return 0;   /* tmpfs: the cache is the store; its pages stay dirty (as Linux's shmem) */
	collect_mapped_dirty(m);
	int err = 0;
	for (struct page *p; !err && (p = next_dirty(m));)
		err = write_one(m, p);   /* the first error ends it: the page stays dirty */
	return err;
}

/* ---- truncation ---- */

/* Unmap file pages [first, ...) from every area mapping m. */
static void unmap_mapping_from(struct address_space *m, uint64_t first)
{
	for (struct vma *v = m->i_mmap; v; v = v->shared_next) {
		uint64_t vfirst = v->vm_pgoff;
		uint64_t vpages = (v->vm_end - v->vm_start) >> PAGE_SHIFT;
		if (!v->vm_mm || first >= vfirst + vpages)
			continue;
		uintptr_t lo = v->vm_start + ((first > vfirst ? first - vfirst : 0) << PAGE_SHIFT);
		vma_zap_range(v->vm_mm, lo, v->vm_end);
	}
}

void truncate_inode_pages(struct address_space *m, uint64_t from)
{
	uint64_t first = (from + PAGE_SIZE - 1) >> PAGE_SHIFT;
	unmap_mapping_from(m, first);
	if (from & (PAGE_SIZE - 1)) {
		paddr_t pa = filemap_find_page(m, from >> PAGE_SHIFT);
		if (pa)
			memset((char *)pa_to_kva(pa) + (from & (PAGE_SIZE - 1)), 0, PAGE_SIZE - (from & (PAGE_SIZE - 1)));
	}
	for (struct page *p = m->pages, *next; p; p = next) {
		next = p->next;
		if (p->index < first)
			continue;
		spin_lock(&cache_lock);
		remove_locked(p);
		spin_unlock(&cache_lock);
		frame_put(page_to_pa(p));
	}
}

/* ---- memory pressure ---- */

static bool droppable(const struct page *p)
{
	return p->refcount == 1 && !(p->flags & PG_dirty) && !p->mapping->swap_backed;
}

uint64_t filemap_reclaim(uint64_t n)
{
	uint64_t done = 0;
	for (size_t b = 0; b < CACHE_HASH && done < n; b++)
		for (struct page *p = cache_hash[b], *next; p && done < n; p = next) {
			next = p->hash_next;
			if (!droppable(p))
				continue;
			spin_lock(&cache_lock);
			remove_locked(p);
			spin_unlock(&cache_lock);
			frame_put(page_to_pa(p));
			done++;
		}
	pagecache_stat.dropped += done;
	return done;
}

/* ---- memory pressure: pages processes map (mm/vmscan.c evicts them) ---- */

static size_t hand;   /* the hash bucket the next isolation starts at: a clock hand over the cache */

/* A page that is mapped or dirty (unmapped clean ones are filemap_reclaim's)
 * and that its file can take back: re-read it (readpage), and write it
 * first if it is dirty (writepage). A tmpfs page, mapped or not, clean or
 * not: it goes to swap (mm/tmpfs_swap.c). */
static bool evictable_locked(const struct page *p)
{
	const struct address_space *m = p->mapping;
	if (m->swap_backed)
		return m->a_ops && m->a_ops->writepage;
	if ((p->refcount == 1 && !(p->flags & PG_dirty)) || !m->a_ops || !m->a_ops->readpage)
		return false;
	return !(p->flags & PG_dirty) || m->a_ops->writepage;
}

size_t filemap_isolate(struct page **out, size_t max)
{
	size_t n = 0;
	spin_lock(&cache_lock);
	for (size_t b = 0; b < CACHE_HASH && n < max; b++, hand = (hand + 1) % CACHE_HASH)
		for (struct page *p = cache_hash[hand]; p && n < max; p = p->hash_next)
			if (evictable_locked(p)) {
				swap_page_pin(p);   /* held across the write-back's sleep */
				out[n++] = p;
			}
	spin_unlock(&cache_lock);
	return n;
}

bool filemap_evict_unmapped(struct page *p, bool may_write)
{
	struct address_space *m = p->mapping;
	bool write = m && ((p->flags & PG_dirty) || m->swap_backed);   /* a tmpfs page always goes to swap */
	if (!m || (write && !may_write && !m->swap_backed))
		return false;   /* truncated meanwhile; or dirty, and only kswapd writes its file system */
	if (write && write_one(m, p))
		return false;   /* the write failed: the page stays, clean and cached (as Linux) */
	spin_lock(&cache_lock);
	bool unused = p->mapping == m && p->refcount == 2 && !(p->flags & PG_dirty);
	if (unused)
		remove_locked(p);
	spin_unlock(&cache_lock);
	if (!unused)
		return false;   /* mapped again, or written to, while it was written */
	frame_put(page_to_pa(p));   /* the cache's reference: the caller's frees it */
	pagecache_stat.dropped++;
	return true;
}

uint64_t filemap_reclaimable(void)
{
	uint64_t n = 0;
	for (size_t b = 0; b < CACHE_HASH; b++)
		for (struct page *p = cache_hash[b]; p; p = p->hash_next)
			n += droppable(p);
	return n;
}

/* ---- read() and write() of regular files ---- */

long generic_file_read(struct file *file, uintptr_t ubuf, size_t n, uint64_t *pos)
{
	struct inode *inode = file->f_inode;
	size_t done = 0;
	while (done < n && *pos < inode->i_size) {
		uint64_t off = *pos & (PAGE_SIZE - 1);
		size_t k = PAGE_SIZE - off;
		if (k > n - done)
			k = n - done;
		if (k > inode->i_size - *pos)
			k = inode->i_size - *pos;
		int err = 0;
		paddr_t pa = filemap_get_page(inode->i_mapping, *pos >> PAGE_SHIFT, NULL, &err);
		if (!pa)
			return done ? (long)done : err;
		size_t got = copy_to_user_partial(ubuf + done, (char *)pa_to_kva(pa) + off, k);
		frame_put(pa);
		done += got;
		*pos += got;
		if (got < k)   /* the buffer's next page faults: the short count (issue 19) */
			return done ? (long)done : -EFAULT;
	}
	return (long)done;
}

long filemap_read_kernel(struct inode *inode, void *buf, size_t n, uint64_t pos)
{
	size_t done = 0;
	while (done < n && pos < inode->i_size) {
		uint64_t off = pos & (PAGE_SIZE - 1);
		size_t k = PAGE_SIZE - off;
		if (k > n - done)
			k = n - done;
		if (k > inode->i_size - pos)
			k = inode->i_size - pos;
		int err = 0;
		paddr_t pa = filemap_get_page(inode->i_mapping, pos >> PAGE_SHIFT, NULL, &err);
		if (!pa)
			return done ? (long)done : err;
		memcpy((char *)buf + done, (char *)pa_to_kva(pa) + off, k);
		frame_put(pa);
		done += k;
		pos += k;
	}
	return (long)done;
}

/* Linux's balance_dirty_pages, simplified: a writer that finds more than
 * 1/DIRTY_RATIO of the frames dirty writes its file's dirty pages back
 * itself, holding no lock, before it dirties more. Dirty pages are what
 * reclaim can free only by writing (kswapd's job, with swap on), so they
 * never fill memory. */
enum { DIRTY_RATIO = 8 };

static void balance_dirty_pages(struct address_space *m)
{
	struct frame_stats s;
	frame_get_stats(&s);
	if (pagecache_stat.nr_dirty * DIRTY_RATIO > s.total && m->a_ops && m->a_ops->writepage && !m->swap_backed) {
		pagecache_stat.throttled++;
		filemap_write_back(m);
	}
}

/* Linux's MAX_LFS_FILESIZE on 64-bit */
#define MAX_FILE_SIZE 0x7fffffffffffffffull

long generic_file_write(struct file *file, uintptr_t ubuf, size_t n, uint64_t *pos)
{
	struct inode *inode = file->f_inode;
	if (file->f_flags & O_APPEND)
		*pos = inode->i_size;
	if (*pos >= MAX_FILE_SIZE || n > MAX_FILE_SIZE - *pos)
		return -EFBIG;
	size_t done = 0;
	while (done < n) {
		uint64_t off = *pos & (PAGE_SIZE - 1);
		size_t k = PAGE_SIZE - off < n - done ? PAGE_SIZE - off : n - done;
		int err = 0;
		paddr_t pa = filemap_get_page(inode->i_mapping, *pos >> PAGE_SHIFT, NULL, &err);
		if (!pa)
			return done ? (long)done : err;
		bool fault = copy_from_user((char *)pa_to_kva(pa) + off, ubuf + done, k);
		if (!fault)
			set_page_dirty(pa);
		frame_put(pa);
		if (fault)
			return done ? (long)done : -EFAULT;
		done += k;
		*pos += k;
		if (*pos > inode->i_size)
			inode->i_size = *pos;
		balance_dirty_pages(inode->i_mapping);   /* after i_size covers the page it wrote */
	}
	if (done)
		inode->i_mtime = inode->i_ctime = current_time();
	return (long)done;
}

const struct file_operations generic_file_operations = {
	.read = generic_file_read,
	.write = generic_file_write,
};

/* A dirty page with a store to go to (tmpfs pages stay dirty). */
static struct page *any_dirty(void)
{
	for (size_t b = 0; b < CACHE_HASH; b++)
		for (struct page *p = cache_hash[b]; p; p = p->hash_next)
			if ((p->flags & PG_dirty) && !p->mapping->swap_backed &&
			    p->mapping->a_ops && p->mapping->a_ops->writepage)
				return p;   /* a tmpfs page has a writepage now (to swap), but sync leaves it */
	return NULL;
}

void filemap_sync_all(void)
{
	for (struct page *p; (p = any_dirty()) && !filemap_write_back(p->mapping);)
		;   /* an error ends it: what is left stays dirty for the next sync */
}
