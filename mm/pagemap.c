/*
 * Soft-dirty tracking and /proc/PID/pagemap, as Linux defines them
 * (Documentation/admin-guide/mm/soft-dirty.rst and pagemap.rst): how a
 * program (a garbage collector, a checkpointer) asks the kernel which pages
 * it wrote since a moment of its choosing. CS:APP 9.5 at work: the same
 * write protection that makes copy-on-write possible tells who wrote what.
 *
 *   write "4" to /proc/PID/clear_refs      every present PTE: clear W and
 *                                          PTE_SOFT_DIRTY; every area: clear
 *                                          soft_dirty (Linux VM_SOFTDIRTY)
 *   the program writes a page              write fault -> mm/fault.c makes it
 *                                          writable and sets PTE_SOFT_DIRTY
 *   read /proc/PID/pagemap at 8 * (va >> 12)  one 64-bit entry per page:
 *
 *     63 present | 62 swapped | 61 file page or shared anonymous |
 *     56 mapped exactly once | 55 soft-dirty | 54..0 frame number (PFN)
 *
 * A swapped-out page reads swapped (62) with Linux's type and slot fields.
 * Linux keeps a page's soft-dirty bit in its swap entry; Pagoda's swap
 * entries are the swap cache's keys and have no such bit, so a soft-dirty
 * page that goes to swap makes its whole area read soft-dirty until the next
 * clear_refs (soft_dirty_swapped_out): more pages than Linux may read
 * written, never fewer. mremap's moved entries read soft-dirty, as Linux
 * (mm/pagetable.c pt_move_range). Linux shows frame numbers only to
 * an opener with CAP_SYS_ADMIN; every Pagoda process runs as root with every
 * capability (getuid returns 0), so Pagoda always shows them, as Linux does
 * for root. clear_refs also takes Linux's other values: 1, 2, 3 clear the
 * accessed bits of all, anonymous or file-backed (including shared
 * anonymous) pages; 5 resets the peak RSS, which Pagoda does not keep (a
 * no-op).
 *
 * Invariants:
 *   - a PTE that is writable has PTE_SOFT_DIRTY set, or lies in an area
 *     whose soft_dirty is set: a write after clear_refs cannot go unseen;
 *   - a page reads soft-dirty iff its PTE has PTE_SOFT_DIRTY or its area's
 *     soft_dirty is set (holes in such an area too, as Linux).
 *
 * Cost: a read fills PM_BATCH entries at a time from one traversal of the
 * page tables (pt_traverse: one walk down to each leaf table in the batch,
 * then its entries in a row), not a walk from the root for every page.
 *
 * Callers: kernel/file.c (the two /proc files), mm/fault.c (sets the bit),
 * mm/vmscan.c (a soft-dirty page unmapped for swap).
 */
#include "pagemap.h"
#include "frame.h"
#include "pagetable.h"
#include "../kernel/errno.h"
#include "../kernel/string.h"
#include "../kernel/uaccess.h"

#define PM_PFN_MASK     ((1ull << 55) - 1)
#define PM_SOFT_DIRTY   (1ull << 55)
#define PM_EXCLUSIVE    (1ull << 56)
#define PM_FILE         (1ull << 61)
#define PM_SWAP         (1ull << 62)
#define PM_PRESENT      (1ull << 63)

enum { PM_ENTRY = 8, PM_BATCH = 128, CLEAR_REFS_BUF = 13 };

enum clear_refs_type {
	CLEAR_REFS_ALL = 1, CLEAR_REFS_ANON, CLEAR_REFS_MAPPED, CLEAR_REFS_SOFT_DIRTY, CLEAR_REFS_MM_HIWATER_RSS,
	CLEAR_REFS_LAST,
};

/* ---- pagemap ---- */

/* A page belongs to a file (Linux PM_FILE) when it is shared anonymous memory
 * (shmem in Linux) or a page-cache frame (not yet a private copy). */
static bool file_page(const struct vma *v, paddr_t pa)
{
	return v->shm || pa_to_page(pa)->mapping;
}

/* Linux counts page-table mappings; a shared object's frame also carries the
 * object's own reference, a cached frame the page cache's (or the swap
 * cache's). */
static uint64_t mapcount(const struct vma *v, paddr_t pa)
{
	struct page *pg = pa_to_page(pa);
	return pg->refcount - (v->shm ? 1 : 0) - (pg->mapping ? 1 : 0) - !!(pg->flags & PG_swapcache);
}

/* One batch of entries being filled: buf[i] is the page at start + i pages;
 * v is the area cursor, moved forward as the visits go up in address. */
struct pm_batch {
	uint64_t *buf;
	uintptr_t start, end;
	struct vma *v;
};

/* The area holding va, moving the cursor forward; NULL in a hole. */
static struct vma *area_at(struct pm_batch *b, uintptr_t va)
{
	while (b->v && va >= b->v->vm_end)
		b->v = b->v->next;
	return b->v && va >= b->v->vm_start ? b->v : NULL;
}

/* What every entry of the batch says before its page table is read: only
 * the area's soft-dirty (a hole, an unmapped page of a fresh area). */
static void fill_areas(struct pm_batch *b)
{
	for (uintptr_t va = b->start; va < b->end; va += PAGE_SIZE) {
		struct vma *v = area_at(b, va);
		b->buf[(va - b->start) >> PAGE_SHIFT] = v && v->soft_dirty ? PM_SOFT_DIRTY : 0;
	}
}

/* A present leaf of `level` mapping va: the entry of each of its pages in
 * the batch (a huge leaf spans many; each page has its own frame number). */
