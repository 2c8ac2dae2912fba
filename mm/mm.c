/*
 * struct mm: one process's private address space (CS:APP 9.2, 9.4): a page
 * table root plus the areas that say what may be mapped.
 *
 * mm_dup is fork's half of copy-on-write (CS:APP 9.8.2): page tables are
 * copied, frames are not. Each private writable page becomes read-only in
 * both spaces with its frame's refcount raised; the first write in either
 * space faults and mm/fault.c copies (or, once unshared, reuses) the frame.
 * Shared areas keep their pages writable in both. madvise's marks: an area
 * with VM_DONTCOPY is not copied at all, one with VM_WIPEONFORK is copied
 * without its pages (the child reads zeros); mlock's VM_LOCKED is dropped.
 * A page on swap is shared the same way: the child's PTE gets the same swap
 * entry and the slot one more reference (mm/swapfile.c).
 */
#include "mm.h"
#include "filemap.h"
#include "frame.h"
#include "kheap.h"
#include "pagetable.h"
#include "rmap.h"
#include "swapfile.h"
#include "../kernel/string.h"
#include "../kernel/x86.h"

struct vm_counters vm_global;

struct mm *mm_create(void)
{
	struct mm *mm = kzalloc(sizeof(*mm));
	if (!mm)
		return NULL;
	mm->pgd = pt_create_root();
	if (!mm->pgd) {
		kfree(mm);
		return NULL;
	}
	mm->mmap_base = MMAP_BASE;
	mm->anon_id = anon_family_new();
	return mm;
}

void mm_activate(struct mm *mm)
{
	extern pte_t *kernel_root;
	write_cr3(kva_to_pa(mm ? mm->pgd : kernel_root));
}

struct cow_ctx {
	struct mm *parent, *child;
	const struct vma *vma;
	int err;
};

/* One present page of a private area of the parent: share its frame with
 * the child, copy-on-write. */
/* LAB cow: BEGIN */
static void share_page(uintptr_t va, pte_t *slot, int level, void *arg)
{
	struct cow_ctx *c = arg;
	(void)level;
	if (c->err)
		return;
	bool cow = !(c->vma->vm_flags & VM_SHARED);
	if (cow)   /* both sides now fault on write: copy-on-write */
		pt_protect(c->parent->pgd, va, pte_flags(*slot) & ~PTE_W);
	frame_get(pte_addr(*slot));
	c->err = pt_map(c->child->pgd, va, pte_addr(*slot), pte_flags(*slot) & ~(PTE_P | PTE_A | PTE_D));
	if (c->err)
		frame_put(pte_addr(*slot));
}
/* LAB cow: END */
/* LAB cow: STUB
static void share_page(uintptr_t va, pte_t *slot, int level, void *arg)
{
	// Lab cow: for now fork copies every page the parent has (shared areas
	// excepted): correct, but slow and memory-hungry.
	struct cow_ctx *c = arg;
	(void)level;
	if (c->err)
		return;
	paddr_t pa = pte_addr(*slot);
	if (!(c->vma->vm_flags & VM_SHARED)) {
		paddr_t copy = frame_alloc(FRAME_USER);
		if (!copy) {
			c->err = -1;
			return;
		}
		page_copy(pa_to_kva(copy), pa_to_kva(pa));
		pa = copy;
	} else {
		frame_get(pa);
	}
	c->err = pt_map(c->child->pgd, va, pa, pte_flags(*slot) & ~(PTE_P | PTE_A | PTE_D));
	if (c->err)
		frame_put(pa);
}
*/

/* A swap entry of the parent's: the child names the same slot (one more
 * reference on it), as fork shares a present page's frame. */
static void share_swap_entry(uintptr_t va, pte_t *slot, void *arg)
{
	struct cow_ctx *c = arg;
	if (c->err)
		return;
	swap_duplicate(*slot);
	c->err = pt_set_swap(c->child->pgd, va, *slot);
	if (c->err)
		swap_free(*slot);
}

static struct vma *vma_clone(const struct vma *v)
{
	struct vma *c = kmalloc(sizeof(*c));
	if (!c)
		return NULL;
	*c = *v;
	if (c->shm)
		c->shm->refcount++;
	if (c->vm_file)
		get_file(c->vm_file);
	return c;
}

struct mm *mm_dup(struct mm *parent)
{
	struct mm *child = mm_create();
	if (!child)
		return NULL;
	child->start_brk = parent->start_brk;
	child->brk = parent->brk;
	child->start_stack = parent->start_stack;
	child->mmap_base = parent->mmap_base;
	child->anon_id = parent->anon_id;   /* COW-shared pages are found in both (rmap.c) */
	child->exe_file = parent->exe_file ? get_file(parent->exe_file) : NULL;
	struct cow_ctx c = { parent, child, NULL, 0 };
	for (struct vma *v = parent->vma_list; v && !c.err; v = v->next) {
		if (v->vm_flags & VM_DONTCOPY)
			continue;   /* MADV_DONTFORK: the child has a hole here */
		struct vma *copy = vma_clone(v);
		if (!copy) {
			c.err = -1;
			break;
		}
		copy->vm_flags &= ~VM_LOCKED_MASK;   /* locks are not inherited */
		vma_insert(child, copy);
		if (v->vm_flags & VM_WIPEONFORK)
			continue;   /* the child's copy starts empty: demand-zero */
		c.vma = v;
		struct pt_visitor visit = { share_page, NULL, &c, share_swap_entry };
		if (!(v->vm_flags & VM_SHARED))   /* as Linux: the child faults shared pages in */
			pt_traverse(parent->pgd, v->vm_start, v->vm_end, &visit);
	}
	if (c.err) {
		mm_destroy(child);
		return NULL;
	}
	vma_merge_range(child, 0, USER_TOP);   /* areas that differed only in VM_LOCKED */
	return child;
}

void mm_destroy(struct mm *mm)
{
	vma_unmap_range(mm, 0, USER_TOP);   /* splits nothing: cannot fail */
	fput(mm->exe_file);
	pt_destroy(mm->pgd);
	kfree(mm);
}

static void count_leaf(uintptr_t va, pte_t *slot, int level, void *arg)
{
	(void)va, (void)slot, (void)level;
	(*(uint64_t *)arg)++;
}

uint64_t mm_resident_pages(struct mm *mm, uintptr_t start, uintptr_t end)
{
	uint64_t n = 0;
	struct pt_visitor v = { count_leaf, NULL, &n, NULL };
	pt_traverse(mm->pgd, start, end, &v);
	return n;
}

/* Page-table pages below the root (Linux's VmPTE, in pages). */
uint64_t mm_table_pages(struct mm *mm)
{
	uint64_t n = 0;
	struct pt_visitor v = { NULL, count_leaf, &n, NULL };
	pt_traverse(mm->pgd, 0, USER_TOP, &v);
	return n;
}
