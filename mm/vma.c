/*
 * The areas of an address space (Linux VMAs; CS:APP's "areas").
 *
 *   mm->vma_list: [text] <-> [data] <-> [heap] <-> ... <-> [mmap] <-> [stack]
 *   mm->vmas (AVL tree by vm_start, once there are many) -- find_vma in O(log n)
 *   mm->vma_hint: the area find_vma found last
 *
 * With few areas (at most VMA_INDEX_MIN) find_vma walks the list, which
 * costs less than keeping a tree up to date at every split and merge; past
 * that the tree is built (vma_index_build) and kept until the count falls
 * below half of it again (Linux 2.2 did the same: its AVL tree was built
 * at AVL_MIN_MAP_COUNT areas).
 *
 * Invariants (vma_check):
 *   - areas are page-aligned, half-open [vm_start, vm_end), non-empty,
 *     sorted and non-overlapping, all below USER_TOP;
 *   - map_count is the length of the list; while vmas_indexed the tree
 *     holds the same areas (and the largest gap below each subtree's),
 *     otherwise it is empty;
 *   - vma_hint is NULL or an area on the list;
 *   - two neighbours that touch and have equal flags and backing are merged
 *     (after every operation that calls vma_merge).
 * Nothing is mapped in the page tables outside an area.
 *
 * The area cache: an area freed while its address space lives goes on
 * mm->vma_spare (at most VMA_SPARE_MAX, linked through ->next), and the next
 * new area of that space comes from there, so a split followed by a merge
 * (mprotect there and back, mmap then munmap) never reaches kmalloc. A spare
 * area is still a kmalloc object; mm_destroy gives them all back
 * (vma_cache_drain), so a process that has exited holds none.
 */
#include "mm.h"
#include "filemap.h"
#include "frame.h"
#include "kheap.h"
#include "pagetable.h"
#include "shmem.h"
#include "../kernel/errno.h"
#include "../kernel/param.h"
#include "../kernel/panic.h"
#include "../kernel/printk.h"
#include "../kernel/string.h"

static struct vma *node_vma(struct avl_node *n)
{
	return n ? (struct vma *)((char *)n - __builtin_offsetof(struct vma, node)) : NULL;
}

/* The free space below v, down to its predecessor's end (or 0): what the
 * gap search (mm/mmap.c) finds in the tree as v's node's gap. */
static uintptr_t gap_below(const struct vma *v)
{
	uintptr_t lo = v->prev ? v->prev->vm_end : 0, hi = vma_start_gap(v);
	return hi > lo ? hi - lo : 0;
}

struct vma *vma_of_node(struct avl_node *n)
{
	return node_vma(n);
}

/* The last area with vm_start <= addr, or NULL. Without the tree, the
 * walk starts at the hint (lookups cluster: a split's neighbours, the
 * pages of one area) and goes down, then up, to addr. */
static struct vma *area_floor(struct mm *mm, uintptr_t addr)
{
	if (mm->vmas_indexed)
		return node_vma(avl_floor(&mm->vmas, addr));
	struct vma *v = mm->vma_hint ? mm->vma_hint : mm->vma_list;
	while (v && v->vm_start > addr)
		v = v->prev;
	while (v && v->next && v->next->vm_start <= addr)
		v = v->next;
	return v;
}

struct vma *find_vma(struct mm *mm, uintptr_t addr)
{
	struct vma *v = mm->vma_hint;
	if (v && v->vm_start <= addr && addr < v->vm_end)
		return v;   /* (an area holding addr is the first ending above it) */
	v = area_floor(mm, addr);
	v = v && v->vm_end > addr ? v : v ? v->next : mm->vma_list;
	if (v)
		mm->vma_hint = v;
	return v;
}

struct vma *vma_last(struct mm *mm)
{
	if (mm->vmas_indexed)
		return node_vma(avl_last(&mm->vmas));
	struct vma *v = mm->vma_list;
	while (v && v->next)
		v = v->next;
	return v;
}

struct vma *vma_lookup(struct mm *mm, uintptr_t addr)
{
	struct vma *v = find_vma(mm, addr);
	return v && v->vm_start <= addr ? v : NULL;
}

/* Does the area allow this access? x86 pages cannot be execute-only or
 * write-only, so any permission implies read. */
static const char *access_error(const struct vma *v, bool write, bool exec)
{
	if (write && !(v->vm_flags & VM_WRITE))
		return "write to read-only VMA";
	if (exec && !(v->vm_flags & VM_EXEC))
		return "execute from NX page (VMA not executable)";
	if (!(v->vm_flags & VM_PROT_MASK))
		return "access to PROT_NONE VMA";
	return NULL;
}