static void pm_leaf(uintptr_t va, pte_t *slot, int level, void *arg)
{
	struct pm_batch *b = arg;
	uint64_t span = level_size(level);
	uintptr_t lo = va > b->start ? va : b->start, hi = va + span < b->end ? va + span : b->end;
	paddr_t base = pte_addr(*slot) & ~(span - 1);
	for (uintptr_t p = lo; p < hi; p += PAGE_SIZE) {
		struct vma *v = area_at(b, p);
		if (!v)
			continue;
		paddr_t pa = base + (p - va);
		uint64_t e = PM_PRESENT | (pa >> PAGE_SHIFT);
		e |= (*slot & PTE_SOFT_DIRTY) ? PM_SOFT_DIRTY : 0;
		e |= file_page(v, pa) ? PM_FILE : 0;
		e |= mapcount(v, pa) == 1 ? PM_EXCLUSIVE : 0;
		b->buf[(p - b->start) >> PAGE_SHIFT] |= e;
	}
}

/* A swap entry: Linux puts the swap type in bits 0-4, the slot in 5-54. */
static void pm_swap(uintptr_t va, pte_t *slot, void *arg)
{
	struct pm_batch *b = arg;
	if (area_at(b, va))
		b->buf[(va - b->start) >> PAGE_SHIFT] |= PM_SWAP | swp_type(*slot) | (swp_offset(*slot) << 5);
}

/* The entries of [b->start, b->end): the areas first, then one traversal
 * of the page tables, which walks down to each leaf table once for the
 * batch instead of from the root for every page. */
static void pagemap_batch(struct mm *mm, struct pm_batch *b)
{
	b->v = find_vma(mm, b->start);
	fill_areas(b);
	b->v = find_vma(mm, b->start);
	struct pt_visitor visit = { .leaf = pm_leaf, .arg = b, .swap = pm_swap };
	pt_traverse(mm->pgd, b->start, b->end, &visit);
}

long pagemap_read(struct mm *mm, uint64_t *pos, uintptr_t ubuf, size_t n)
{
	if (*pos % PM_ENTRY || n % PM_ENTRY)
		return -EINVAL;
	uint64_t buf[PM_BATCH];
	size_t done = 0;
	uintptr_t va = (*pos / PM_ENTRY) << PAGE_SHIFT;
	while (done < n && va < USER_TOP && *pos / PM_ENTRY < (USER_TOP >> PAGE_SHIFT)) {
		size_t k = (n - done) / PM_ENTRY < PM_BATCH ? (n - done) / PM_ENTRY : PM_BATCH;
		if (k > (USER_TOP - va) >> PAGE_SHIFT)
			k = (USER_TOP - va) >> PAGE_SHIFT;
		struct pm_batch b = { buf, va, va + (k << PAGE_SHIFT), NULL };
		pagemap_batch(mm, &b);
		if (copy_to_user(ubuf + done, buf, k * PM_ENTRY))
			return done ? (long)done : -EFAULT;
		done += k * PM_ENTRY;
		*pos += k * PM_ENTRY;
		va = b.end;
	}
	return (long)done;
}

/* ---- clear_refs ---- */

void soft_dirty_swapped_out(struct mm *mm, uintptr_t va)
{
	struct vma *v = vma_lookup(mm, va);
	if (v)
		v->soft_dirty = true;
}

static uint64_t clear_soft_dirty(pte_t old, void *arg)
{
	(void)arg;
	return pte_flags(old) & ~(PTE_W | PTE_SOFT_DIRTY | PTE_P);
}

static uint64_t clear_accessed(pte_t old, void *arg)
{
	(void)arg;
	return pte_flags(old) & ~(PTE_A | PTE_P);
}

static bool wanted(const struct vma *v, enum clear_refs_type type)
{
	bool file_backed = v->kind == VMA_FILE || v->shm;
	return type == CLEAR_REFS_ANON ? !file_backed : type == CLEAR_REFS_MAPPED ? file_backed : true;
}

static void clear_refs(struct mm *mm, enum clear_refs_type type)
{
	for (struct vma *v = mm->vma_list; v; v = v->next) {
		if (type == CLEAR_REFS_SOFT_DIRTY) {
			v->soft_dirty = false;
			pt_protect_range(mm->pgd, v->vm_start, v->vm_end, clear_soft_dirty, NULL);
		} else if (wanted(v, type)) {
			pt_protect_range(mm->pgd, v->vm_start, v->vm_end, clear_accessed, NULL);
		}
	}
}

/* Linux's parse: at most 12 characters, surrounding white space ignored, a
 * decimal int; anything else is EINVAL. */
static int parse_type(const char *s, int *out)
{
	while (*s == ' ' || *s == '\n' || *s == '\t')
		s++;
	bool neg = *s == '-';
	s += (*s == '-' || *s == '+');
	if (*s < '0' || *s > '9')
		return -EINVAL;
	long val = 0;
	while (*s >= '0' && *s <= '9' && val < 1000000000000l)
		val = val * 10 + (*s++ - '0');
	while (*s == ' ' || *s == '\n' || *s == '\t')
		s++;
	if (*s)
		return -EINVAL;
	if (val > 2147483647l + neg)
		return -ERANGE;
	*out = (int)(neg ? -val : val);
	return 0;
}

long clear_refs_write(struct mm *mm, uintptr_t ubuf, size_t n)
{
	char buf[CLEAR_REFS_BUF];
	memset(buf, 0, sizeof(buf));
	if (n > sizeof(buf) - 1)
		n = sizeof(buf) - 1;
	if (copy_from_user(buf, ubuf, n))
		return -EFAULT;
	int type, err = parse_type(buf, &type);
	if (err)
		return err;
	if (type < CLEAR_REFS_ALL || type >= CLEAR_REFS_LAST)
		return -EINVAL;
	if (type != CLEAR_REFS_MM_HIWATER_RSS)
		clear_refs(mm, (enum clear_refs_type)type);
	return (long)n;
}