/* vma_for_access past the hint: a lookup, or a stack grown down to addr. */
static __attribute__((noinline)) const char *access_by_lookup(struct mm *mm, uintptr_t addr, bool write, bool exec,
							      struct vma **vma)
{
	*vma = NULL;
	if (addr >= USER_TOP)
		return "user access to the kernel half";
	struct vma *v = find_vma(mm, addr);
	if (v && v->vm_start > addr && (v->vm_flags & VM_GROWSDOWN) && expand_stack(mm, v, addr))
		v = NULL;
	if (!v || v->vm_start > addr)
		return "outside any VMA";
	*vma = v;
	return access_error(v, write, exec);
}

/* The hint first, inline: a fault or a user copy usually lands in the area
 * used last (the pages of one array, one stack), and the hint is always an
 * area of mm, so below USER_TOP. */
const char *vma_for_access(struct mm *mm, uintptr_t addr, bool write, bool exec, struct vma **vma)
{
	struct vma *v = mm->vma_hint;
	if (!v || addr < v->vm_start || addr >= v->vm_end)
		return access_by_lookup(mm, addr, write, exec, vma);
	*vma = v;
	return access_error(v, write, exec);
}

uintptr_t vma_start_gap(const struct vma *v)
{
	if (!v)
		return USER_TOP;
	if ((v->vm_flags & VM_GROWSDOWN) && v->vm_start > STACK_GUARD_GAP)
		return v->vm_start - STACK_GUARD_GAP;
	return v->vm_start;
}

void vma_move_start(struct mm *mm, struct vma *v, uintptr_t start)
{
	kassert(page_aligned(start) && start < v->vm_end && (!v->prev || v->prev->vm_end <= start));
	v->vm_start = start;
	v->node.key = start;   /* still above the predecessor's: the node keeps its place */
	vma_gap_update(mm, v);
}

bool vma_range_free(struct mm *mm, uintptr_t start, uintptr_t end)
{
	struct vma *v = find_vma(mm, start);
	return !v || v->vm_start >= end;
}

/* ---- area allocation: the cache first, then kmalloc ---- */

static struct vma *area_get(struct mm *mm)
{
	struct vma *v = mm->vma_spare;
	if (!v)
		return kmalloc(sizeof(*v));
	mm->vma_spare = v->next;
	mm->nr_vma_spare--;
	return v;
}

static void area_put(struct mm *mm, struct vma *v)
{
	if (!mm || mm->nr_vma_spare >= VMA_SPARE_MAX) {
		kfree(v);
		return;
	}
	v->next = mm->vma_spare;
	mm->vma_spare = v;
	mm->nr_vma_spare++;
}

void vma_cache_drain(struct mm *mm)
{
	while (mm->vma_spare)
		kfree(area_get(mm));
}

/* A new area of mm, with no backing, not yet in the tree or the list:
 * every field is set here, none left from an earlier use (field by field:
 * a whole-struct clear is a 20-iteration rep stosq; the tree sets `node`
 * and insert_after `prev`, `next`). */
static struct vma *area_new(struct mm *mm, uintptr_t start, uintptr_t end, uint64_t flags, enum vma_kind kind)
{
	_Static_assert(sizeof(struct vma) == 160, "a new field of struct vma: set it here");
	struct vma *v = area_get(mm);
	if (!v)
		return NULL;
	v->vm_start = start;
	v->vm_end = end;
	v->vm_flags = flags;
	v->kind = kind;
	v->vm_file = NULL;
	v->vm_pgoff = 0;
	v->file_end = 0;
	v->vm_mm = mm;
	v->shared_next = NULL;
	v->shm = NULL;
	v->soft_dirty = false;
	v->prev = v->next = NULL;
	return v;
}

struct vma *vma_alloc(struct mm *mm, uintptr_t start, uintptr_t end, uint64_t flags, enum vma_kind kind)
{
	/* only a read-only fd's shared mapping lacks VM_MAYWRITE */
	struct vma *v = area_new(mm, start, end, flags | VM_MAYWRITE, kind);
	if (v)
		v->soft_dirty = true;   /* as Linux: a new area reads soft-dirty until clear_refs */
	return v;
}

/* A file area leaves its file's list; the last shared one writes the
 * file's dirty pages back (munmap or exit of the last mapping). */
static void vma_file_put(struct vma *v)
{
	struct address_space *m = v->vm_file->f_inode->i_mapping;
	mapping_remove_vma(m, v);
	if ((v->vm_flags & VM_SHARED) && !m->i_mmap && m->nrdirty)
		filemap_write_back(m);
	fput(v->vm_file);
}

void vma_free(struct vma *v)
{
	if (v->shm)
		shm_remove_vma(v->shm, v);
	shm_put(v->shm);
	if (v->vm_file)
		vma_file_put(v);
	area_put(v->vm_mm, v);
}

void vma_gap_update(struct mm *mm, struct vma *v)
{
	if (!v || !mm->vmas_indexed || v->node.gap == gap_below(v))
		return;   /* (a split or a merge leaves the gap as it was) */
	v->node.gap = gap_below(v);
	avl_refresh(&mm->vmas, &v->node);
}

/* ---- the index: the AVL tree, kept while there are many areas ---- */

/* v, linked into the list after areas all in the tree, goes into the tree
 * at the same place. */
static void index_insert(struct mm *mm, struct vma *v)
{
	v->node.key = v->vm_start;
	v->node.gap = gap_below(v);
	avl_insert_after(&mm->vmas, v->prev ? &v->prev->node : NULL, &v->node);
}

void vma_index_build(struct mm *mm)
{
	mm->vmas_indexed = true;
	for (struct vma *v = mm->vma_list; v; v = v->next)
		index_insert(mm, v);
}

static void index_drop(struct mm *mm)
{
	mm->vmas = (struct avl_tree){ 0 };   /* the nodes are in the areas: nothing to free */
	mm->vmas_indexed = false;
}

/* v goes in right after prev (NULL: first), in the list (and the tree). */
static void insert_after(struct mm *mm, struct vma *prev, struct vma *v)
{
	v->vm_mm = mm;
	if (v->vm_file)
		mapping_add_vma(v->vm_file->f_inode->i_mapping, v);
	if (v->shm)
		shm_add_vma(v->shm, v);
	kassert(!prev || prev->vm_end <= v->vm_start);
	v->prev = prev;
	v->next = prev ? prev->next : mm->vma_list;
	kassert(!v->next || v->next->vm_start >= v->vm_end);
	if (v->next)
		v->next->prev = v;
	if (prev)
		prev->next = v;
	else
		mm->vma_list = v;
	if (++mm->map_count > VMA_INDEX_MIN && !mm->vmas_indexed)
		vma_index_build(mm);
	else if (mm->vmas_indexed)
		index_insert(mm, v);
	vma_gap_update(mm, v->next);   /* its gap now ends at v */
}

void vma_insert(struct mm *mm, struct vma *v)
{
	insert_after(mm, area_floor(mm, v->vm_start), v);
	mm->vma_hint = v;   /* a new mapping is the next one looked up (its first fault, its munmap) */
}

static void vma_remove(struct mm *mm, struct vma *v)
{
	if (mm->vmas_indexed)
		avl_remove(&mm->vmas, &v->node);
	if (v->prev)
		v->prev->next = v->next;
	else
		mm->vma_list = v->next;
	if (v->next)
		v->next->prev = v->prev;
	if (mm->vma_hint == v)
		mm->vma_hint = v->prev ? v->prev : v->next;   /* lookups cluster: a neighbour */
	if (--mm->map_count < VMA_INDEX_MIN / 2 && mm->vmas_indexed)
		index_drop(mm);
	vma_gap_update(mm, v->next);   /* its gap now reaches down past v */
}

uint64_t vma_pgoff_at(const struct vma *v, uintptr_t addr)
{
	if (v->kind == VMA_FILE || v->shm)
		return v->vm_pgoff + ((addr - v->vm_start) >> PAGE_SHIFT);
	return v->vm_pgoff;
}

uint64_t vma_file_offset(const struct vma *v, uintptr_t addr)
{
	return (v->vm_pgoff << PAGE_SHIFT) + (addr - v->vm_start);
}

struct vma *vma_copy(const struct vma *v, uintptr_t addr, uintptr_t new_start, size_t len)
{
	struct vma *c = area_new(v->vm_mm, new_start, new_start + len, v->vm_flags, v->kind);
	if (!c)
		return NULL;
	c->vm_pgoff = vma_pgoff_at(v, addr);
	c->file_end = v->file_end;
	if (v->kind == VMA_FILE && v->file_end < USER_TOP)   /* the same file byte, at its new address */
		c->file_end = v->file_end <= addr ? new_start : new_start + (v->file_end - addr);
	c->soft_dirty = v->soft_dirty;
	if ((c->shm = v->shm))
		v->shm->refcount++;
	if ((c->vm_file = v->vm_file))
		get_file(v->vm_file);
	return c;
}

/* Split v at addr with no regard to the area limit (Linux's __split_vma). */
static struct vma *split_at(struct mm *mm, struct vma *v, uintptr_t addr)
{
	kassert(v->vm_start < addr && addr < v->vm_end && page_aligned(addr));
	struct vma *hi = vma_copy(v, addr, addr, v->vm_end - addr);
	if (!hi)
		return NULL;
	hi->file_end = v->file_end;
	v->vm_end = addr;
	insert_after(mm, v, hi);   /* its neighbour is known: no lookup */
	return hi;
}

struct vma *split_vma(struct mm *mm, struct vma *v, uintptr_t addr)
{
	if (mm->map_count >= MAX_MAP_COUNT)
		return NULL;   /* as Linux: too many areas is ENOMEM */
	return split_at(mm, v, addr);
}

/* Can b, with the flags bf, follow a, with the flags af, as one area:
 * touching, alike, and with a continuous backing? */
static bool joins(const struct vma *a, uint64_t af, const struct vma *b, uint64_t bf)
{
	if (a->vm_end != b->vm_start || af != bf || a->kind != b->kind)
		return false;
	if (a->kind == VMA_FILE)
		return a->vm_file == b->vm_file && vma_pgoff_at(a, a->vm_end) == b->vm_pgoff &&
		       a->file_end == b->file_end;
	if (a->shm || b->shm)
		return a->shm == b->shm && vma_pgoff_at(a, a->vm_end) == b->vm_pgoff;
	return true;
}

/* Can b follow a directly (same flags and a continuous backing)? */
static bool mergeable(const struct vma *a, const struct vma *b)
{
	return joins(a, a->vm_flags, b, b->vm_flags);
}

/* b is absorbed into a (its left neighbour). */
static void absorb(struct mm *mm, struct vma *a, struct vma *b)
{
	a->vm_end = b->vm_end;   /* first: b's successor's gap then ends at a */
	vma_remove(mm, b);
	a->soft_dirty |= b->soft_dirty;   /* Linux ignores VM_SOFTDIRTY when merging */
	vma_free(b);
}

struct vma *vma_merge(struct mm *mm, struct vma *v)
{
	if (v->next && mergeable(v, v->next))
		absorb(mm, v, v->next);
	if (v->prev && mergeable(v->prev, v)) {
		struct vma *prev = v->prev;
		absorb(mm, prev, v);
		return prev;
	}
	return v;
}

/* The boundary between the neighbours lo and hi moves to addr, inside one
 * of them: the pages between change areas with no split and no merge.
 * hi's node keeps its place in the tree (its key stays between lo's and its
 * successor's) and the gap between the two stays 0. */
static void move_boundary(struct vma *lo, struct vma *hi, uintptr_t addr)
{
	struct vma *giver = addr < lo->vm_end ? lo : hi, *taker = giver == lo ? hi : lo;
	kassert(lo->vm_end == hi->vm_start && lo->vm_start < addr && addr < hi->vm_end);
	hi->vm_pgoff = vma_pgoff_at(giver, addr);   /* the backings are continuous */
	taker->soft_dirty |= giver->soft_dirty;     /* as absorb */
	lo->vm_end = addr;
	hi->vm_start = addr;
	hi->node.key = addr;
}

/* Linux's vma_merge "adjust" cases: [start, end) is v's low part and v's
 * predecessor will be alike once it has newflags (or v's high part and its
 * successor): the boundary moves. Returns the area that took the range, or
 * NULL when neither neighbour can. */
static struct vma *adjust_boundary(struct vma *v, uintptr_t start, uintptr_t end, uint64_t newflags)
{
	struct vma *prev = v->prev, *next = v->next;
	if (start == v->vm_start && end < v->vm_end && prev && joins(prev, prev->vm_flags, v, newflags)) {
		move_boundary(prev, v, end);
		return prev;
	}
	if (end == v->vm_end && start > v->vm_start && next && joins(v, newflags, next, next->vm_flags)) {
		move_boundary(v, next, start);
		return next;
	}
	return NULL;
}

int vma_modify_flags(struct mm *mm, struct vma **vp, uintptr_t start, uintptr_t end, uint64_t newflags)
{
	struct vma *v = *vp, *to = adjust_boundary(v, start, end, newflags);
	if (to) {
		*vp = to;
		return 0;
	}
	if (v->vm_start < start && !(v = split_vma(mm, v, start)))
		return -ENOMEM;
	if (v->vm_end > end && !split_vma(mm, v, end))
		return -ENOMEM;
	v->vm_flags = newflags;
	*vp = v;
	return 0;
}

/* Each touching pair once, left to right: a merge keeps the left area and
 * compares it with its new successor. */
void vma_merge_range(struct mm *mm, uintptr_t start, uintptr_t end)
{
	struct vma *v = find_vma(mm, start ? start - 1 : 0);
	while (v && v->next && v->next->vm_start <= end) {
		if (mergeable(v, v->next))
			absorb(mm, v, v->next);   /* v stays: it keeps its node and its gap */
		else
			v = v->next;
	}
}

static void put_user_frame(paddr_t pa, pte_t old, void *arg)
{
	if ((old & PTE_D) && (old & PTE_W))
		set_page_dirty(pa);   /* a shared file page written through this mapping */
	((struct mm *)arg)->stat.pages_freed++;
	vm_global.pages_freed++;
	frame_put(pa);
}

void vma_zap_range(struct mm *mm, uintptr_t start, uintptr_t end)
{
	pt_unmap_range(mm->pgd, start, end, put_user_frame, mm);
}

/* As Linux's do_vmi_align_munmap: only a hole punched inside one area adds
 * an area, so only that is refused at the limit, before anything changes
 * (regression: the first split stayed behind). Other splits may pass the
 * limit for a moment: the removal brings the count back down. */
int vma_unmap_range(struct mm *mm, uintptr_t start, uintptr_t end)
{
	struct vma *v = find_vma(mm, start);
	if (v && v->vm_start < start && end < v->vm_end && mm->map_count >= MAX_MAP_COUNT)
		return -ENOMEM;
	if (v && v->vm_start < start && v->vm_end > start && !(v = split_at(mm, v, start)))
		return -ENOMEM;
	struct vma *last = find_vma(mm, end - 1);
	if (last && last->vm_start < end && last->vm_end > end && !split_at(mm, last, end))
		return -ENOMEM;
	while (v && v->vm_start < end) {
		struct vma *next = v->next;
		pt_unmap_range(mm->pgd, v->vm_start, v->vm_end, put_user_frame, mm);
		vma_remove(mm, v);
		vma_free(v);
		v = next;
	}
	return 0;
}

static bool check_fail(const char *what, const struct vma *v)
{
	printk("vma_check: %s at [%lx, %lx)\n", what, v ? v->vm_start : 0, v ? v->vm_end : 0);
	return false;
}

/* The tree agrees with the list: same count, balanced, every gap right. */
static bool index_check(struct mm *mm)
{
	int height;
	if (!mm->vmas_indexed)
		return !mm->vmas.root && !mm->vmas.count;
	for (struct vma *v = mm->vma_list; v; v = v->next)
		if (v->node.gap != gap_below(v) || v->node.key != v->vm_start)
			return check_fail("stale key or gap below the area", v);
	return mm->vmas.count == mm->map_count && avl_check(&mm->vmas, &height);
}

bool vma_check(struct mm *mm)
{
	size_t n = 0;
	bool hint_seen = !mm->vma_hint;
	for (struct vma *v = mm->vma_list; v; v = v->next, n++) {
		if (!page_aligned(v->vm_start) || !page_aligned(v->vm_end) || v->vm_start >= v->vm_end)
			return check_fail("unaligned or empty area", v);
		if (v->vm_end > USER_TOP)
			return check_fail("area above USER_TOP", v);
		if (v->next && (v->next->vm_start < v->vm_end || v->next->prev != v))
			return check_fail("areas overlap or list broken", v);
		if (v->next && mergeable(v, v->next))
			return check_fail("mergeable neighbours left apart", v);
		if (area_floor(mm, v->vm_start) != v || area_floor(mm, v->vm_end - 1) != v)
			return check_fail("lookup disagrees with the list", v);
		hint_seen |= v == mm->vma_hint;
	}
	if (n != mm->map_count || !hint_seen || !index_check(mm))
		return check_fail("count, hint or tree disagrees with the list, or the tree is unbalanced", NULL);
	n = 0;
	for (struct vma *v = mm->vma_spare; v; v = v->next)
		n++;
	if (n != mm->nr_vma_spare || n > VMA_SPARE_MAX)
		return check_fail("area cache miscounted", NULL);
	return true;
}
